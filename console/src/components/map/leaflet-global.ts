import L from 'leaflet';

// leaflet.markercluster extends the global `L` when its module runs, so the
// global must exist before that import is evaluated. This module is imported
// first for that reason.
(window as unknown as { L: typeof L }).L = L;

export default L;

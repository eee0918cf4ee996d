import { useEffect, useRef, useState } from 'react';

import type { MapSettings } from '../../api/locations.js';
import L from './leaflet.js';

// Zoom 2 shows the whole world on a laptop screen before any data arrives.
const WORLD_VIEW = { center: [0, 0] as L.LatLngTuple, zoom: 2 };
// Standard OpenStreetMap tiles go to zoom 19; a provider with fewer levels
// shows the last one scaled up.
const MAX_ZOOM = 19;

/**
 * Creates a Leaflet map in the returned container ref with the configured
 * tile layer, and removes it on unmount. The map is null until mounted.
 */
export function useLeafletMap(settings: MapSettings) {
  const containerRef = useRef<HTMLDivElement>(null);
  const [map, setMap] = useState<L.Map | null>(null);

  useEffect(() => {
    const container = containerRef.current;
    if (!container) return;

    const created = L.map(container, { center: WORLD_VIEW.center, zoom: WORLD_VIEW.zoom, worldCopyJump: true });
    L.tileLayer(settings.urlTemplate, {
      attribution: escapeHtml(settings.attribution),
      maxZoom: MAX_ZOOM,
      // The console's own policy is no-referrer. Tiles send the site's origin,
      // so that a shared tile server can tell which site a request comes from.
      referrerPolicy: 'strict-origin-when-cross-origin',
    }).addTo(created);
    setMap(created);

    return () => {
      // Stopping a running pan or zoom first keeps Leaflet's animation end
      // handlers from touching panes that remove() has already taken away.
      created.stop();
      created.remove();
      setMap(null);
    };
  }, [settings.urlTemplate, settings.attribution]);

  return { containerRef, map };
}

/** Leaflet inserts attribution as HTML; the configured text is shown as text. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}

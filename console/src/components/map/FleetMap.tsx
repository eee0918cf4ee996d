import i18n from '@dhis2/d2-i18n';
import { useEffect, useRef } from 'react';

import type { FleetPosition, MapSettings } from '../../api/locations.js';
import { routeHref } from '../../router.js';
import { formatZonedTime } from '../format.js';
import L from './leaflet.js';
import styles from './maps.module.css';
import { useLeafletMap } from './useLeafletMap.js';

const MARKER_SIZE = 16;
const LOST_MARKER_SIZE = 22;
const FIT_PADDING: L.PointTuple = [32, 32];
// Fitting never zooms past a village-level view, even for one device.
const FIT_MAX_ZOOM = 14;
// Past zoom 16 devices a few metres apart are shown side by side.
const DISABLE_CLUSTERING_AT_ZOOM = 17;

interface Props {
  positions: FleetPosition[];
  settings: MapSettings;
  /** The view is fitted to the markers on the first load and whenever this changes, not on every refresh. */
  fitKey: string;
}

interface DeviceMarkerOptions extends L.MarkerOptions {
  lost: boolean;
}

/**
 * Last positions of the fleet, clustered. Each marker is coloured by contact
 * state. Phones in lost mode get a larger red marker, and a cluster that
 * contains one turns red as well.
 */
export function FleetMap({ positions, settings, fitKey }: Props) {
  const { containerRef, map } = useLeafletMap(settings);
  // A refresh keeps the part of the map the viewer zoomed into.
  const fittedKey = useRef<string | null>(null);
  // The device whose popup is open, so a refresh reopens it on the new marker.
  const openDeviceId = useRef<string | null>(null);
  // Counts marker builds on the container's data-builds, which tests wait on.
  const builds = useRef(0);

  useEffect(() => {
    if (!map) return;
    const clusters = L.markerClusterGroup({
      disableClusteringAtZoom: DISABLE_CLUSTERING_AT_ZOOM,
      iconCreateFunction: clusterIcon,
      showCoverageOnHover: false,
      // Adds markers in slices between frames, so a fleet of tens of
      // thousands does not freeze the page while the clusters are built.
      chunkedLoading: true,
      // Adding the empty group to the map reports 0 of 0 before any marker is in.
      chunkProgress: (processed, total) => {
        if (total > 0 && processed === total) reopenPopup();
      },
    });

    const markers = positions.map((position) => {
      const lost = position.lostModeSince !== null;
      const size = lost ? LOST_MARKER_SIZE : MARKER_SIZE;
      const options: DeviceMarkerOptions = {
        lost,
        title: position.deviceId,
        zIndexOffset: lost ? 1000 : 0,
        icon: L.divIcon({
          className: `outpost-device-marker outpost-device-${position.status}${lost ? ' outpost-device-lost' : ''}`,
          iconSize: [size, size],
        }),
      };
      const marker = L.marker([position.lat, position.lon], options).bindPopup(() => devicePopup(position));
      marker.on('popupopen', () => {
        openDeviceId.current = position.deviceId;
      });
      marker.on('popupclose', () => {
        if (openDeviceId.current === position.deviceId) openDeviceId.current = null;
      });
      return marker;
    });
    // Reopens the popup closed by the refresh, when its device still shows
    // as a marker of its own rather than inside a cluster. In the progress
    // callback the last markers were not on the map yet in tests, hence the timeout.
    const reopenPopup = () => {
      window.setTimeout(() => {
        const marker = markers.find((candidate) => candidate.options.title === openDeviceId.current);
        if (marker && map.hasLayer(marker)) marker.openPopup();
        else openDeviceId.current = null;
      }, 0);
    };
    // On the map first, so the markers are laid out as they are added and
    // chunkProgress reports the end of the loading.
    map.addLayer(clusters);
    clusters.addLayers(markers);
    builds.current += 1;
    map.getContainer().dataset.builds = String(builds.current);

    if (markers.length > 0 && fittedKey.current !== fitKey) {
      fittedKey.current = fitKey;
      const bounds = L.latLngBounds(positions.map((position) => [position.lat, position.lon]));
      map.fitBounds(bounds, { padding: FIT_PADDING, maxZoom: FIT_MAX_ZOOM, animate: false });
    }

    return () => {
      // On unmount useLeafletMap's cleanup runs first and removes the map
      // with its layers. Leaflet's stop() then throws on the missing panes,
      // and the error blanks the whole console, so it runs only on a live map.
      if (map.getPane('mapPane')) map.stop();
      // Removing the layer closes the open popup; the next build reopens it.
      const reopen = openDeviceId.current;
      map.removeLayer(clusters);
      openDeviceId.current = reopen;
    };
  }, [map, positions, fitKey]);

  return <div ref={containerRef} className={styles.map} data-test="fleet-map" data-devices={positions.length} />;
}

function clusterIcon(cluster: L.MarkerCluster): L.DivIcon {
  const children = cluster.getAllChildMarkers();
  const lost = children.some((marker) => (marker.options as DeviceMarkerOptions).lost);
  const count = children.length;
  let sizeClass = 'large';
  if (count < 10) sizeClass = 'small';
  else if (count < 100) sizeClass = 'medium';

  const label = document.createElement('span');
  label.textContent = String(count);
  const inner = document.createElement('div');
  inner.append(label);

  return L.divIcon({
    html: inner,
    className: `marker-cluster marker-cluster-${sizeClass}${lost ? ' outpost-cluster-lost' : ''}`,
    iconSize: L.point(40, 40),
  });
}

function devicePopup(position: FleetPosition): HTMLElement {
  const element = document.createElement('div');
  element.dataset.test = 'fleet-map-popup';

  const link = document.createElement('a');
  link.href = routeHref(`/devices/${encodeURIComponent(position.id)}`);
  link.textContent = position.deviceId;
  const heading = document.createElement('strong');
  heading.append(link);
  element.append(heading);

  const lines = [
    position.model ?? '',
    i18n.t('Contact state: {{state}}', { state: stateLabel(position.status) }),
    i18n.t('Last contact {{time}}', { time: formatZonedTime(position.lastContactAt) }),
    i18n.t('Position taken {{time}}', { time: formatZonedTime(position.at) }),
    position.lostModeSince === null ? '' : i18n.t('Lost mode since {{time}}', { time: formatZonedTime(position.lostModeSince) }),
  ];
  for (const line of lines.filter((text) => text !== '')) {
    const row = document.createElement('div');
    row.textContent = line;
    element.append(row);
  }
  return element;
}

export function stateLabel(status: FleetPosition['status']): string {
  switch (status) {
    case 'online':
      return i18n.t('Online');
    case 'late':
      return i18n.t('Late');
    case 'offline':
      return i18n.t('Offline');
    case 'never':
      return i18n.t('Never contacted');
  }
}

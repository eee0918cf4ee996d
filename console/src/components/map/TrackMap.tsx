import i18n from '@dhis2/d2-i18n';
import { useEffect } from 'react';

import type { MapSettings, TrackPoint } from '../../api/locations.js';
import { formatZonedTime } from '../format.js';
import L from './leaflet.js';
import styles from './maps.module.css';
import { useLeafletMap } from './useLeafletMap.js';

// A single fix gets a street-level view; a track is fitted to its bounds.
const SINGLE_POINT_ZOOM = 15;
const FIT_PADDING: L.PointTuple = [24, 24];

interface Props {
  points: TrackPoint[];
  settings: MapSettings;
}

/**
 * One device's track: a line through its fixes in the order the phone took
 * them, a small circle per fix, and markers at the first and last fix.
 */
export function TrackMap({ points, settings }: Props) {
  const { containerRef, map } = useLeafletMap(settings);

  useEffect(() => {
    if (!map) return;
    const layer = L.featureGroup().addTo(map);
    const latLngs = points.map((point) => L.latLng(point.lat, point.lon));

    if (latLngs.length >= 2) {
      // smoothFactor 0 keeps every fix in the line, so no reported position
      // disappears when zoomed out.
      L.polyline(latLngs, { className: 'outpost-track-line', weight: 3, smoothFactor: 0, noClip: true }).addTo(layer);
    }
    points.forEach((point, index) => {
      L.circleMarker([point.lat, point.lon], { className: 'outpost-track-point', radius: 4, weight: 1 })
        .bindPopup(() => fixPopup(point, index, points.length))
        .addTo(layer);
    });

    const first = points[0];
    const last = points[points.length - 1];
    if (first && last) {
      L.marker([last.lat, last.lon], { title: i18n.t('Last fix') }).bindPopup(() => fixPopup(last, points.length - 1, points.length)).addTo(layer);
      if (points.length > 1) {
        L.circleMarker([first.lat, first.lon], { className: 'outpost-track-start', radius: 7, weight: 2 }).addTo(layer);
      }
      // Without animation, leaving the page right after a change cannot end a zoom midway.
      if (points.length === 1) map.setView([first.lat, first.lon], SINGLE_POINT_ZOOM, { animate: false });
      else map.fitBounds(L.latLngBounds(latLngs), { padding: FIT_PADDING, animate: false });
    }

    return () => {
      layer.remove();
    };
  }, [map, points]);

  return <div ref={containerRef} className={styles.map} data-test="track-map" data-points={points.length} />;
}

function fixPopup(point: TrackPoint, index: number, total: number): HTMLElement {
  const element = document.createElement('div');
  const lines = [
    i18n.t('Fix {{number}} of {{total}}', { number: index + 1, total }),
    i18n.t('Taken {{time}}', { time: formatZonedTime(point.at) }),
    i18n.t('Received {{time}}', { time: formatZonedTime(point.receivedAt) }),
    `${point.lat.toFixed(5)}, ${point.lon.toFixed(5)}`,
  ];
  for (const line of lines) {
    const row = document.createElement('div');
    row.textContent = line;
    element.append(row);
  }
  return element;
}

import i18n from '@dhis2/d2-i18n';

import styles from '../../components/map/maps.module.css';

const SWATCHES = [
  { colour: '#2e7d32', label: () => i18n.t('Online') },
  { colour: '#f9a825', label: () => i18n.t('Late') },
  { colour: '#6e7a8a', label: () => i18n.t('Offline') },
  { colour: '#c62828', label: () => i18n.t('Lost mode') },
];

/** Colour key of the fleet map's markers. */
export function MapLegend() {
  return (
    <div className={styles.legend} data-test="map-legend">
      {SWATCHES.map((swatch) => (
        <span key={swatch.colour}>
          <span className={styles.legendSwatch} style={{ background: swatch.colour }} />
          {swatch.label()}
        </span>
      ))}
    </div>
  );
}

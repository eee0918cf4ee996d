import i18n from '@dhis2/d2-i18n';
import { useEffect, useState } from 'react';

import { fetchFleetSummary } from '../api/fleet.js';
import type { FleetSummary } from '../api/types.js';
import { ErrorNotice } from '../components/ErrorNotice.js';
import { formatTime } from '../components/format.js';
import { Loading } from '../components/Loading.js';
import { PageHeader } from '../components/PageHeader.js';
import { useApiData } from '../use-api-data.js';
import styles from './FleetPage.module.css';

// Devices report every 15 minutes, so a 30 s refresh shows each report
// soon after it arrives without loading the server.
const REFRESH_INTERVAL_MS = 30_000;

interface Tile {
  key: keyof FleetSummary;
  label: string;
  tone: 'neutral' | 'positive' | 'negative' | 'info';
}

function tiles(): Tile[] {
  return [
    { key: 'total', label: i18n.t('Devices'), tone: 'info' },
    { key: 'online', label: i18n.t('Online'), tone: 'positive' },
    { key: 'late', label: i18n.t('Late'), tone: 'neutral' },
    { key: 'offline', label: i18n.t('Offline'), tone: 'negative' },
    { key: 'neverContacted', label: i18n.t('Never contacted'), tone: 'neutral' },
    { key: 'enrolledToday', label: i18n.t('Enrolled today'), tone: 'info' },
  ];
}

/** Fleet totals, reloaded every 30 seconds. */
export function FleetPage() {
  const [loadedAt, setLoadedAt] = useState<number | null>(null);
  const summary = useApiData(async () => {
    const result = await fetchFleetSummary();
    setLoadedAt(Date.now());
    return result;
  }, []);

  const { reload } = summary;
  useEffect(() => {
    const timer = window.setInterval(reload, REFRESH_INTERVAL_MS);
    return () => window.clearInterval(timer);
  }, [reload]);

  return (
    <>
      <PageHeader title={i18n.t('Fleet overview')}>
        {loadedAt !== null && (
          <span className={styles.updated}>
            {i18n.t('Updated {{time}}; refreshes every 30 seconds', { time: formatTime(loadedAt) })}
          </span>
        )}
      </PageHeader>
      <ErrorNotice error={summary.error} title={i18n.t('The fleet summary could not be loaded')} />
      {summary.data === undefined && summary.loading && <Loading />}
      {summary.data && (
        <div className={styles.tiles} data-test="fleet-summary">
          {tiles().map((tile) => (
            <div key={tile.key} className={`${styles.tile} ${styles[tile.tone]}`} data-test={`fleet-${tile.key}`}>
              <div className={styles.value}>{summary.data![tile.key]}</div>
              <div className={styles.label}>{tile.label}</div>
            </div>
          ))}
        </div>
      )}
    </>
  );
}

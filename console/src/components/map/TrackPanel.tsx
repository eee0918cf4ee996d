import i18n from '@dhis2/d2-i18n';
import { Button, NoticeBox } from '@dhis2/ui';
import { useState } from 'react';

import { fetchMapSettings, fetchTrack, trackExportUrl, type LocationRejection, type Period } from '../../api/locations.js';
import { useApiData } from '../../use-api-data.js';
import { ErrorNotice } from '../ErrorNotice.js';
import { formatZonedTime } from '../format.js';
import { Loading } from '../Loading.js';
import { lastHours, PeriodPicker } from './PeriodPicker.js';
import { TrackMap } from './TrackMap.js';

const DEFAULT_HOURS = 24;

interface Props {
  /** Record id of the device. */
  deviceId: string;
  /** Time of the device's last fix, offered when the chosen period has none. */
  lastFixAt: number | null;
}

/** A device's track with its period picker, export links and the count of rejected fixes. */
export function TrackPanel({ deviceId, lastFixAt }: Props) {
  const [period, setPeriod] = useState<Period>(() => lastHours(DEFAULT_HOURS));
  // Changing the key remounts the picker, so its fields show a period chosen here.
  const [pickerKey, setPickerKey] = useState(0);
  const showDayOfLastFix = (at: number) => {
    setPeriod(lastHours(DEFAULT_HOURS, at));
    setPickerKey((key) => key + 1);
  };
  const settings = useApiData(fetchMapSettings, []);
  const track = useApiData(() => fetchTrack(deviceId, period), [deviceId, period.from, period.to]);

  return (
    <div data-test="track-panel">
      <PeriodPicker key={pickerKey} period={period} onChange={setPeriod} />
      <ErrorNotice error={settings.error ?? track.error} title={i18n.t('The track could not be loaded')} />
      {(settings.data === undefined || track.data === undefined) && (settings.loading || track.loading) && <Loading />}
      {settings.data && track.data && (
        <>
          <p data-test="track-summary">
            {i18n.t('{{count}} fixes from {{from}} to {{to}}', {
              count: track.data.points.length,
              from: formatZonedTime(track.data.from),
              to: formatZonedTime(track.data.to),
            })}
          </p>
          {track.data.points.length === 0 && (
            <NoticeBox title={i18n.t('No fixes in this period')} dataTest="track-empty">
              {lastFixAt === null ? (
                i18n.t('The device has not reported a location.')
              ) : (
                <>
                  {i18n.t('The last fix was taken {{time}}.', { time: formatZonedTime(lastFixAt) })}{' '}
                  <Button small secondary onClick={() => showDayOfLastFix(lastFixAt)} dataTest="track-show-last-day">
                    {i18n.t('Show the day before it')}
                  </Button>
                </>
              )}
            </NoticeBox>
          )}
          {track.data.truncated && (
            <NoticeBox warning title={i18n.t('Only the newest fixes are shown')}>
              {i18n.t('The period holds more fixes than one map shows. Choose a shorter period to see all of them.')}
            </NoticeBox>
          )}
          <TrackMap points={track.data.points} settings={settings.data} />
          <p>
            <a href={trackExportUrl(deviceId, period, 'geojson')} download data-test="track-export-geojson">
              {i18n.t('Download GeoJSON')}
            </a>
            {' · '}
            <a href={trackExportUrl(deviceId, period, 'csv')} download data-test="track-export-csv">
              {i18n.t('Download CSV')}
            </a>
          </p>
          <Rejections rejections={track.data.rejections} total={track.data.rejectedTotal} />
        </>
      )}
    </div>
  );
}

function Rejections({ rejections, total }: { rejections: LocationRejection[]; total: number }) {
  if (total === 0) return null;
  return (
    <NoticeBox title={i18n.t('{{count}} reports had a position kept out of the track', { count: total })} dataTest="track-rejections">
      <ul>
        {rejections.map((rejection) => (
          <li key={rejection.reason}>
            {i18n.t('{{reason}}: {{count}}, last {{time}}', {
              reason: rejectionLabel(rejection.reason),
              count: rejection.count,
              time: formatZonedTime(rejection.lastAt),
            })}
          </li>
        ))}
      </ul>
    </NoticeBox>
  );
}

function rejectionLabel(reason: string): string {
  switch (reason) {
    case 'invalid_coordinates':
      return i18n.t('Coordinates out of range');
    case 'null_island':
      return i18n.t('Position exactly 0, 0 (no fix)');
    case 'future_time':
      return i18n.t('Time in the future (wrong phone clock)');
    case 'invalid_time':
      return i18n.t('Time before 2008 (clock never set)');
    default:
      return reason;
  }
}

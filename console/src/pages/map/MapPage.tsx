import i18n from '@dhis2/d2-i18n';
import { Button, SingleSelectField, SingleSelectOption } from '@dhis2/ui';
import { useEffect, useMemo, useState } from 'react';

import { fetchFleetPositions, fetchMapSettings, fleetExportUrl, type FleetPosition } from '../../api/locations.js';
import { ErrorNotice } from '../../components/ErrorNotice.js';
import { FleetMap } from '../../components/map/FleetMap.js';
import { TrackPanel } from '../../components/map/TrackPanel.js';
import { Loading } from '../../components/Loading.js';
import { PageHeader } from '../../components/PageHeader.js';
import { Section } from '../../components/Section.js';
import { useApiData } from '../../use-api-data.js';
import { MapLegend } from './MapLegend.js';

// Phones report every 15 minutes, so reloading once a minute keeps the map
// current at little cost.
const REFRESH_INTERVAL_MS = 60_000;

/** The fleet's last positions, clustered, and the track of one chosen device. */
export function MapPage() {
  const settings = useApiData(fetchMapSettings, []);
  const fleet = useApiData(fetchFleetPositions, []);
  const { reload } = fleet;
  useEffect(() => {
    const timer = window.setInterval(reload, REFRESH_INTERVAL_MS);
    return () => window.clearInterval(timer);
  }, [reload]);
  const [lostOnly, setLostOnly] = useState(false);
  const [trackDevice, setTrackDevice] = useState<string>('');

  const positions = useMemo(() => {
    const items = fleet.data?.items ?? [];
    return lostOnly ? items.filter((item) => item.lostModeSince !== null) : items;
  }, [fleet.data, lostOnly]);
  const lostCount = (fleet.data?.items ?? []).filter((item) => item.lostModeSince !== null).length;

  return (
    <>
      <PageHeader title={i18n.t('Map')}>
        <Button small onClick={fleet.reload} loading={fleet.loading && fleet.data !== undefined}>
          {i18n.t('Refresh')}
        </Button>
        <a href={fleetExportUrl('geojson')} download data-test="fleet-export-geojson">
          {i18n.t('Download GeoJSON')}
        </a>
        <a href={fleetExportUrl('csv')} download data-test="fleet-export-csv">
          {i18n.t('Download CSV')}
        </a>
      </PageHeader>
      <ErrorNotice error={settings.error ?? fleet.error} title={i18n.t('The map could not be loaded')} />
      {(settings.data === undefined || fleet.data === undefined) && (settings.loading || fleet.loading) && <Loading />}
      {settings.data && fleet.data && (
        <>
          <Section title={i18n.t('Last known positions')} dataTest="fleet-positions">
            <p>
              {i18n.t('{{count}} devices with a position, {{lost}} in lost mode.', { count: fleet.data.items.length, lost: lostCount })}{' '}
              <Button small secondary onClick={() => setLostOnly(!lostOnly)} dataTest="fleet-lost-only">
                {lostOnly ? i18n.t('Show all devices') : i18n.t('Show lost phones only')}
              </Button>
            </p>
            <MapLegend />
            <FleetMap positions={positions} settings={settings.data} fitKey={lostOnly ? 'lost' : 'all'} />
          </Section>
          <Section title={i18n.t('Track of one device')} dataTest="map-track">
            <DevicePicker positions={fleet.data.items} selected={trackDevice} onChange={setTrackDevice} />
            {trackDevice !== '' && (
              <TrackPanel
                key={trackDevice}
                deviceId={trackDevice}
                lastFixAt={fleet.data.items.find((item) => item.id === trackDevice)?.at ?? null}
              />
            )}
          </Section>
        </>
      )}
    </>
  );
}

function DevicePicker(props: { positions: FleetPosition[]; selected: string; onChange: (id: string) => void }) {
  const sorted = [...props.positions].sort((a, b) => a.deviceId.localeCompare(b.deviceId));
  return (
    <SingleSelectField
      label={i18n.t('Device')}
      inputWidth="340px"
      filterable
      noMatchText={i18n.t('No device matches')}
      selected={props.selected === '' ? undefined : props.selected}
      onChange={({ selected }) => props.onChange(selected)}
      dataTest="map-track-device"
    >
      {sorted.map((position) => (
        <SingleSelectOption key={position.id} value={position.id} label={position.deviceId} />
      ))}
    </SingleSelectField>
  );
}

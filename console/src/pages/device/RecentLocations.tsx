import i18n from '@dhis2/d2-i18n';
import { DataTable, DataTableBody, DataTableCell, DataTableColumnHeader, DataTableHead, DataTableRow } from '@dhis2/ui';

import type { Location } from '../../api/types.js';
import { formatTime } from '../../components/format.js';
import { Section } from '../../components/Section.js';

// Five decimal places are about one metre, finer than a phone's GPS fix.
const COORDINATE_DECIMALS = 5;

/** Last positions the device reported, newest first. */
export function RecentLocations({ locations }: { locations: Location[] }) {
  const newestFirst = [...locations].sort((a, b) => b.at - a.at);
  return (
    <Section title={i18n.t('Recent locations')} dataTest="device-locations">
      {newestFirst.length === 0 ? (
        <p>{i18n.t('The device has not reported a location.')}</p>
      ) : (
        <DataTable>
          <DataTableHead>
            <DataTableRow>
              <DataTableColumnHeader>{i18n.t('Time')}</DataTableColumnHeader>
              <DataTableColumnHeader>{i18n.t('Latitude')}</DataTableColumnHeader>
              <DataTableColumnHeader>{i18n.t('Longitude')}</DataTableColumnHeader>
            </DataTableRow>
          </DataTableHead>
          <DataTableBody>
            {newestFirst.map((location) => (
              <DataTableRow key={`${location.at}-${location.lat}-${location.lon}`}>
                <DataTableCell>{formatTime(location.at)}</DataTableCell>
                <DataTableCell>{location.lat.toFixed(COORDINATE_DECIMALS)}</DataTableCell>
                <DataTableCell>{location.lon.toFixed(COORDINATE_DECIMALS)}</DataTableCell>
              </DataTableRow>
            ))}
          </DataTableBody>
        </DataTable>
      )}
    </Section>
  );
}

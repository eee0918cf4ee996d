import i18n from '@dhis2/d2-i18n';
import {
  DataTable,
  DataTableBody,
  DataTableCell,
  DataTableColumnHeader,
  DataTableHead,
  DataTableRow,
  Tag,
} from '@dhis2/ui';

import type { InstalledApp } from '../../api/types.js';
import { orDash } from '../../components/format.js';
import { Section } from '../../components/Section.js';

function VersionState({ app }: { app: InstalledApp }) {
  if (app.expectedVersionCode === null) return <Tag neutral>{i18n.t('Not in policy')}</Tag>;
  if (app.versionName === null) return <Tag negative>{i18n.t('Not installed')}</Tag>;
  if (app.upToDate) return <Tag positive>{i18n.t('Up to date')}</Tag>;
  return <Tag negative>{i18n.t('Update pending')}</Tag>;
}

/** Apps the device reports, against the versionCode its policy expects. */
export function InstalledApps({ apps }: { apps: InstalledApp[] }) {
  return (
    <Section title={i18n.t('Installed apps')} dataTest="device-apps">
      {apps.length === 0 ? (
        <p>{i18n.t('The device has not reported any managed app yet.')}</p>
      ) : (
        <DataTable>
          <DataTableHead>
            <DataTableRow>
              <DataTableColumnHeader>{i18n.t('Package')}</DataTableColumnHeader>
              <DataTableColumnHeader>{i18n.t('Installed version')}</DataTableColumnHeader>
              <DataTableColumnHeader>{i18n.t('Installed versionCode')}</DataTableColumnHeader>
              <DataTableColumnHeader>{i18n.t('Expected versionCode')}</DataTableColumnHeader>
              <DataTableColumnHeader>{i18n.t('State')}</DataTableColumnHeader>
            </DataTableRow>
          </DataTableHead>
          <DataTableBody>
            {apps.map((app) => (
              <DataTableRow key={app.packageName}>
                <DataTableCell>{app.packageName}</DataTableCell>
                <DataTableCell>{orDash(app.versionName)}</DataTableCell>
                <DataTableCell>{orDash(app.versionCode)}</DataTableCell>
                <DataTableCell>{orDash(app.expectedVersionCode)}</DataTableCell>
                <DataTableCell>
                  <VersionState app={app} />
                </DataTableCell>
              </DataTableRow>
            ))}
          </DataTableBody>
        </DataTable>
      )}
    </Section>
  );
}

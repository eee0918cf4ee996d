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

import { appVersionDownloadUrl } from '../../api/apps.js';
import type { App, AppVersion } from '../../api/types.js';
import { formatBytes, formatTime, orDash } from '../../components/format.js';
import styles from './AppCatalogue.module.css';

// The first 16 hex digits identify a signer at a glance; the title shows all 64.
const SHORT_DIGEST_LENGTH = 16;

function schemesText(schemes: AppVersion['signatureSchemes']): string {
  return Array.isArray(schemes) ? schemes.join(', ') : schemes;
}

/**
 * Returns true when a version with a lower versionCode in the same package
 * has another signer, so phones running that version cannot update to it.
 */
export function signerDiffersFromEarlier(version: AppVersion, versions: AppVersion[]): boolean {
  return versions.some((other) => other.versionCode < version.versionCode && other.signerSha256 !== version.signerSha256);
}

function VersionCells({ version, signerChanged }: { version: AppVersion; signerChanged: boolean }) {
  return (
    <>
      <DataTableCell>
        <strong data-test="version-code">{version.versionCode}</strong>
      </DataTableCell>
      <DataTableCell>{orDash(version.versionName)}</DataTableCell>
      <DataTableCell>
        {orDash(version.minSdk)} / {orDash(version.targetSdk)}
      </DataTableCell>
      <DataTableCell>{formatBytes(version.size)}</DataTableCell>
      <DataTableCell>
        <code title={version.signerSha256}>{version.signerSha256.slice(0, SHORT_DIGEST_LENGTH)}…</code>
        <div className={styles.schemes}>{schemesText(version.signatureSchemes)}</div>
        {signerChanged && (
          <div title={i18n.t('Phones that run an earlier version cannot update to this one.')}>
            <Tag negative dataTest="signer-changed">
              {i18n.t('Signer differs from earlier versions')}
            </Tag>
          </div>
        )}
      </DataTableCell>
      <DataTableCell>{formatTime(version.createdAt)}</DataTableCell>
      <DataTableCell>
        <a href={appVersionDownloadUrl(version.id)} download={version.fileName}>
          {i18n.t('Download')}
        </a>
      </DataTableCell>
    </>
  );
}

/** Apps and their versions, in the order the API returns (highest versionCode first). */
export function AppCatalogue({ apps }: { apps: App[] }) {
  if (apps.length === 0) {
    return <p className={styles.empty}>{i18n.t('The catalogue is empty. Upload an APK to add an app.')}</p>;
  }

  return (
    <DataTable dataTest="app-catalogue">
      <DataTableHead>
        <DataTableRow>
          <DataTableColumnHeader>{i18n.t('App')}</DataTableColumnHeader>
          <DataTableColumnHeader>{i18n.t('versionCode')}</DataTableColumnHeader>
          <DataTableColumnHeader>{i18n.t('Version name')}</DataTableColumnHeader>
          <DataTableColumnHeader>{i18n.t('Min / target SDK')}</DataTableColumnHeader>
          <DataTableColumnHeader>{i18n.t('Size')}</DataTableColumnHeader>
          <DataTableColumnHeader>{i18n.t('Signer SHA-256')}</DataTableColumnHeader>
          <DataTableColumnHeader>{i18n.t('Uploaded')}</DataTableColumnHeader>
          <DataTableColumnHeader>{i18n.t('File')}</DataTableColumnHeader>
        </DataTableRow>
      </DataTableHead>
      <DataTableBody>
        {apps.flatMap((app) =>
          app.versions.map((version, index) => (
            <DataTableRow key={version.id} dataTest={`app-version-${app.packageName}`}>
              {index === 0 && (
                <DataTableCell rowSpan={String(app.versions.length)} className={styles.appCell}>
                  <div className={styles.label}>{app.label ?? app.packageName}</div>
                  <div className={styles.package}>{app.packageName}</div>
                </DataTableCell>
              )}
              <VersionCells version={version} signerChanged={signerDiffersFromEarlier(version, app.versions)} />
            </DataTableRow>
          )),
        )}
      </DataTableBody>
    </DataTable>
  );
}

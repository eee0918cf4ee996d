import i18n from '@dhis2/d2-i18n';
import { Button, SingleSelectField, SingleSelectOption } from '@dhis2/ui';

import type { App, PolicyAppAction } from '../../api/types.js';
import { newAppRow, type PolicyAppRow } from './policy-form.js';
import styles from './PolicyForm.module.css';

interface Props {
  rows: PolicyAppRow[];
  catalogue: App[];
  onChange: (rows: PolicyAppRow[]) => void;
}

function versionLabel(app: App | undefined, versionId: string): string {
  const version = app?.versions.find((candidate) => candidate.id === versionId);
  if (!version) return versionId;
  return i18n.t('{{versionName}} (versionCode {{versionCode}})', {
    versionName: version.versionName ?? '–',
    versionCode: version.versionCode,
  });
}

/** Apps the policy installs at a chosen version, or removes. */
export function PolicyAppsEditor({ rows, catalogue, onChange }: Props) {
  const update = (key: number, change: Partial<PolicyAppRow>) =>
    onChange(rows.map((row) => (row.key === key ? { ...row, ...change } : row)));

  const choosePackage = (key: number, packageName: string) => {
    // The newest version is the usual choice; the API lists it first.
    const newest = catalogue.find((app) => app.packageName === packageName)?.versions[0];
    update(key, { packageName, appVersionId: newest?.id ?? null });
  };

  return (
    <div data-test="policy-apps">
      {rows.length === 0 && <p className={styles.help}>{i18n.t('This policy installs no app.')}</p>}
      {rows.map((row) => {
        const app = catalogue.find((candidate) => candidate.packageName === row.packageName);
        const takenByOthers = new Set(rows.filter((other) => other.key !== row.key).map((other) => other.packageName));
        return (
          <div key={row.key} className={styles.appRow} data-test="policy-app-row">
            {/* NOTE: no select here is `filterable`: in @dhis2/ui 10.14, opening a
                filterable select scrolls the window to the top, so one low on the
                page opens its menu off-screen. */}
            <SingleSelectField
              label={i18n.t('Package')}
              inputWidth="300px"
              selected={row.packageName || undefined}
              placeholder={i18n.t('Choose an app')}
              onChange={({ selected }) => choosePackage(row.key, selected)}
              dataTest="policy-app-package"
            >
              {catalogue
                .filter((candidate) => !takenByOthers.has(candidate.packageName))
                .map((candidate) => (
                  <SingleSelectOption
                    key={candidate.packageName}
                    value={candidate.packageName}
                    label={`${candidate.label ?? candidate.packageName} (${candidate.packageName})`}
                  />
                ))}
              {row.packageName !== '' && !app && (
                <SingleSelectOption value={row.packageName} label={row.packageName} />
              )}
            </SingleSelectField>
            <SingleSelectField
              label={i18n.t('Action')}
              inputWidth="140px"
              selected={row.action}
              onChange={({ selected }) => update(row.key, { action: selected as PolicyAppAction })}
            >
              <SingleSelectOption value="install" label={i18n.t('Install')} />
              <SingleSelectOption value="remove" label={i18n.t('Remove')} />
            </SingleSelectField>
            {row.action === 'install' && (
              <SingleSelectField
                label={i18n.t('Version')}
                inputWidth="260px"
                selected={row.appVersionId ?? undefined}
                placeholder={i18n.t('Choose a version')}
                onChange={({ selected }) => update(row.key, { appVersionId: selected })}
                disabled={!app}
                dataTest="policy-app-version"
              >
                {(app?.versions ?? []).map((version) => (
                  <SingleSelectOption key={version.id} value={version.id} label={versionLabel(app, version.id)} />
                ))}
              </SingleSelectField>
            )}
            <Button small secondary onClick={() => onChange(rows.filter((other) => other.key !== row.key))}>
              {i18n.t('Remove from policy')}
            </Button>
          </div>
        );
      })}
      <Button
        small
        onClick={() => onChange([...rows, newAppRow()])}
        disabled={catalogue.length === 0}
        dataTest="policy-add-app"
      >
        {i18n.t('Add app')}
      </Button>
    </div>
  );
}

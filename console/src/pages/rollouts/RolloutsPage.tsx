import i18n from '@dhis2/d2-i18n';
import {
  Button,
  DataTable,
  DataTableBody,
  DataTableCell,
  DataTableColumnHeader,
  DataTableHead,
  DataTableRow,
} from '@dhis2/ui';

import { fetchApps } from '../../api/apps.js';
import { fetchOrgUnits } from '../../api/org-units.js';
import { fetchPolicies } from '../../api/policies.js';
import { fetchRollouts, type Rollout } from '../../api/rollouts.js';
import { ErrorNotice } from '../../components/ErrorNotice.js';
import { formatTime } from '../../components/format.js';
import { Loading } from '../../components/Loading.js';
import { PageHeader } from '../../components/PageHeader.js';
import { Section } from '../../components/Section.js';
import { navigate, routeHref } from '../../router.js';
import { hasRole, useUser } from '../../session.js';
import { useApiData } from '../../use-api-data.js';
import { PinsSection } from './PinsSection.js';
import styles from './Rollouts.module.css';
import { RolloutStateTag } from './RolloutStateTag.js';

function stageText(rollout: Rollout): string {
  if (rollout.currentStage < 0) return i18n.t('not started ({{count}} stages)', { count: rollout.stages.length });
  const stage = rollout.stages[rollout.currentStage];
  return i18n.t('{{number}} of {{count}} ({{percent}}%)', {
    number: rollout.currentStage + 1,
    count: rollout.stages.length,
    percent: stage?.percent ?? '–',
  });
}

async function loadLookups() {
  const [apps, policies, orgUnits] = await Promise.all([fetchApps(), fetchPolicies(), fetchOrgUnits()]);
  return { apps, policies, orgUnits };
}

/** Rollouts, newest first, and the pins that cap versions. */
export function RolloutsPage() {
  const user = useUser();
  const isAdmin = hasRole(user, 'admin');
  const rollouts = useApiData(fetchRollouts, []);
  const lookups = useApiData(loadLookups, []);

  return (
    <>
      <PageHeader title={i18n.t('Rollouts')}>
        {isAdmin && (
          <Button primary onClick={() => navigate('/rollouts/new')} dataTest="rollout-new">
            {i18n.t('New rollout')}
          </Button>
        )}
      </PageHeader>
      <Section title={i18n.t('Rollouts')}>
        <p className={styles.help}>
          {i18n.t('A rollout offers a new app version to a growing share of devices, stage by stage. Rollback is halt and pin: Android cannot downgrade an app without wiping its data.')}
        </p>
        <ErrorNotice error={rollouts.error} title={i18n.t('The rollouts could not be loaded')} />
        {rollouts.data === undefined && rollouts.loading && <Loading />}
        {rollouts.data && rollouts.data.length === 0 && <p className={styles.muted}>{i18n.t('No rollouts yet.')}</p>}
        {rollouts.data && rollouts.data.length > 0 && (
          <DataTable dataTest="rollout-table">
            <DataTableHead>
              <DataTableRow>
                <DataTableColumnHeader>{i18n.t('Package')}</DataTableColumnHeader>
                <DataTableColumnHeader>{i18n.t('Target version')}</DataTableColumnHeader>
                <DataTableColumnHeader>{i18n.t('State')}</DataTableColumnHeader>
                <DataTableColumnHeader>{i18n.t('Stage')}</DataTableColumnHeader>
                <DataTableColumnHeader>{i18n.t('Created')}</DataTableColumnHeader>
              </DataTableRow>
            </DataTableHead>
            <DataTableBody>
              {rollouts.data.map((rollout) => (
                <DataTableRow key={rollout.id} dataTest="rollout-row">
                  <DataTableCell>
                    <a href={routeHref(`/rollouts/${encodeURIComponent(rollout.id)}`)} data-test="rollout-link">
                      {rollout.packageName}
                    </a>
                  </DataTableCell>
                  <DataTableCell>
                    {i18n.t('{{versionName}} (versionCode {{versionCode}})', {
                      versionName: rollout.targetVersionName ?? '–',
                      versionCode: rollout.targetVersionCode,
                    })}
                  </DataTableCell>
                  <DataTableCell>
                    <RolloutStateTag state={rollout.state} />
                  </DataTableCell>
                  <DataTableCell>{stageText(rollout)}</DataTableCell>
                  <DataTableCell>{formatTime(rollout.createdAt)}</DataTableCell>
                </DataTableRow>
              ))}
            </DataTableBody>
          </DataTable>
        )}
      </Section>
      <ErrorNotice error={lookups.error} title={i18n.t('The catalogue could not be loaded')} />
      {lookups.data && (
        <PinsSection
          apps={lookups.data.apps}
          policies={lookups.data.policies}
          orgUnits={lookups.data.orgUnits}
          canEdit={isAdmin}
        />
      )}
    </>
  );
}

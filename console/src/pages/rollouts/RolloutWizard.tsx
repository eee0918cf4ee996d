import i18n from '@dhis2/d2-i18n';
import { Button, NoticeBox, SingleSelectField, SingleSelectOption } from '@dhis2/ui';
import { useState } from 'react';

import { fetchApps } from '../../api/apps.js';
import { fetchOrgUnits } from '../../api/org-units.js';
import { fetchPolicies } from '../../api/policies.js';
import { createRollout, type Scope } from '../../api/rollouts.js';
import type { App, AppVersion, OrgUnit, Policy } from '../../api/types.js';
import { ErrorNotice } from '../../components/ErrorNotice.js';
import { formatBytes, formatTime } from '../../components/format.js';
import { Loading } from '../../components/Loading.js';
import { PageHeader } from '../../components/PageHeader.js';
import { Section } from '../../components/Section.js';
import { navigate } from '../../router.js';
import { useApiData } from '../../use-api-data.js';
import { resolveDeviceIds } from './resolve-devices.js';
import { checkStages, firstStageDraft, type StageDraft } from './rollout-plan.js';
import styles from './Rollouts.module.css';
import { EMPTY_SCOPE_DRAFT, parseDeviceIds, ScopeFields, type ScopeDraft } from './ScopeFields.js';
import { StagesEditor } from './StagesEditor.js';

const STEP_TITLES = [
  () => i18n.t('Package and version'),
  () => i18n.t('Scope'),
  () => i18n.t('Stages'),
  () => i18n.t('Review'),
];

/** Returns true when another version of the package has another signer than the target. */
function signerDiffers(target: AppVersion, app: App): boolean {
  return app.versions.some((version) => version.id !== target.id && version.signerSha256 !== target.signerSha256);
}

function versionLabel(version: AppVersion): string {
  return i18n.t('{{versionName}} (versionCode {{versionCode}})', {
    versionName: version.versionName ?? '–',
    versionCode: version.versionCode,
  });
}

interface Catalogue {
  apps: App[];
  policies: Policy[];
  orgUnits: OrgUnit[];
}

async function loadCatalogue(): Promise<Catalogue> {
  const [apps, policies, orgUnits] = await Promise.all([fetchApps(), fetchPolicies(), fetchOrgUnits()]);
  return { apps, policies, orgUnits };
}

/** Four-step form that creates a rollout and, if asked, starts it. */
export function RolloutWizard() {
  const catalogue = useApiData(loadCatalogue, []);
  const [step, setStep] = useState(0);
  const [packageName, setPackageName] = useState('');
  const [versionId, setVersionId] = useState('');
  const [scope, setScope] = useState<ScopeDraft>(EMPTY_SCOPE_DRAFT);
  const [pilotIds, setPilotIds] = useState<string[]>([]);
  const [pilotError, setPilotError] = useState<string>();
  const [stages, setStages] = useState<StageDraft[]>([firstStageDraft()]);
  const [showStageErrors, setShowStageErrors] = useState(false);
  const [saving, setSaving] = useState(false);
  const [saveError, setSaveError] = useState<unknown>(null);

  if (catalogue.data === undefined) {
    return (
      <>
        <PageHeader title={i18n.t('New rollout')} />
        <ErrorNotice error={catalogue.error} title={i18n.t('The catalogue could not be loaded')} />
        {catalogue.loading && <Loading />}
      </>
    );
  }

  const { apps, policies, orgUnits } = catalogue.data;
  const app = apps.find((candidate) => candidate.packageName === packageName);
  const target = app?.versions.find((version) => version.id === versionId);
  const stageCheck = checkStages(stages, Date.now());

  const goToStages = async () => {
    setPilotError(undefined);
    try {
      setPilotIds(await resolveDeviceIds(parseDeviceIds(scope.pilotText)));
      setStep(2);
    } catch (error) {
      setPilotError(error instanceof Error ? error.message : String(error));
    }
  };

  const goToReview = () => {
    setShowStageErrors(true);
    if (stageCheck.stages) setStep(3);
  };

  const submit = async (start: boolean) => {
    // The start times are checked again at the moment of sending, because an
    // empty first start means "now".
    const checked = checkStages(stages, Date.now());
    if (!app || !target || !checked.stages) return;
    const requestScope: Partial<Scope> = {
      policyIds: scope.policyIds,
      orgUnitIds: scope.orgUnitIds,
      deviceIds: pilotIds,
    };
    setSaving(true);
    setSaveError(null);
    try {
      const rollout = await createRollout({
        packageName: app.packageName,
        appVersionId: target.id,
        scope: requestScope,
        stages: checked.stages,
        start,
      });
      navigate(`/rollouts/${encodeURIComponent(rollout.id)}`);
    } catch (error) {
      setSaveError(error);
      setSaving(false);
    }
  };

  return (
    <>
      <PageHeader title={i18n.t('New rollout')} />
      <ol className={styles.steps} data-test="wizard-steps">
        {STEP_TITLES.map((title, index) => (
          <li key={index} className={`${styles.step} ${index === step ? styles.stepActive : ''}`}>
            {i18n.t('{{number}}. {{title}}', { number: index + 1, title: title() })}
          </li>
        ))}
      </ol>

      {step === 0 && (
        <Section title={STEP_TITLES[0]!()} dataTest="wizard-step-package">
          <div className={styles.fields}>
            <SingleSelectField
              label={i18n.t('Package')}
              selected={packageName}
              onChange={({ selected }) => {
                setPackageName(selected);
                setVersionId('');
              }}
              filterable
              dataTest="wizard-package"
            >
              {apps.map((candidate) => (
                <SingleSelectOption
                  key={candidate.id}
                  value={candidate.packageName}
                  label={candidate.label ? `${candidate.label} (${candidate.packageName})` : candidate.packageName}
                />
              ))}
            </SingleSelectField>
            {app && (
              <SingleSelectField
                label={i18n.t('Target version')}
                selected={versionId}
                onChange={({ selected }) => setVersionId(selected)}
                dataTest="wizard-version"
              >
                {app.versions.map((version) => (
                  <SingleSelectOption key={version.id} value={version.id} label={versionLabel(version)} />
                ))}
              </SingleSelectField>
            )}
          </div>
          <div className={styles.actions}>
            <Button primary disabled={!target} onClick={() => setStep(1)} dataTest="wizard-next">
              {i18n.t('Next')}
            </Button>
          </div>
        </Section>
      )}

      {step === 1 && (
        <Section title={STEP_TITLES[1]!()} dataTest="wizard-step-scope">
          <p className={styles.help}>
            {i18n.t('A device must match every filter you set. With no filter, the rollout covers every device whose policy installs the package.')}
          </p>
          <div className={styles.fields}>
            <ScopeFields
              value={scope}
              onChange={setScope}
              policies={policies}
              orgUnits={orgUnits}
              deviceIdsLabel={i18n.t('Pilot devices (join at the first stage)')}
              deviceIdsError={pilotError}
              dataTestPrefix="wizard-scope"
            />
          </div>
          <div className={styles.actions}>
            <Button secondary onClick={() => setStep(0)}>
              {i18n.t('Back')}
            </Button>
            <Button primary onClick={() => void goToStages()} dataTest="wizard-next">
              {i18n.t('Next')}
            </Button>
          </div>
        </Section>
      )}

      {step === 2 && (
        <Section title={STEP_TITLES[2]!()} dataTest="wizard-step-stages">
          <p className={styles.help}>
            {i18n.t(
              'Each stage offers the target to a larger share of the devices in scope. Shares and start times must rise from stage to stage. Devices install inside the update window of their policy.',
            )}
          </p>
          <StagesEditor stages={stages} errors={stageCheck.errors} showErrors={showStageErrors} onChange={setStages} />
          <div className={styles.actions}>
            <Button secondary onClick={() => setStep(1)}>
              {i18n.t('Back')}
            </Button>
            <Button primary onClick={goToReview} dataTest="wizard-next">
              {i18n.t('Next')}
            </Button>
          </div>
        </Section>
      )}

      {step === 3 && app && target && (
        <Section title={STEP_TITLES[3]!()} dataTest="wizard-step-review">
          {signerDiffers(target, app) && (
            <NoticeBox warning title={i18n.t('The target has another signer')} dataTest="wizard-signer-warning">
              {i18n.t(
                'Version {{version}} is signed by another key than other versions of {{packageName}}. Android rejects the update on devices that run one of those versions.',
                { version: versionLabel(target), packageName: app.packageName },
              )}
            </NoticeBox>
          )}
          <dl className={styles.summary}>
            <dt>{i18n.t('Package')}</dt>
            <dd>{app.packageName}</dd>
            <dt>{i18n.t('Target version')}</dt>
            <dd data-test="review-version">{versionLabel(target)}</dd>
            <dt>{i18n.t('Policies')}</dt>
            <dd>{scope.policyIds.length === 0 ? i18n.t('All') : scope.policyIds.map((id) => policies.find((p) => p.id === id)?.name ?? id).join(', ')}</dd>
            <dt>{i18n.t('Org units')}</dt>
            <dd>{scope.orgUnitIds.length === 0 ? i18n.t('All') : scope.orgUnitIds.map((id) => orgUnits.find((o) => o.id === id)?.name ?? id).join(', ')}</dd>
            <dt>{i18n.t('Pilot devices')}</dt>
            <dd>{pilotIds.length === 0 ? i18n.t('None') : parseDeviceIds(scope.pilotText).join(', ')}</dd>
            <dt>{i18n.t('Stages')}</dt>
            <dd data-test="review-stages">
              {stageCheck.stages?.map((stage, index) => (
                <div key={index}>
                  {i18n.t('Stage {{number}}: {{percent}}% from {{time}}, halt above {{threshold}}% failures', {
                    number: index + 1,
                    percent: stage.percent,
                    time: stages[index]!.startsAt === '' ? i18n.t('now') : formatTime(stage.startsAt),
                    threshold: stage.failureThreshold,
                  })}
                </div>
              ))}
            </dd>
            <dt>{i18n.t('Download per device')}</dt>
            <dd>{formatBytes(target.size)}</dd>
          </dl>
          <p className={styles.muted}>
            {i18n.t('The estimated data cost for the whole scope appears on the progress page once the rollout is saved.')}
          </p>
          <ErrorNotice error={saveError} title={i18n.t('The rollout was not created')} />
          <div className={styles.actions}>
            <Button secondary onClick={() => setStep(2)} disabled={saving}>
              {i18n.t('Back')}
            </Button>
            <Button onClick={() => void submit(false)} disabled={saving} dataTest="wizard-save-draft">
              {i18n.t('Save as draft')}
            </Button>
            <Button primary onClick={() => void submit(true)} loading={saving} dataTest="wizard-create-start">
              {i18n.t('Create and start')}
            </Button>
          </div>
        </Section>
      )}
    </>
  );
}

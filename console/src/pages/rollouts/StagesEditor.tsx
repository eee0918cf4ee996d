import i18n from '@dhis2/d2-i18n';
import { Button, InputField } from '@dhis2/ui';

import { MAX_STAGES, nextStageDraft, type StageDraft, type StageErrors } from './rollout-plan.js';
import styles from './Rollouts.module.css';

interface Props {
  stages: StageDraft[];
  errors: StageErrors[];
  /** Shows the errors only after the user tried to go on. */
  showErrors: boolean;
  onChange: (stages: StageDraft[]) => void;
}

/** Rows of stage start, share and failure threshold, with add and remove. */
export function StagesEditor({ stages, errors, showErrors, onChange }: Props) {
  const update = (index: number, change: Partial<StageDraft>) =>
    onChange(stages.map((stage, i) => (i === index ? { ...stage, ...change } : stage)));

  return (
    <div data-test="rollout-stages">
      {stages.map((stage, index) => {
        const stageErrors = showErrors ? (errors[index] ?? {}) : {};
        const dateId = `stage-start-${index}`;
        return (
          <div key={index} className={styles.stageRow} data-test="rollout-stage">
            <div className={styles.stageNumber}>{i18n.t('Stage {{number}}', { number: index + 1 })}</div>
            <div>
              <label className={styles.dateLabel} htmlFor={dateId}>
                {i18n.t('Start (local time)')}
              </label>
              <input
                id={dateId}
                type="datetime-local"
                className={styles.dateInput}
                value={stage.startsAt}
                onChange={(event) => update(index, { startsAt: event.target.value })}
                data-test="stage-start"
              />
              {index === 0 && stage.startsAt === '' && !stageErrors.startsAt && (
                <div className={styles.muted}>{i18n.t('Empty: starts at once.')}</div>
              )}
              {stageErrors.startsAt && <div className={styles.dateError}>{stageErrors.startsAt}</div>}
            </div>
            <div className={styles.stageField}>
              <InputField
                label={i18n.t('Devices (%)')}
                type="number"
                inputWidth="100px"
                value={stage.percent}
                onChange={({ value }) => update(index, { percent: value ?? '' })}
                error={Boolean(stageErrors.percent)}
                validationText={stageErrors.percent}
                dataTest="stage-percent"
              />
            </div>
            <div className={styles.stageField}>
              <InputField
                label={i18n.t('Halt above failures (%)')}
                type="number"
                inputWidth="100px"
                value={stage.failureThreshold}
                onChange={({ value }) => update(index, { failureThreshold: value ?? '' })}
                error={Boolean(stageErrors.failureThreshold)}
                validationText={stageErrors.failureThreshold}
                dataTest="stage-threshold"
              />
            </div>
            <div className={styles.stageRemove}>
              <Button
                small
                secondary
                disabled={stages.length === 1}
                onClick={() => onChange(stages.filter((_, i) => i !== index))}
                dataTest="stage-remove"
              >
                {i18n.t('Remove')}
              </Button>
            </div>
          </div>
        );
      })}
      <div className={styles.actions}>
        <Button
          small
          disabled={stages.length >= MAX_STAGES}
          onClick={() => onChange([...stages, nextStageDraft(stages, Date.now())])}
          dataTest="stage-add"
        >
          {i18n.t('Add stage')}
        </Button>
      </div>
    </div>
  );
}

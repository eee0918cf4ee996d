import i18n from '@dhis2/d2-i18n';

import type { ComplianceIssue, ComplianceSummary, PolicyState } from '../../api/types.js';
import { ISSUES, issueLabel, POLICY_STATES, policyStateLabel } from './compliance-labels.js';
import styles from './Compliance.module.css';

interface Props {
  summary: ComplianceSummary;
  onIssue: (issue: ComplianceIssue) => void;
  onPolicyState: (state: PolicyState) => void;
}

/** Device counts; a click on a count filters the list below. */
export function ComplianceSummaryTiles({ summary, onIssue, onPolicyState }: Props) {
  return (
    <div data-test="compliance-summary">
      <div className={styles.tiles}>
        <div className={styles.tile} data-test="compliance-total">
          <div className={styles.value}>{summary.total}</div>
          <div className={styles.label}>{i18n.t('Devices')}</div>
        </div>
        <div className={`${styles.tile} ${styles.positive}`} data-test="compliance-compliant">
          <div className={styles.value}>{summary.compliant}</div>
          <div className={styles.label}>{i18n.t('Compliant')}</div>
        </div>
        <div className={`${styles.tile} ${styles.negative}`} data-test="compliance-attention">
          <div className={styles.value}>{summary.needsAttention}</div>
          <div className={styles.label}>{i18n.t('Need attention')}</div>
        </div>
      </div>

      <h3 className={styles.heading}>{i18n.t('Policy version')}</h3>
      <div className={styles.counts}>
        {POLICY_STATES.map((state) => (
          <button key={state} type="button" className={styles.count} onClick={() => onPolicyState(state)} data-test={`state-count-${state}`}>
            <span className={styles.countValue}>{summary.byPolicyState[state]}</span> {policyStateLabel(state)}
          </button>
        ))}
      </div>

      <h3 className={styles.heading}>{i18n.t('Issues')}</h3>
      <div className={styles.counts}>
        {ISSUES.map((issue) => (
          <button key={issue} type="button" className={styles.count} onClick={() => onIssue(issue)} data-test={`issue-count-${issue}`}>
            <span className={styles.countValue}>{summary.byIssue[issue]}</span> {issueLabel(issue)}
          </button>
        ))}
      </div>
    </div>
  );
}

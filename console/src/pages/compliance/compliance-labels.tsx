import i18n from '@dhis2/d2-i18n';
import { Tag } from '@dhis2/ui';

import type { AppComplianceState, ComplianceIssue, PolicyState } from '../../api/types.js';

export const ISSUES: ComplianceIssue[] = [
  'policy-pending',
  'never-fetched',
  'no-policy',
  'apps-not-current',
  'not-device-owner',
  'device-admin-off',
  'paid-settings-unsupported',
];

export const POLICY_STATES: PolicyState[] = ['applied', 'pending', 'never-fetched', 'no-policy'];

export function issueLabel(issue: ComplianceIssue): string {
  switch (issue) {
    case 'no-policy':
      return i18n.t('No policy');
    case 'never-fetched':
      return i18n.t('Never synced');
    case 'policy-pending':
      return i18n.t('Policy version pending');
    case 'apps-not-current':
      return i18n.t('Apps not at their target version');
    case 'not-device-owner':
      return i18n.t('Agent is not device owner');
    case 'device-admin-off':
      return i18n.t('Device admin permission off');
    case 'paid-settings-unsupported':
      return i18n.t('Kiosk settings the agent cannot apply');
  }
}

export function policyStateLabel(state: PolicyState): string {
  switch (state) {
    case 'applied':
      return i18n.t('Applied');
    case 'pending':
      return i18n.t('Pending');
    case 'never-fetched':
      return i18n.t('Never synced');
    case 'no-policy':
      return i18n.t('No policy');
  }
}

/** Policy state as a coloured tag. */
export function PolicyStateTag({ state }: { state: PolicyState }) {
  const label = policyStateLabel(state);
  if (state === 'applied') return <Tag positive>{label}</Tag>;
  if (state === 'pending') return <Tag neutral>{label}</Tag>;
  return <Tag negative>{label}</Tag>;
}

export function appStateLabel(state: AppComplianceState): string {
  switch (state) {
    case 'current':
      return i18n.t('Current');
    case 'outdated':
      return i18n.t('Older version');
    case 'missing':
      return i18n.t('Not installed');
    case 'unknown-version':
      return i18n.t('Version not in the catalogue');
    case 'removal-pending':
      return i18n.t('Still installed');
    case 'removed':
      return i18n.t('Removed');
  }
}

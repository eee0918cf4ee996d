import i18n from '@dhis2/d2-i18n';

import { PageHeader } from '../../components/PageHeader.js';
import { hasRole, useUser } from '../../session.js';
import { EnrolmentRulesSection } from './EnrolmentRulesSection.js';
import { IdClaimsSection } from './IdClaimsSection.js';
import { RetentionSection } from './RetentionSection.js';

/** Server-wide settings: enrolment rules, device id claims and retention. */
export function SettingsPage() {
  const user = useUser();
  return (
    <>
      <PageHeader title={i18n.t('Settings')} />
      <EnrolmentRulesSection canEdit={hasRole(user, 'admin')} />
      <IdClaimsSection canDismiss={hasRole(user, 'operator')} />
      <RetentionSection canEdit={hasRole(user, 'admin')} />
    </>
  );
}

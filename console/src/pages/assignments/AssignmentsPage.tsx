import i18n from '@dhis2/d2-i18n';

import { PageHeader } from '../../components/PageHeader.js';
import { AssignmentImport } from './AssignmentImport.js';
import { EnrolmentSheetForm } from './EnrolmentSheetForm.js';
import { OrgUnitPolicies } from './OrgUnitPolicies.js';

/** Health-worker assignments in bulk, policies by org unit, and printable enrolment sheets. */
export function AssignmentsPage() {
  return (
    <>
      <PageHeader title={i18n.t('Assignments')} />
      <AssignmentImport />
      <OrgUnitPolicies />
      <EnrolmentSheetForm />
    </>
  );
}

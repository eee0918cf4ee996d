import i18n from '@dhis2/d2-i18n';
import {
  Button,
  DataTable,
  DataTableBody,
  DataTableCell,
  DataTableColumnHeader,
  DataTableHead,
  DataTableRow,
  NoticeBox,
  Tag,
} from '@dhis2/ui';
import { useState } from 'react';

import { ApiError } from '../../api/client.js';
import { deletePolicy, fetchPolicies } from '../../api/policies.js';
import type { Policy } from '../../api/types.js';
import { ConfirmModal } from '../../components/ConfirmModal.js';
import { describeError } from '../../components/error-text.js';
import { ErrorNotice } from '../../components/ErrorNotice.js';
import { formatTime, orDash } from '../../components/format.js';
import { Loading } from '../../components/Loading.js';
import { PageHeader } from '../../components/PageHeader.js';
import { Section } from '../../components/Section.js';
import { navigate, routeHref } from '../../router.js';
import { hasRole, useUser } from '../../session.js';
import { useApiData } from '../../use-api-data.js';

function deleteErrorText(error: unknown): string {
  if (error instanceof ApiError && error.status === 409) {
    return i18n.t('The policy is still in use: {{message}}', { message: error.message });
  }
  return describeError(error);
}

/** Policies with their device counts; admins create, edit and delete them. */
export function PoliciesPage() {
  const user = useUser();
  const isAdmin = hasRole(user, 'admin');
  const policies = useApiData(fetchPolicies, []);
  const [deleting, setDeleting] = useState<string | null>(null);
  const [deleteError, setDeleteError] = useState<unknown>(null);
  const [confirming, setConfirming] = useState<Policy | null>(null);

  const remove = async (policy: Policy) => {
    setConfirming(null);
    setDeleting(policy.id);
    setDeleteError(null);
    try {
      await deletePolicy(policy.id);
      policies.reload();
    } catch (error) {
      setDeleteError(error);
    } finally {
      setDeleting(null);
    }
  };

  return (
    <>
      <PageHeader title={i18n.t('Policies')}>
        {isAdmin && (
          <Button primary onClick={() => navigate('/policies/new')} dataTest="policy-new">
            {i18n.t('New policy')}
          </Button>
        )}
      </PageHeader>
      {deleteError !== null && (
        <NoticeBox error title={i18n.t('The policy was not deleted')}>
          {deleteErrorText(deleteError)}
        </NoticeBox>
      )}
      <Section>
        <ErrorNotice error={policies.error} title={i18n.t('The policies could not be loaded')} />
        {policies.data === undefined && policies.loading && <Loading />}
        {policies.data?.length === 0 && <p>{i18n.t('There is no policy yet.')}</p>}
        {policies.data && policies.data.length > 0 && (
          <DataTable dataTest="policy-table">
            <DataTableHead>
              <DataTableRow>
                <DataTableColumnHeader>{i18n.t('Name')}</DataTableColumnHeader>
                <DataTableColumnHeader>{i18n.t('Description')}</DataTableColumnHeader>
                <DataTableColumnHeader>{i18n.t('Version')}</DataTableColumnHeader>
                <DataTableColumnHeader>{i18n.t('Apps')}</DataTableColumnHeader>
                <DataTableColumnHeader>{i18n.t('Devices')}</DataTableColumnHeader>
                <DataTableColumnHeader>{i18n.t('Applied / pending')}</DataTableColumnHeader>
                <DataTableColumnHeader>{i18n.t('Last change')}</DataTableColumnHeader>
                <DataTableColumnHeader />
              </DataTableRow>
            </DataTableHead>
            <DataTableBody>
              {policies.data.map((policy) => (
                <DataTableRow key={policy.id} dataTest="policy-row">
                  <DataTableCell>
                    <a href={routeHref(`/policies/${encodeURIComponent(policy.id)}`)}>{policy.name}</a>{' '}
                    {policy.unknownRestrictions.length > 0 && (
                      <Tag neutral>{i18n.t('{{count}} unknown restriction keys', { count: policy.unknownRestrictions.length })}</Tag>
                    )}{' '}
                    {policy.paidAgentSettings.length > 0 && <Tag neutral>{i18n.t('Paid-agent settings')}</Tag>}
                  </DataTableCell>
                  <DataTableCell>{orDash(policy.description)}</DataTableCell>
                  <DataTableCell>{policy.version}</DataTableCell>
                  <DataTableCell>{policy.apps.length}</DataTableCell>
                  <DataTableCell>{policy.deviceCount}</DataTableCell>
                  <DataTableCell dataTest="policy-applied">
                    {policy.devices.applied} / {policy.devices.pending + policy.devices.neverFetched}
                  </DataTableCell>
                  <DataTableCell>{formatTime(policy.updatedAt)}</DataTableCell>
                  <DataTableCell align="right">
                    {isAdmin && (
                      <Button
                        small
                        destructive
                        secondary
                        loading={deleting === policy.id}
                        onClick={() => setConfirming(policy)}
                      >
                        {i18n.t('Delete')}
                      </Button>
                    )}
                  </DataTableCell>
                </DataTableRow>
              ))}
            </DataTableBody>
          </DataTable>
        )}
      </Section>
      {confirming && (
        <ConfirmModal
          title={i18n.t('Delete policy')}
          confirmLabel={i18n.t('Delete')}
          onConfirm={() => remove(confirming)}
          onCancel={() => setConfirming(null)}
        >
          {i18n.t('Delete the policy "{{name}}"? This cannot be undone.', { name: confirming.name })}
        </ConfirmModal>
      )}
    </>
  );
}

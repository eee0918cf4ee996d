import i18n from '@dhis2/d2-i18n';
import {
  Button,
  ButtonStrip,
  DataTable,
  DataTableBody,
  DataTableCell,
  DataTableColumnHeader,
  DataTableHead,
  DataTableRow,
  Modal,
  ModalActions,
  ModalContent,
  ModalTitle,
  Tag,
} from '@dhis2/ui';
import { useState } from 'react';

import { fetchOrgUnits } from '../../api/org-units.js';
import { createUser, fetchUsers, resetPassword, updateUser, type ConsoleUser } from '../../api/users.js';
import { ErrorNotice } from '../../components/ErrorNotice.js';
import { formatTime } from '../../components/format.js';
import { Loading } from '../../components/Loading.js';
import { PageHeader } from '../../components/PageHeader.js';
import { roleLabel } from '../../components/role-label.js';
import { Section } from '../../components/Section.js';
import { useApiData } from '../../use-api-data.js';
import { Dhis2SignInSettings } from './Dhis2SignInSettings.js';
import { UserFormModal, type UserFormValues } from './UserFormModal.js';
import styles from './Users.module.css';

type Editing = { kind: 'new' } | { kind: 'edit'; user: ConsoleUser } | null;

function scopeText(user: ConsoleUser): string {
  if (user.orgUnits.length === 0) return i18n.t('Whole fleet');
  return user.orgUnits.map((unit) => unit.name ?? i18n.t('{{id}} (removed)', { id: unit.id })).join(', ');
}

/** Console users: roles, org-unit scopes, passwords and sign-in with DHIS2. Admins only. */
export function UsersPage() {
  const users = useApiData(fetchUsers, []);
  const units = useApiData(fetchOrgUnits, []);
  const [editing, setEditing] = useState<Editing>(null);
  const [password, setPassword] = useState<{ username: string; value: string } | null>(null);
  const [actionError, setActionError] = useState<unknown>(null);

  const save = async (values: UserFormValues) => {
    if (editing?.kind === 'edit') {
      await updateUser(editing.user.id, { role: values.role, orgUnitIds: values.orgUnitIds });
    } else {
      const created = await createUser({
        username: values.username,
        role: values.role,
        orgUnitIds: values.orgUnitIds,
        ...(values.password !== '' && { password: values.password }),
      });
      if (created.generatedPassword) setPassword({ username: created.username, value: created.generatedPassword });
    }
    setEditing(null);
    users.reload();
  };

  const act = async (work: () => Promise<void>) => {
    setActionError(null);
    try {
      await work();
      users.reload();
    } catch (failure) {
      setActionError(failure);
    }
  };

  return (
    <>
      <PageHeader title={i18n.t('Users')}>
        <Button primary onClick={() => setEditing({ kind: 'new' })} dataTest="user-new">
          {i18n.t('New user')}
        </Button>
      </PageHeader>
      <Section>
        <ErrorNotice error={users.error} title={i18n.t('The users could not be loaded')} />
        <ErrorNotice error={actionError} title={i18n.t('The change failed')} />
        {users.data === undefined && users.loading && <Loading />}
        {users.data && (
          <DataTable dataTest="user-table">
            <DataTableHead>
              <DataTableRow>
                <DataTableColumnHeader>{i18n.t('Username')}</DataTableColumnHeader>
                <DataTableColumnHeader>{i18n.t('Role')}</DataTableColumnHeader>
                <DataTableColumnHeader>{i18n.t('Org units')}</DataTableColumnHeader>
                <DataTableColumnHeader>{i18n.t('Signs in with')}</DataTableColumnHeader>
                <DataTableColumnHeader>{i18n.t('Created')}</DataTableColumnHeader>
                <DataTableColumnHeader>{i18n.t('Actions')}</DataTableColumnHeader>
              </DataTableRow>
            </DataTableHead>
            <DataTableBody>
              {users.data.map((user) => (
                <DataTableRow key={user.id} dataTest="user-row">
                  <DataTableCell>
                    {user.username} {user.disabled && <Tag negative>{i18n.t('Disabled')}</Tag>}
                  </DataTableCell>
                  <DataTableCell>{roleLabel(user.role)}</DataTableCell>
                  <DataTableCell>{scopeText(user)}</DataTableCell>
                  <DataTableCell>{user.authSource === 'dhis2' ? i18n.t('DHIS2') : i18n.t('Outpost password')}</DataTableCell>
                  <DataTableCell>{formatTime(user.createdAt)}</DataTableCell>
                  <DataTableCell>
                    <ButtonStrip>
                      <Button small onClick={() => setEditing({ kind: 'edit', user })} dataTest="user-edit">
                        {i18n.t('Change')}
                      </Button>
                      <Button small onClick={() => void act(async () => void (await updateUser(user.id, { disabled: !user.disabled })))}>
                        {user.disabled ? i18n.t('Enable') : i18n.t('Disable')}
                      </Button>
                      {user.authSource === 'local' && (
                        <Button
                          small
                          onClick={() =>
                            void act(async () => {
                              const result = await resetPassword(user.id);
                              if (result.generatedPassword) setPassword({ username: user.username, value: result.generatedPassword });
                            })
                          }
                        >
                          {i18n.t('Reset password')}
                        </Button>
                      )}
                    </ButtonStrip>
                  </DataTableCell>
                </DataTableRow>
              ))}
            </DataTableBody>
          </DataTable>
        )}
      </Section>
      <Dhis2SignInSettings />
      {editing && (
        <UserFormModal
          user={editing.kind === 'edit' ? editing.user : null}
          units={units.data ?? []}
          onSave={save}
          onClose={() => setEditing(null)}
        />
      )}
      {password && (
        <Modal small onClose={() => setPassword(null)} dataTest="generated-password">
          <ModalTitle>{i18n.t('Password for {{username}}', { username: password.username })}</ModalTitle>
          <ModalContent>
            <p>{i18n.t('Give this password to the user now. It is shown only once; the user can be given a new one later.')}</p>
            <div className={styles.password}>{password.value}</div>
          </ModalContent>
          <ModalActions>
            <Button primary onClick={() => setPassword(null)}>
              {i18n.t('Done')}
            </Button>
          </ModalActions>
        </Modal>
      )}
    </>
  );
}

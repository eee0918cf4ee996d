import i18n from '@dhis2/d2-i18n';
import { Button, ButtonStrip, InputField, Modal, ModalActions, ModalContent, ModalTitle, NoticeBox, SingleSelectField, SingleSelectOption } from '@dhis2/ui';
import { useState } from 'react';

import type { ConsoleUser } from '../../api/users.js';
import type { OrgUnit, Role } from '../../api/types.js';
import { ErrorNotice } from '../../components/ErrorNotice.js';
import { roleLabel } from '../../components/role-label.js';
import { OrgUnitTreePicker } from './OrgUnitTreePicker.js';
import styles from './Users.module.css';

export interface UserFormValues {
  username: string;
  password: string;
  role: Role;
  orgUnitIds: string[];
}

interface Props {
  /** The user to edit, or null to create one. */
  user: ConsoleUser | null;
  units: OrgUnit[];
  onSave: (values: UserFormValues) => Promise<void>;
  onClose: () => void;
}

const ROLES: Role[] = ['viewer', 'operator', 'admin'];

/** Creates a user, or changes a user's role and org-unit scope. */
export function UserFormModal({ user, units, onSave, onClose }: Props) {
  const [values, setValues] = useState<UserFormValues>({
    username: user?.username ?? '',
    password: '',
    role: user?.role ?? 'viewer',
    orgUnitIds: user?.orgUnits.map((unit) => unit.id) ?? [],
  });
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const change = (patch: Partial<UserFormValues>) => setValues((current) => ({ ...current, ...patch }));

  const save = async () => {
    setSaving(true);
    setError(null);
    try {
      await onSave(values);
    } catch (failure) {
      setError(failure);
      setSaving(false);
    }
  };

  return (
    <Modal large onClose={onClose} dataTest="user-form">
      <ModalTitle>{user ? i18n.t('Change {{username}}', { username: user.username }) : i18n.t('New console user')}</ModalTitle>
      <ModalContent>
        <div className={styles.fields}>
          {user?.authSource === 'dhis2' && (
            <NoticeBox title={i18n.t('Signs in with DHIS2')}>
              {i18n.t('The role and org units of this user are set again from DHIS2 at each sign-in.')}
            </NoticeBox>
          )}
          {user === null && (
            <>
              <InputField
                label={i18n.t('Username')}
                value={values.username}
                onChange={({ value }) => change({ username: value ?? '' })}
                dataTest="user-username"
                required
              />
              <InputField
                label={i18n.t('Password (leave empty to generate one)')}
                type="password"
                autoComplete="new-password"
                value={values.password}
                onChange={({ value }) => change({ password: value ?? '' })}
                helpText={i18n.t('At least 10 characters. A generated password is shown once, after saving.')}
                dataTest="user-password"
              />
            </>
          )}
          <SingleSelectField
            label={i18n.t('Role')}
            selected={values.role}
            onChange={({ selected }) => change({ role: selected as Role })}
            inputWidth="260px"
            dataTest="user-role"
          >
            {ROLES.map((role) => (
              <SingleSelectOption key={role} value={role} label={roleLabel(role)} />
            ))}
          </SingleSelectField>
          <div>
            <strong>{i18n.t('Org units this user may see and act on')}</strong>
            <p>
              {values.orgUnitIds.length === 0
                ? i18n.t('None chosen: the user sees the whole fleet, including phones without an org unit.')
                : i18n.t('The user sees the phones of the chosen units and every unit below them.')}
            </p>
            {values.orgUnitIds.length === 0 && values.role !== 'admin' && (
              <NoticeBox warning title={i18n.t('Whole fleet')}>
                {i18n.t('Choose units to limit this user to their district or facility.')}
              </NoticeBox>
            )}
            <div className={styles.treeBox}>
              <OrgUnitTreePicker units={units} selected={values.orgUnitIds} onChange={(orgUnitIds) => change({ orgUnitIds })} />
            </div>
          </div>
          <ErrorNotice error={error} title={i18n.t('The user could not be saved')} />
        </div>
      </ModalContent>
      <ModalActions>
        <ButtonStrip end>
          <Button secondary onClick={onClose}>
            {i18n.t('Cancel')}
          </Button>
          <Button primary onClick={() => void save()} loading={saving} disabled={user === null && values.username === ''} dataTest="user-save">
            {i18n.t('Save')}
          </Button>
        </ButtonStrip>
      </ModalActions>
    </Modal>
  );
}

import i18n from '@dhis2/d2-i18n';
import {
  Button,
  DataTable,
  DataTableBody,
  DataTableCell,
  DataTableColumnHeader,
  DataTableHead,
  DataTableRow,
  Tag,
} from '@dhis2/ui';

import type { EnrolmentToken, OrgUnit } from '../../api/types.js';
import { formatTime, orDash } from '../../components/format.js';
import styles from './Enrolment.module.css';

interface Props {
  tokens: EnrolmentToken[];
  orgUnits: OrgUnit[];
  canRevoke: boolean;
  revokingId: string | null;
  onShow: (token: EnrolmentToken) => void;
  onRevoke: (token: EnrolmentToken) => void;
}

function TokenState({ token, now }: { token: EnrolmentToken; now: number }) {
  if (token.revokedAt !== null) return <Tag negative>{i18n.t('Revoked')}</Tag>;
  if (token.expiresAt !== null && token.expiresAt <= now) return <Tag neutral>{i18n.t('Expired')}</Tag>;
  if (token.usesLeft === 0) return <Tag neutral>{i18n.t('Used up')}</Tag>;
  return <Tag positive>{i18n.t('Active')}</Tag>;
}

/** Enrolment tokens, newest first, with QR and revoke actions. */
export function TokenList({ tokens, orgUnits, canRevoke, revokingId, onShow, onRevoke }: Props) {
  const now = Date.now();
  if (tokens.length === 0) return <p className={styles.help}>{i18n.t('No enrolment QR code has been created yet.')}</p>;

  const newestFirst = [...tokens].sort((a, b) => b.createdAt - a.createdAt);
  const unitNames = new Map(orgUnits.map((unit) => [unit.id, unit.name]));
  const orgUnitLabel = (token: EnrolmentToken) =>
    token.orgUnitId === null ? orDash(null) : (unitNames.get(token.orgUnitId) ?? token.orgUnitId);
  return (
    <DataTable dataTest="token-table">
      <DataTableHead>
        <DataTableRow>
          <DataTableColumnHeader>{i18n.t('Label')}</DataTableColumnHeader>
          <DataTableColumnHeader>{i18n.t('Policy')}</DataTableColumnHeader>
          <DataTableColumnHeader>{i18n.t('Organisation unit')}</DataTableColumnHeader>
          <DataTableColumnHeader>{i18n.t('Preset device ID')}</DataTableColumnHeader>
          <DataTableColumnHeader>{i18n.t('Uses left')}</DataTableColumnHeader>
          <DataTableColumnHeader>{i18n.t('Expires')}</DataTableColumnHeader>
          <DataTableColumnHeader>{i18n.t('State')}</DataTableColumnHeader>
          <DataTableColumnHeader />
        </DataTableRow>
      </DataTableHead>
      <DataTableBody>
        {newestFirst.map((token) => {
          const active = token.revokedAt === null;
          return (
            <DataTableRow key={token.id} dataTest="token-row">
              <DataTableCell>{orDash(token.label)}</DataTableCell>
              <DataTableCell>{orDash(token.policyName)}</DataTableCell>
              <DataTableCell>{orgUnitLabel(token)}</DataTableCell>
              <DataTableCell>{orDash(token.presetDeviceId)}</DataTableCell>
              <DataTableCell>{token.usesLeft === null ? i18n.t('No limit') : token.usesLeft}</DataTableCell>
              <DataTableCell>{token.expiresAt === null ? i18n.t('Never') : formatTime(token.expiresAt)}</DataTableCell>
              <DataTableCell>
                <TokenState token={token} now={now} />
              </DataTableCell>
              <DataTableCell align="right">
                <div className={styles.rowActions}>
                  <Button small onClick={() => onShow(token)} dataTest="token-show">
                    {i18n.t('Show QR')}
                  </Button>
                  {canRevoke && active && (
                    <Button
                      small
                      destructive
                      secondary
                      loading={revokingId === token.id}
                      onClick={() => onRevoke(token)}
                      dataTest="token-revoke"
                    >
                      {i18n.t('Revoke')}
                    </Button>
                  )}
                </div>
              </DataTableCell>
            </DataTableRow>
          );
        })}
      </DataTableBody>
    </DataTable>
  );
}

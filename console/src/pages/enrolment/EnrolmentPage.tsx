import i18n from '@dhis2/d2-i18n';
import { useState } from 'react';

import { fetchTokens, revokeToken } from '../../api/enrolment.js';
import { fetchOrgUnits } from '../../api/org-units.js';
import type { EnrolmentToken } from '../../api/types.js';
import { ConfirmModal } from '../../components/ConfirmModal.js';
import { ErrorNotice } from '../../components/ErrorNotice.js';
import { Loading } from '../../components/Loading.js';
import { PageHeader } from '../../components/PageHeader.js';
import { Section } from '../../components/Section.js';
import { hasRole, useUser } from '../../session.js';
import { useApiData } from '../../use-api-data.js';
import { AgentApkPicker } from './AgentApkPicker.js';
import { QrView } from './QrView.js';
import { TokenForm } from './TokenForm.js';
import { TokenList } from './TokenList.js';

/** Agent APK, QR code creation and the list of enrolment tokens. */
export function EnrolmentPage() {
  const user = useUser();
  const isAdmin = hasRole(user, 'admin');
  const tokens = useApiData(fetchTokens, []);
  const orgUnits = useApiData(fetchOrgUnits, []);
  const [shown, setShown] = useState<EnrolmentToken | null>(null);
  const [confirming, setConfirming] = useState<EnrolmentToken | null>(null);
  const [revokingId, setRevokingId] = useState<string | null>(null);
  const [revokeError, setRevokeError] = useState<unknown>(null);

  const revoke = async (token: EnrolmentToken) => {
    setConfirming(null);
    setRevokingId(token.id);
    setRevokeError(null);
    try {
      await revokeToken(token.id);
      if (shown?.id === token.id) setShown(null);
      tokens.reload();
    } catch (error) {
      setRevokeError(error);
    } finally {
      setRevokingId(null);
    }
  };

  return (
    <>
      <PageHeader title={i18n.t('Enrolment')} />
      <AgentApkPicker onChanged={tokens.reload} />
      {isAdmin && (
        <TokenForm
          onCreated={(token) => {
            setShown(token);
            tokens.reload();
          }}
        />
      )}
      {shown && <QrView key={shown.id} token={shown} onClose={() => setShown(null)} />}
      <Section title={i18n.t('Enrolment QR codes')}>
        <ErrorNotice error={tokens.error} title={i18n.t('The enrolment codes could not be loaded')} />
        <ErrorNotice error={revokeError} title={i18n.t('The code was not revoked')} />
        {tokens.data === undefined && tokens.loading && <Loading />}
        {tokens.data && (
          <TokenList
            tokens={tokens.data}
            orgUnits={orgUnits.data ?? []}
            canRevoke={isAdmin}
            revokingId={revokingId}
            onShow={setShown}
            onRevoke={setConfirming}
          />
        )}
      </Section>
      {confirming && (
        <ConfirmModal
          title={i18n.t('Revoke enrolment code')}
          confirmLabel={i18n.t('Revoke')}
          onConfirm={() => revoke(confirming)}
          onCancel={() => setConfirming(null)}
        >
          {i18n.t('Phones that scan this QR code afterwards cannot enrol with it.')}
        </ConfirmModal>
      )}
    </>
  );
}

import i18n from '@dhis2/d2-i18n';
import { Button } from '@dhis2/ui';

import { fetchQrJson, qrPngUrl } from '../../api/enrolment.js';
import type { EnrolmentToken } from '../../api/types.js';
import { ErrorNotice } from '../../components/ErrorNotice.js';
import { JsonView } from '../../components/JsonView.js';
import { Loading } from '../../components/Loading.js';
import { Section } from '../../components/Section.js';
import { useApiData } from '../../use-api-data.js';
import styles from './Enrolment.module.css';

// Large enough for a phone camera to read the dense provisioning QR from a
// printed page or a laptop screen at arm's length.
const QR_SIZE_PIXELS = 360;

/** QR image and provisioning JSON of one enrolment token. */
export function QrView({ token, onClose }: { token: EnrolmentToken; onClose: () => void }) {
  const json = useApiData(() => fetchQrJson(token.id), [token.id]);
  const title = token.label
    ? i18n.t('QR code: {{label}}', { label: token.label })
    : i18n.t('QR code for {{policy}}', { policy: token.policyName ?? token.policyId });

  return (
    <Section title={title} dataTest="qr-view">
      <div className={styles.qr}>
        <img
          src={qrPngUrl(token.id, QR_SIZE_PIXELS)}
          width={QR_SIZE_PIXELS}
          height={QR_SIZE_PIXELS}
          alt={i18n.t('Enrolment QR code')}
          data-test="qr-image"
        />
        <div className={styles.qrText}>
          <p>
            {i18n.t(
              'On a new or factory-reset phone, tap the welcome screen six times to open the QR reader, then scan this code.',
            )}
          </p>
          <div data-test="qr-json">
            <ErrorNotice error={json.error} title={i18n.t('The QR content could not be loaded')} />
            {json.loading && !json.data && <Loading />}
            {json.data && <JsonView value={json.data} initiallyOpen />}
          </div>
          <Button small secondary onClick={onClose}>
            {i18n.t('Close')}
          </Button>
        </div>
      </div>
    </Section>
  );
}

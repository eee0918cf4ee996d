import i18n from '@dhis2/d2-i18n';
import { Button, InputField, NoticeBox, SingleSelectField, SingleSelectOption } from '@dhis2/ui';
import { useState } from 'react';

import { fetchApps } from '../../api/apps.js';
import { chooseAgent, fetchAgent } from '../../api/enrolment.js';
import type { EnrolmentAgent } from '../../api/types.js';
import { ErrorNotice } from '../../components/ErrorNotice.js';
import { FieldList } from '../../components/FieldList.js';
import { Section } from '../../components/Section.js';
import { hasRole, useUser } from '../../session.js';
import { useApiData } from '../../use-api-data.js';
import styles from './Enrolment.module.css';

function AgentFields({ agent }: { agent: EnrolmentAgent }) {
  return (
    <FieldList
      dataTest="agent-current"
      items={[
        { label: i18n.t('Package'), value: agent.packageName },
        { label: i18n.t('versionCode'), value: agent.versionCode },
        { label: i18n.t('Admin component'), value: agent.adminComponent },
        { label: i18n.t('File checksum (QR)'), value: <code>{agent.fileChecksum}</code> },
        { label: i18n.t('Signature checksum (QR)'), value: <code>{agent.signatureChecksum}</code> },
      ]}
    />
  );
}

/** Shows the agent APK the QR codes install and lets admins choose another. */
export function AgentApkPicker({ onChanged }: { onChanged: () => void }) {
  const user = useUser();
  const agent = useApiData(fetchAgent, []);
  const apps = useApiData(fetchApps, []);
  const [versionId, setVersionId] = useState<string>();
  const [adminComponent, setAdminComponent] = useState('');
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const save = async () => {
    if (!versionId) return;
    setSaving(true);
    setError(null);
    try {
      await chooseAgent(versionId, adminComponent.trim() || undefined);
      agent.reload();
      onChanged();
    } catch (failure) {
      setError(failure);
    } finally {
      setSaving(false);
    }
  };

  const versions = (apps.data ?? []).flatMap((app) =>
    app.versions.map((version) => ({
      id: version.id,
      label: i18n.t('{{app}} {{versionName}} (versionCode {{versionCode}})', {
        app: app.label ?? app.packageName,
        versionName: version.versionName ?? '',
        versionCode: version.versionCode,
      }),
    })),
  );

  return (
    <Section title={i18n.t('Agent APK')} dataTest="agent-section">
      <ErrorNotice error={agent.error ?? apps.error} title={i18n.t('The agent could not be loaded')} />
      {agent.data === null && (
        <NoticeBox warning title={i18n.t('No agent chosen')} dataTest="agent-missing">
          {i18n.t(
            'Choose the agent APK that phones install when they scan a QR code. Upload it on the Apps page first.',
          )}
        </NoticeBox>
      )}
      {agent.data && <AgentFields agent={agent.data} />}
      {hasRole(user, 'admin') && (
        <div className={styles.row}>
          <SingleSelectField
            label={i18n.t('Agent APK')}
            inputWidth="380px"
            loading={apps.loading}
            selected={versionId}
            placeholder={i18n.t('Choose an uploaded APK')}
            onChange={({ selected }) => setVersionId(selected)}
            dataTest="agent-version"
          >
            {versions.map((version) => (
              <SingleSelectOption key={version.id} value={version.id} label={version.label} />
            ))}
          </SingleSelectField>
          <InputField
            label={i18n.t('Admin component (optional)')}
            helpText={i18n.t('Leave empty to use the server default for the agent package.')}
            inputWidth="300px"
            value={adminComponent}
            onChange={({ value }) => setAdminComponent(value ?? '')}
          />
          <Button primary onClick={save} loading={saving} disabled={!versionId} dataTest="agent-save">
            {i18n.t('Use as agent')}
          </Button>
        </div>
      )}
      <ErrorNotice error={error} title={i18n.t('The agent was not changed')} />
    </Section>
  );
}

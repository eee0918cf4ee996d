import i18n from '@dhis2/d2-i18n';
import { Button, InputField, NoticeBox, SingleSelectField, SingleSelectOption } from '@dhis2/ui';
import { useState } from 'react';

import { ApiError } from '../../api/client.js';
import { importRelease, type ReleaseImportResult, type ReleaseVariant } from '../../api/rollouts.js';
import { describeError } from '../../components/error-text.js';
import { Section } from '../../components/Section.js';
import styles from './ApkUpload.module.css';

const SHA256_PATTERN = /^[0-9a-fA-F]{64}$/;

type ImportState =
  | { kind: 'idle' }
  | { kind: 'importing' }
  | { kind: 'done'; result: ReleaseImportResult }
  | { kind: 'failed'; error: unknown };

function variantLabel(variant: ReleaseVariant): string {
  switch (variant) {
    case 'plain':
      return i18n.t('Standard');
    case 'googlePlay':
      return i18n.t('Google Play');
    case 'training':
      return i18n.t('Training');
  }
}

const VARIANTS: ReleaseVariant[] = ['plain', 'googlePlay', 'training'];

/** Form that has the server download a release APK from a URL into the catalogue. */
export function ReleaseImport({ onImported }: { onImported: () => void }) {
  const [url, setUrl] = useState('');
  const [variant, setVariant] = useState<ReleaseVariant>('plain');
  const [sha256, setSha256] = useState('');
  const [state, setState] = useState<ImportState>({ kind: 'idle' });

  const trimmedSha = sha256.trim();
  const shaInvalid = trimmedSha !== '' && !SHA256_PATTERN.test(trimmedSha);
  const signerChange =
    state.kind === 'failed' && state.error instanceof ApiError && state.error.code === 'signer_changed';

  const submit = async (confirmSignerChange: boolean) => {
    setState({ kind: 'importing' });
    try {
      const result = await importRelease({
        url: url.trim(),
        variant,
        sha256: trimmedSha === '' ? undefined : trimmedSha.toLowerCase(),
        confirmSignerChange: confirmSignerChange || undefined,
      });
      setState({ kind: 'done', result });
      onImported();
    } catch (error) {
      setState({ kind: 'failed', error });
    }
  };

  return (
    <Section title={i18n.t('Import release from URL')} dataTest="release-import">
      <p className={styles.help}>
        {i18n.t(
          'Give a GitHub release page, a release listing in the GitHub API format, or a direct APK link. The server downloads the file and checks it as an upload.',
        )}
      </p>
      <InputField
        label={i18n.t('Release or APK URL')}
        value={url}
        onChange={({ value }) => setUrl(value ?? '')}
        placeholder="https://github.com/dhis2/dhis2-android-capture-app/releases/tag/v3.1.0"
        dataTest="import-url"
      />
      <SingleSelectField
        label={i18n.t('Variant (for release listings)')}
        selected={variant}
        onChange={({ selected }) => setVariant(selected as ReleaseVariant)}
        dataTest="import-variant"
      >
        {VARIANTS.map((value) => (
          <SingleSelectOption key={value} value={value} label={variantLabel(value)} />
        ))}
      </SingleSelectField>
      <InputField
        label={i18n.t('Expected SHA-256 of the APK (optional)')}
        value={sha256}
        onChange={({ value }) => setSha256(value ?? '')}
        error={shaInvalid}
        validationText={shaInvalid ? i18n.t('A SHA-256 is 64 hexadecimal digits.') : undefined}
        dataTest="import-sha256"
      />
      <div className={styles.progress}>
        <Button
          primary
          onClick={() => void submit(false)}
          disabled={url.trim() === '' || shaInvalid}
          loading={state.kind === 'importing'}
          dataTest="import-submit"
        >
          {i18n.t('Import')}
        </Button>
      </div>
      {state.kind === 'done' && (
        <NoticeBox valid title={i18n.t('Import complete')} dataTest="import-done">
          {i18n.t('{{label}} version {{versionName}} (versionCode {{versionCode}}) is in the catalogue.', {
            label: state.result.app.label ?? state.result.app.packageName,
            versionName: state.result.version.versionName ?? '–',
            versionCode: state.result.version.versionCode,
          })}
        </NoticeBox>
      )}
      {state.kind === 'failed' && (
        <NoticeBox error title={i18n.t('The release was not imported')} dataTest="import-error">
          {describeError(state.error)}
          {signerChange && (
            <div className={styles.confirm}>
              <Button destructive small onClick={() => void submit(true)} dataTest="import-anyway">
                {i18n.t('Import anyway')}
              </Button>
            </div>
          )}
        </NoticeBox>
      )}
    </Section>
  );
}

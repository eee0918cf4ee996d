import i18n from '@dhis2/d2-i18n';
import { Button, FileInput, LinearLoader, NoticeBox } from '@dhis2/ui';
import { useState } from 'react';

import { uploadApk, type UploadResult } from '../../api/apps.js';
import { ApiError } from '../../api/client.js';
import { describeError } from '../../components/error-text.js';
import { Section } from '../../components/Section.js';
import styles from './ApkUpload.module.css';

type UploadState =
  | { kind: 'idle' }
  | { kind: 'uploading'; fileName: string; percent: number }
  | { kind: 'done'; result: UploadResult }
  | { kind: 'failed'; file: File; error: unknown };

function isSignerChange(error: unknown): boolean {
  return error instanceof ApiError && error.status === 409 && error.code === 'signer_changed';
}

/** Returns the notice title of an upload failure; the server's message below it gives the reason and the fix. */
function uploadErrorTitle(error: unknown, fileName: string): string {
  const status = error instanceof ApiError ? error.status : null;
  if (isSignerChange(error)) {
    return i18n.t('{{fileName}} is signed by another key than the earlier versions of its package', { fileName });
  }
  switch (status) {
    case 409:
      return i18n.t('{{fileName}}: this version is already in the catalogue', { fileName });
    case 413:
      return i18n.t('{{fileName}} is larger than the server accepts', { fileName });
    case 422:
      return i18n.t('{{fileName}} is not a valid APK', { fileName });
    default:
      return i18n.t('{{fileName}} was not uploaded', { fileName });
  }
}

function uploadErrorText(error: unknown): string {
  if (error instanceof ApiError && [409, 413, 422].includes(error.status)) return error.message;
  return describeError(error);
}

/** Uploads an APK with a progress bar; calls `onUploaded` after a success. */
export function ApkUpload({ onUploaded }: { onUploaded: () => void }) {
  const [state, setState] = useState<UploadState>({ kind: 'idle' });

  const upload = async (file: File, confirmSignerChange = false) => {
    setState({ kind: 'uploading', fileName: file.name, percent: 0 });
    try {
      const result = await uploadApk(
        file,
        (fraction) => setState({ kind: 'uploading', fileName: file.name, percent: Math.round(fraction * 100) }),
        { confirmSignerChange },
      );
      setState({ kind: 'done', result });
      onUploaded();
    } catch (error) {
      setState({ kind: 'failed', file, error });
    }
  };

  return (
    <Section title={i18n.t('Upload an APK')} dataTest="apk-upload">
      <p className={styles.help}>
        {i18n.t('Outpost reads the package name, versionCode and signer from the file itself.')}
      </p>
      <FileInput
        name="apk"
        accept=".apk,application/vnd.android.package-archive"
        buttonLabel={i18n.t('Choose an APK file')}
        disabled={state.kind === 'uploading'}
        onChange={({ files }) => {
          const file = files?.[0];
          if (file) void upload(file);
        }}
        dataTest="apk-file"
      />
      {state.kind === 'uploading' && (
        <div
          className={styles.progress}
          data-test="upload-progress"
          role="progressbar"
          aria-valuemin={0}
          aria-valuemax={100}
          aria-valuenow={state.percent}
        >
          <div className={styles.progressText}>
            {i18n.t('Uploading {{fileName}}: {{percent}}%', { fileName: state.fileName, percent: state.percent })}
          </div>
          <LinearLoader amount={state.percent} width="100%" margin="0" />
        </div>
      )}
      {state.kind === 'done' && (
        <NoticeBox valid title={i18n.t('Upload complete')} dataTest="upload-done">
          {i18n.t('{{label}} version {{versionName}} (versionCode {{versionCode}}) is in the catalogue.', {
            label: state.result.app.label ?? state.result.app.packageName,
            versionName: state.result.version.versionName ?? '–',
            versionCode: state.result.version.versionCode,
          })}
        </NoticeBox>
      )}
      {state.kind === 'failed' && (
        <NoticeBox error title={uploadErrorTitle(state.error, state.file.name)} dataTest="upload-error">
          {uploadErrorText(state.error)}
          {isSignerChange(state.error) && (
            <div className={styles.confirm}>
              <p>
                {i18n.t(
                  'Phones that run an earlier version cannot update to this file: Android rejects an update signed by another key. Upload it anyway only if you mean to install it on new or wiped phones.',
                )}
              </p>
              <Button destructive small onClick={() => void upload(state.file, true)} dataTest="upload-anyway">
                {i18n.t('Upload anyway')}
              </Button>
            </div>
          )}
        </NoticeBox>
      )}
    </Section>
  );
}

import i18n from '@dhis2/d2-i18n';
import { InputField, TextAreaField } from '@dhis2/ui';

import type { CommandParameters, CommandType } from '../../api/devices.js';

interface Props {
  type: CommandType;
  values: CommandParameters;
  onChange: (values: CommandParameters) => void;
}

/** Inputs of the parameters the chosen command type takes; shared by the device page and bulk actions. */
export function CommandFields({ type, values, onChange }: Props) {
  switch (type) {
    case 'lock':
      return (
        <InputField
          label={i18n.t('Message on the lock screen')}
          inputWidth="300px"
          value={values.message ?? ''}
          onChange={({ value }) => onChange({ ...values, message: value ?? '' })}
          dataTest="command-message"
        />
      );
    case 'message':
      return (
        <TextAreaField
          label={i18n.t('Message for the phone user')}
          inputWidth="300px"
          rows={2}
          value={values.message ?? ''}
          onChange={({ value }) => onChange({ ...values, message: value ?? '' })}
          dataTest="command-message"
        />
      );
    case 'uninstallApp':
    case 'clearAppData':
      return (
        <InputField
          label={i18n.t('Package name')}
          placeholder="com.dhis2"
          inputWidth="240px"
          value={values.packageName ?? ''}
          onChange={({ value }) => onChange({ ...values, packageName: value ?? '' })}
          dataTest="command-package"
        />
      );
    case 'grantPermissions':
      return (
        <InputField
          label={i18n.t('Package names, comma-separated; empty for every app of the policy')}
          inputWidth="300px"
          value={(values.packageNames ?? []).join(', ')}
          onChange={({ value }) =>
            onChange({
              ...values,
              packageNames: (value ?? '')
                .split(',')
                .map((name) => name.trim())
                .filter((name) => name !== ''),
            })
          }
          dataTest="command-packages"
        />
      );
    case 'passwordReset':
      return (
        <InputField
          label={i18n.t('New screen-lock password')}
          type="password"
          inputWidth="200px"
          value={values.newPassword ?? ''}
          onChange={({ value }) => onChange({ ...values, newPassword: value ?? '' })}
          dataTest="command-new-password"
        />
      );
    default:
      return null;
  }
}

/** Keeps only the parameters the type takes, so a value typed for another type is not sent. */
export function parametersFor(type: CommandType, values: CommandParameters): CommandParameters {
  switch (type) {
    case 'lock':
      return values.message?.trim() ? { message: values.message.trim() } : {};
    case 'message':
      return { message: values.message ?? '' };
    case 'uninstallApp':
    case 'clearAppData':
      return { packageName: values.packageName?.trim() ?? '' };
    case 'grantPermissions':
      return { packageNames: values.packageNames ?? [] };
    case 'passwordReset':
      return { newPassword: values.newPassword ?? '' };
    default:
      return {};
  }
}

import type { DeviceIdSource, EnrolmentTokenInput, WifiSecurity } from '../../api/types.js';

/** Text fields as typed; numbers are parsed when the form is sent. */
export interface TokenFormState {
  policyId: string;
  orgUnitId: string;
  /** DHIS2 user uid of the health worker who gets the phone; '' for none. */
  dhis2UserId: string;
  presetDeviceId: string;
  deviceIdSource: DeviceIdSource | '';
  label: string;
  expiresInHours: string;
  maxUses: string;
  wifiSsid: string;
  wifiPassword: string;
  wifiSecurity: WifiSecurity;
  useMobileData: boolean;
}

// A week covers a training session and the days after it, and matches the
// server default. A code valid for longer stays usable if a photo of it leaks.
const DEFAULT_EXPIRY_HOURS = '168';

export function emptyTokenForm(): TokenFormState {
  return {
    policyId: '',
    orgUnitId: '',
    dhis2UserId: '',
    presetDeviceId: '',
    deviceIdSource: '',
    label: '',
    expiresInHours: DEFAULT_EXPIRY_HOURS,
    maxUses: '',
    wifiSsid: '',
    wifiPassword: '',
    wifiSecurity: 'WPA',
    useMobileData: true,
  };
}

function optionalText(value: string): string | undefined {
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}

function optionalNumber(value: string): number | undefined {
  return value.trim() === '' ? undefined : Number(value);
}

/** Request body for POST /enrolment/tokens; empty fields are left out. */
export function tokenInput(form: TokenFormState): EnrolmentTokenInput {
  const wifiSsid = optionalText(form.wifiSsid);
  return {
    policyId: form.policyId,
    orgUnitId: optionalText(form.orgUnitId),
    dhis2UserId: optionalText(form.dhis2UserId),
    presetDeviceId: optionalText(form.presetDeviceId),
    deviceIdSource: form.deviceIdSource === '' ? undefined : form.deviceIdSource,
    label: optionalText(form.label),
    expiresInHours: optionalNumber(form.expiresInHours),
    maxUses: optionalNumber(form.maxUses),
    wifiSsid,
    // Spaces can be part of a Wi-Fi password, so it is sent untrimmed.
    wifiPassword: wifiSsid && form.wifiPassword !== '' ? form.wifiPassword : undefined,
    wifiSecurity: wifiSsid ? form.wifiSecurity : undefined,
    useMobileData: form.useMobileData,
  };
}

import { apiUrl, csrfHeaders, errorFromResponse, notifyUnauthorized, request } from '../../api/client.js';

export interface RetentionSettings {
  locationDays: number;
  deviceLogDays: number;
  auditEventDays: number;
  finishedCommandDays: number;
  syncRunDays: number;
  bulkJobDays: number;
}

export interface EnrolmentRules {
  open: boolean;
  opensAt: number | null;
  closesAt: number | null;
  requirePreregistered: boolean;
}

export interface PreregistrationResult {
  added: number;
  alreadyListed: number;
  errors: Array<{ row: number; value: string; message: string }>;
}

export interface DeviceIdClaim {
  devicePk: string;
  deviceId: string;
  enrolledSerial: string | null;
  enrolledImei: string | null;
  claimantSerial: string | null;
  claimantImei: string | null;
  claimantIp: string | null;
  firstClaimedAt: number;
  lastClaimedAt: number;
  claimCount: number;
}

export const fetchRetention = () => request<RetentionSettings>('GET', 'settings/retention');
export const saveRetention = (settings: Partial<RetentionSettings>) => request<RetentionSettings>('PUT', 'settings/retention', { body: settings });
export const fetchEnrolmentRules = () => request<EnrolmentRules>('GET', 'enrolment/rules');
export const saveEnrolmentRules = (rules: Partial<EnrolmentRules>) => request<EnrolmentRules>('PUT', 'enrolment/rules', { body: rules });
export const fetchPreregisteredCount = async () => (await request<{ total: number }>('GET', 'enrolment/preregistered', { query: { limit: 1 } })).total;
export const fetchIdClaims = () => request<DeviceIdClaim[]>('GET', 'enrolment/id-claims');
export const dismissIdClaim = (devicePk: string) => request<void>('DELETE', `enrolment/id-claims/${encodeURIComponent(devicePk)}`);

/** Uploads a CSV file of serials and IMEIs as text/csv. */
export async function uploadPreregisteredCsv(text: string): Promise<PreregistrationResult> {
  const response = await fetch(apiUrl('enrolment/preregistered/csv'), {
    method: 'POST',
    headers: { Accept: 'application/json', 'Content-Type': 'text/csv', ...csrfHeaders('POST') },
    body: text,
    credentials: 'same-origin',
  });
  if (response.ok) return (await response.json()) as PreregistrationResult;

  const error = errorFromResponse(response.status, await response.text());
  if (error.status === 401) notifyUnauthorized();
  throw error;
}

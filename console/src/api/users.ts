import { apiUrl, csrfHeaders, errorFromResponse, request } from './client.js';
import type { Role } from './types.js';

export interface ScopeUnit {
  id: string;
  name: string | null;
  path: string | null;
}

export interface ConsoleUser {
  id: string;
  username: string;
  role: Role;
  disabled: boolean;
  createdAt: number;
  authSource: 'local' | 'dhis2';
  /** Empty for a user who sees the whole fleet. */
  orgUnits: ScopeUnit[];
}

export interface NewUserInput {
  username: string;
  /** Left out: the server generates one and returns it once. */
  password?: string;
  role: Role;
  orgUnitIds: string[];
}

export function fetchUsers(): Promise<ConsoleUser[]> {
  return request<ConsoleUser[]>('GET', 'users');
}

export function createUser(input: NewUserInput): Promise<ConsoleUser & { generatedPassword?: string }> {
  return request('POST', 'users', { body: input });
}

export function updateUser(id: string, changes: { role?: Role; orgUnitIds?: string[]; disabled?: boolean }): Promise<ConsoleUser> {
  return request<ConsoleUser>('PATCH', `users/${encodeURIComponent(id)}`, { body: changes });
}

/** Sets a new generated password and returns it; the user's sessions end. */
export function resetPassword(id: string): Promise<{ generatedPassword?: string }> {
  return request('POST', `users/${encodeURIComponent(id)}/password`, { body: {} });
}

export interface Dhis2LoginSettings {
  enabled: boolean;
  groupRoles: Array<{ groupId: string; role: Role }>;
}

export function fetchDhis2LoginSettings(): Promise<Dhis2LoginSettings> {
  return request<Dhis2LoginSettings>('GET', 'auth/dhis2-login/settings');
}

export interface Dhis2Group {
  id: string;
  name: string;
  members: number;
  removed: boolean;
}

export function fetchDhis2Groups(): Promise<Dhis2Group[]> {
  return request<Dhis2Group[]>('GET', 'auth/dhis2-login/groups');
}

export function saveDhis2LoginSettings(settings: Dhis2LoginSettings): Promise<Dhis2LoginSettings> {
  return request<Dhis2LoginSettings>('PUT', 'auth/dhis2-login/settings', { body: settings });
}

export interface Dhis2UserChoice {
  uid: string;
  username: string;
  displayName: string;
  disabled: boolean;
  orgUnitIds: string[];
}

export function fetchDhis2Users(orgUnitId?: string): Promise<Dhis2UserChoice[]> {
  return request<Dhis2UserChoice[]>('GET', 'assignments/dhis2-users', { query: { orgUnitId } });
}

export type PolicySourceKind = 'device' | 'org_unit' | 'enrolment' | 'none';

interface NamedRef {
  id: string;
  name: string | null;
}

export interface DeviceAssignment {
  deviceId: string;
  orgUnit: (NamedRef & { path: string | null }) | null;
  dhis2User: { uid: string; username: string | null; displayName: string | null; disabled: boolean | null } | null;
  policy: { effective: NamedRef | null; source: PolicySourceKind; sourceOrgUnit: NamedRef | null; explicit: NamedRef | null; enrolment: NamedRef | null };
}

export function fetchDeviceAssignment(devicePk: string): Promise<DeviceAssignment> {
  return request<DeviceAssignment>('GET', `devices/${encodeURIComponent(devicePk)}/assignment`);
}

export function assignDevice(devicePk: string, changes: { dhis2UserId?: string | null; policyId?: string | null; orgUnitId?: string | null }) {
  return request<unknown>('PATCH', `devices/${encodeURIComponent(devicePk)}`, { body: changes });
}

export interface ImportResult {
  dryRun: boolean;
  applied: boolean;
  rows: number;
  changes: Array<{ row: number; deviceId: string; changes: Partial<Record<'dhis2UserId' | 'orgUnitId' | 'policyId', { from: string | null; to: string | null }>> }>;
}

export function importAssignments(csv: string, dryRun: boolean): Promise<ImportResult> {
  return request<ImportResult>('POST', 'assignments/import', { body: { csv, dryRun } });
}

export function assignmentExportUrl(): string {
  return apiUrl('assignments/export.csv');
}

export interface OrgUnitPolicy {
  orgUnitId: string;
  orgUnitName: string | null;
  orgUnitPath: string | null;
  policyId: string;
  policyName: string | null;
}

export function fetchOrgUnitPolicies(): Promise<OrgUnitPolicy[]> {
  return request<OrgUnitPolicy[]>('GET', 'org-unit-policies');
}

export function setOrgUnitPolicy(orgUnitId: string, policyId: string | null) {
  return request<{ devicesChanged: number }>('PUT', `org-units/${encodeURIComponent(orgUnitId)}/policy`, { body: { policyId } });
}

export interface SheetInput {
  orgUnitId: string;
  policyId: string;
  source: 'users' | 'blank';
  includeSubunits?: boolean;
  count?: number;
  expiresInHours?: number;
}

/** Creates the sheet's tokens and returns the printable HTML page. */
export async function createEnrolmentSheet(input: SheetInput): Promise<string> {
  const response = await fetch(apiUrl('enrolment/sheets'), {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'text/html', ...csrfHeaders('POST') },
    body: JSON.stringify(input),
    credentials: 'same-origin',
  });
  const text = await response.text();
  if (!response.ok) throw errorFromResponse(response.status, text);
  return text;
}

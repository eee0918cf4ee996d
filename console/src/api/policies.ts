import { request } from './client.js';
import type { DeviceOverrides, Policy, PolicyInput, PolicySettings, PolicyVersion, RestrictionInfo } from './types.js';

export function fetchPolicies(): Promise<Policy[]> {
  return request<Policy[]>('GET', 'policies');
}

/** Fetches the settings a new policy starts with, as the server defines them. */
export function fetchPolicyDefaults(): Promise<PolicySettings> {
  return request<PolicySettings>('GET', 'policies/defaults');
}

export function fetchPolicy(id: string): Promise<Policy> {
  return request<Policy>('GET', `policies/${encodeURIComponent(id)}`);
}

export function createPolicy(input: PolicyInput): Promise<Policy> {
  return request<Policy>('POST', 'policies', { body: input });
}

/** Saves the policy as a new version. */
export function updatePolicy(id: string, input: PolicyInput): Promise<Policy> {
  return request<Policy>('PUT', `policies/${encodeURIComponent(id)}`, { body: input });
}

/** Deletes the policy; the API returns 409 while devices or enrolment codes use it. */
export function deletePolicy(id: string): Promise<void> {
  return request<void>('DELETE', `policies/${encodeURIComponent(id)}`);
}

export function fetchPolicyVersions(id: string): Promise<PolicyVersion[]> {
  return request<PolicyVersion[]>('GET', `policies/${encodeURIComponent(id)}/versions`);
}

export function fetchRestrictions(): Promise<RestrictionInfo[]> {
  return request<RestrictionInfo[]>('GET', 'restrictions');
}

export function fetchDeviceOverrides(devicePk: string): Promise<DeviceOverrides> {
  return request<DeviceOverrides>('GET', `devices/${encodeURIComponent(devicePk)}/overrides`);
}

/** Replaces the device's overrides; an empty object clears them. */
export function saveDeviceOverrides(devicePk: string, settings: Partial<PolicySettings>): Promise<DeviceOverrides> {
  return request<DeviceOverrides>('PUT', `devices/${encodeURIComponent(devicePk)}/overrides`, { body: { settings } });
}

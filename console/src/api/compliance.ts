import { request } from './client.js';
import type { ComplianceIssue, ComplianceSummary, DeviceCompliance, PolicyState } from './types.js';

export interface ComplianceFilter {
  issue?: ComplianceIssue;
  policyState?: PolicyState;
  policyId?: string;
  needsAttention?: boolean;
  limit?: number;
  offset?: number;
}

export function fetchComplianceSummary(): Promise<ComplianceSummary> {
  return request<ComplianceSummary>('GET', 'compliance/summary');
}

export function fetchComplianceDevices(filter: ComplianceFilter): Promise<{ total: number; items: DeviceCompliance[] }> {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(filter)) {
    if (value !== undefined) query.set(key, String(value));
  }
  return request('GET', `compliance/devices?${query.toString()}`);
}

export function fetchDeviceCompliance(devicePk: string): Promise<DeviceCompliance> {
  return request<DeviceCompliance>('GET', `devices/${encodeURIComponent(devicePk)}/compliance`);
}

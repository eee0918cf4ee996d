import { request } from './client.js';
import type { OrgUnit } from './types.js';

export function fetchOrgUnits(): Promise<OrgUnit[]> {
  return request<OrgUnit[]>('GET', 'org-units');
}

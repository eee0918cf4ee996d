import i18n from '@dhis2/d2-i18n';

import { fetchDevices } from '../../api/devices.js';

// The device search matches parts of ids, so the exact match is missed only
// when more than this many device ids contain the typed one.
// NOTE: such an id is then reported as not found, because the search is not paged.
const SEARCH_LIMIT = 200;

/**
 * Looks up the record id of each agent device id, which rollout and pin
 * scopes take. Throws an Error that names the ids with no device.
 */
export async function resolveDeviceIds(agentIds: string[]): Promise<string[]> {
  const recordIds: string[] = [];
  const missing: string[] = [];
  for (const agentId of agentIds) {
    const page = await fetchDevices({ search: agentId, sort: 'deviceId', order: 'asc', limit: SEARCH_LIMIT, cursor: null });
    const match = page.items.find((device) => device.deviceId === agentId);
    if (match) recordIds.push(match.id);
    else missing.push(agentId);
  }
  if (missing.length > 0) {
    throw new Error(i18n.t('No enrolled device has the id: {{ids}}', { ids: missing.join(', ') }));
  }
  return recordIds;
}

import { request } from './client.js';
import type { AuditEvent, CursorPage } from './types.js';

export function fetchAuditEvents(limit: number, cursor: string | null): Promise<CursorPage<AuditEvent>> {
  return request<CursorPage<AuditEvent>>('GET', 'audit', { query: { limit, cursor } });
}

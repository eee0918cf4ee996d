import { requireRole, type Caller } from '../../auth/caller.js';
import type { AppContext } from '../../context.js';
import { decodeCursor, encodeCursor, TimeIdCursorSchema } from '../../domain/list-cursor.js';
import { deviceScopeFilter } from './device-scope.js';

export interface AuditEventView {
  id: string;
  at: number;
  actor: string;
  action: string;
  targetType: string;
  targetId: string | null;
  details: unknown;
}

export const AUDIT_PAGE_DEFAULT = 50;

/** Lists audit events newest first, a page at a time. */
export async function listAuditEvents(
  ctx: AppContext,
  caller: Caller,
  query: { limit?: number; cursor?: string },
): Promise<{ items: AuditEventView[]; nextCursor: string | null }> {
  requireRole(caller, 'viewer');

  const limit = query.limit ?? AUDIT_PAGE_DEFAULT;
  const after = query.cursor === undefined ? undefined : decodeCursor(TimeIdCursorSchema, query.cursor);

  // Fetching one extra row shows whether another page follows.
  // A caller limited to some org units sees the events of their devices and their own actions.
  const rows = await ctx.store.audit.list(limit + 1, after, { scope: deviceScopeFilter(caller), actor: caller.username });
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];

  return {
    items: page.map((row) => ({
      id: row.id,
      at: row.at,
      actor: row.actor,
      action: row.action,
      targetType: row.target_type,
      targetId: row.target_id,
      details: row.details_json === null ? null : (JSON.parse(row.details_json) as unknown),
    })),
    nextCursor: rows.length > limit && last ? encodeCursor({ at: last.at, id: last.id }) : null,
  };
}

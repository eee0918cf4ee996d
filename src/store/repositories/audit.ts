import type { Db } from '../database.js';
import { deviceInScope, type DeviceScopeFilter } from '../device-scope-filter.js';
import { newId } from '../ids.js';
import type { AuditEventRow } from '../schema.js';

export interface AuditEntry {
  actor: string;
  action: string;
  targetType: string;
  targetId?: string | null;
  details?: Record<string, unknown>;
}

/** Append-only audit trail of changes and actions. */
export class AuditRepository {
  constructor(private readonly db: Db) {}

  async record(entry: AuditEntry, at = Date.now()): Promise<void> {
    await this.db
      .insertInto('audit_events')
      .values({
        id: newId(),
        at,
        actor: entry.actor,
        action: entry.action,
        target_type: entry.targetType,
        target_id: entry.targetId ?? null,
        details_json: entry.details ? JSON.stringify(entry.details) : null,
      })
      .execute();
  }

  /**
   * Lists events newest first, continuing after the (at, id) of the cursor
   * row. With `visible`, only the events of devices in its scope filter and
   * the events its actor caused are listed.
   */
  async list(
    limit: number,
    after?: { at: number; id: string },
    visible?: { scope: DeviceScopeFilter; actor: string },
  ): Promise<AuditEventRow[]> {
    let query = this.db.selectFrom('audit_events').selectAll();
    if (visible && visible.scope !== null) {
      const scope = visible.scope;
      query = query.where((eb) =>
        eb.or([
          eb('actor', '=', visible.actor),
          eb.and([
            eb('target_type', '=', 'device'),
            eb('target_id', 'in', eb.selectFrom('devices').select('devices.id').where(deviceInScope(scope))),
          ]),
        ]),
      );
    }
    if (after) {
      query = query.where((eb) =>
        eb.or([eb('at', '<', after.at), eb.and([eb('at', '=', after.at), eb('id', '<', after.id)])]),
      );
    }
    return query.orderBy('at', 'desc').orderBy('id', 'desc').limit(limit).execute();
  }
}

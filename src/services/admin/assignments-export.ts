import { stringify } from 'csv-stringify/sync';

import { requireRole, type Caller } from '../../auth/caller.js';
import type { AppContext } from '../../context.js';
import { ASSIGNMENT_COLUMNS, guardCell, UTF8_BOM } from '../../domain/assignments-csv.js';
import { deviceScopeFilter } from './device-scope.js';

/**
 * Writes the assignments of every device the caller may see as CSV: UTF-8
 * with a byte order mark, a header row, CRLF line ends, and formula-like
 * cells guarded, so that spreadsheet programs open it as plain text.
 * policy_id is the device's own policy, the one an import sets.
 */
export async function exportAssignments(ctx: AppContext, caller: Caller): Promise<string> {
  requireRole(caller, 'viewer');

  const rows = await ctx.store.assignments.listForExport(deviceScopeFilter(caller));
  const users = await ctx.store.assignments.mapDhis2Users(rows.flatMap((row) => (row.dhis2_user_id === null ? [] : [row.dhis2_user_id])));
  const policyNames = new Map((await ctx.store.policies.list()).map((policy) => [policy.id, policy.name]));

  const records = rows.map((row) => {
    const explicitName = row.explicit_policy_id === null ? null : (policyNames.get(row.explicit_policy_id) ?? null);
    const username = row.dhis2_user_id === null ? null : (users.get(row.dhis2_user_id)?.username ?? null);
    return [row.device_id, row.serial, row.imei, username, row.org_unit_id, row.org_unit_name, row.explicit_policy_id, explicitName].map(
      guardCell,
    );
  });
  return UTF8_BOM + stringify([[...ASSIGNMENT_COLUMNS], ...records], { record_delimiter: 'windows' });
}

import { parse } from 'csv-parse/sync';

import { requireRole, type Caller } from '../../auth/caller.js';
import type { AppContext } from '../../context.js';
import { REQUIRED_IMPORT_COLUMNS, unguardCell, UTF8_BOM } from '../../domain/assignments-csv.js';
import { InvalidInputError } from '../../domain/errors.js';
import type { DeviceRow } from '../../store/schema.js';
import { notifyConfigChanged } from '../agent/notify.js';
import { inTransaction } from '../agent/transaction.js';
import { orgUnitVisibleTo } from './device-scope.js';
import { recomputeEffectivePolicies } from './org-unit-policy-resolution.js';

/** One problem of an import, naming the row (1 is the header) and the column. */
export interface ImportProblem {
  row: number;
  column: string;
  message: string;
}

export interface PlannedChange {
  row: number;
  deviceId: string;
  changes: Partial<Record<'dhis2UserId' | 'orgUnitId' | 'policyId', { from: string | null; to: string | null }>>;
}

export interface ImportResult {
  dryRun: boolean;
  applied: boolean;
  rows: number;
  changes: PlannedChange[];
}

/** A training session's sheet stays far below this; larger files are split. */
export const MAX_IMPORT_ROWS = 20_000;

/**
 * Imports device assignments from CSV. Every row is checked first; if any
 * row has a problem nothing is applied and the error lists each problem by
 * row and column. With dryRun the planned changes are returned unapplied.
 *
 * Per row, device_id finds the device, or serial and then imei when it is
 * empty. dhis2_username assigns the health worker, and an empty cell
 * removes the assignment. org_unit_id moves the device, and an empty cell
 * keeps its unit. An optional policy_id column sets the device's own
 * policy, and an empty cell removes it.
 */
export async function importAssignments(ctx: AppContext, caller: Caller, input: { csv: string; dryRun: boolean }): Promise<ImportResult> {
  requireRole(caller, 'operator');

  const { header, records } = parseSheet(input.csv);
  const problems: ImportProblem[] = [];
  for (const column of REQUIRED_IMPORT_COLUMNS) {
    if (!header.includes(column)) {
      problems.push({ row: 1, column, message: `Row 1 (header): the column "${column}" is missing. Export a sheet to see every column.` });
    }
  }
  if (problems.length > 0) throw importFailed(problems);

  const plan = await planChanges(ctx, caller, header, records, problems);
  if (problems.length > 0) throw importFailed(problems);
  if (input.dryRun) return { dryRun: true, applied: false, rows: records.length, changes: plan.map((item) => item.change) };

  const now = ctx.now();
  const woken = await inTransaction(ctx, async (store) => {
    const changedIds: string[] = [];
    for (const { change, device } of plan) {
      const { dhis2UserId, orgUnitId, policyId } = change.changes;
      if (dhis2UserId) await store.assignments.setDeviceUser(device.id, dhis2UserId.to, now);
      if (orgUnitId) await store.devices.update(device.id, { org_unit_id: orgUnitId.to, updated_at: now });
      if (policyId) await store.orgUnitPolicies.setExplicit(device.id, policyId.to);
      changedIds.push(...(await recomputeEffectivePolicies(store, now, { devicePk: device.id })));
    }
    await store.audit.record(
      {
        actor: caller.username,
        action: 'assignments.import',
        targetType: 'device',
        details: { rows: records.length, devicesChanged: plan.length, changes: plan.map((item) => ({ deviceId: item.change.deviceId, ...item.change.changes })) },
      },
      now,
    );
    return changedIds;
  });
  notifyConfigChanged(ctx, woken);
  return { dryRun: false, applied: true, rows: records.length, changes: plan.map((item) => item.change) };
}

function parseSheet(csv: string): { header: string[]; records: Array<Record<string, string>> } {
  const text = csv.startsWith(UTF8_BOM) ? csv.slice(1) : csv;
  let rows: string[][];
  try {
    rows = parse(text, { relax_column_count: true, skip_empty_lines: true }) as string[][];
  } catch (error) {
    const where = (error as { lines?: number }).lines;
    throw new InvalidInputError(
      `The file is not valid CSV${where ? ` near line ${where}` : ''}: ${(error as Error).message}. Save it as CSV (comma-separated, UTF-8) and try again.`,
      'body.csv',
    );
  }
  const [first, ...rest] = rows;
  if (!first) throw new InvalidInputError('The file is empty: it needs a header row and one row per device.', 'body.csv');
  if (rest.length > MAX_IMPORT_ROWS) {
    throw new InvalidInputError(`The file has ${rest.length} rows; import at most ${MAX_IMPORT_ROWS} at a time.`, 'body.csv');
  }

  const header = first.map((cell) => unguardCell(cell).toLowerCase());
  const records = rest.map((row) => Object.fromEntries(header.map((column, index) => [column, unguardCell(row[index])])));
  return { header, records };
}

interface PlanItem {
  change: PlannedChange;
  device: DeviceRow;
}

async function planChanges(
  ctx: AppContext,
  caller: Caller,
  header: readonly string[],
  records: ReadonlyArray<Record<string, string>>,
  problems: ImportProblem[],
): Promise<PlanItem[]> {
  const plan: PlanItem[] = [];
  const serialRows = new Map<string, number>();
  const deviceRows = new Map<string, number>();
  const withPolicy = header.includes('policy_id');

  for (const [index, record] of records.entries()) {
    const row = index + 2;
    const problem = (column: string, message: string) => problems.push({ row, column, message: `Row ${row}, column ${column}: ${message}` });

    const serial = record.serial ?? '';
    if (serial !== '') {
      const earlier = serialRows.get(serial);
      if (earlier !== undefined) problem('serial', `the serial ${serial} is also on row ${earlier}; keep one row per phone.`);
      else serialRows.set(serial, row);
    }

    const device = await findDevice(ctx, caller, record);
    if (!device) {
      const given = record.device_id || serial || record.imei || '';
      let column = 'imei';
      if (record.device_id) column = 'device_id';
      else if (serial) column = 'serial';
      problem(column, given === '' ? 'no device_id, serial or imei to find the phone by; fill one in.' : `no device ${given} is known; check it against an export.`);
      continue;
    }
    if (record.device_id && serial !== '' && device.serial !== null && device.serial !== serial) {
      problem('serial', `the serial ${serial} is not that of device ${device.device_id} (${device.serial}); fix one of the two cells.`);
    }
    const earlierDevice = deviceRows.get(device.id);
    if (earlierDevice !== undefined) problem('device_id', `the device ${device.device_id} is also on row ${earlierDevice}; keep one row per phone.`);
    deviceRows.set(device.id, row);

    const changes: PlannedChange['changes'] = {};
    const username = record.dhis2_username ?? '';
    const user = username === '' ? null : await ctx.store.assignments.findDhis2UserByUsername(username);
    if (username !== '' && !user) problem('dhis2_username', `no DHIS2 user "${username}" is known; check the spelling or synchronise DHIS2 users.`);
    const userId = user?.uid ?? null;
    if (username === '' || user) {
      if (userId !== device.dhis2_user_id) changes.dhis2UserId = { from: device.dhis2_user_id, to: userId };
    }

    const unitId = record.org_unit_id ?? '';
    if (unitId !== '' && unitId !== device.org_unit_id) {
      const unit = await ctx.store.orgUnits.findById(unitId);
      if (!unit || !(await orgUnitVisibleTo(ctx, caller, unitId))) problem('org_unit_id', `no org unit ${unitId} is known within your scope.`);
      else changes.orgUnitId = { from: device.org_unit_id, to: unitId };
    }

    if (withPolicy) {
      const policyId = record.policy_id === '' || record.policy_id === undefined ? null : record.policy_id;
      if (policyId !== null && !(await ctx.store.policies.findById(policyId))) problem('policy_id', `no policy ${policyId} is known; take the id from the policy list.`);
      else if (policyId !== device.explicit_policy_id) changes.policyId = { from: device.explicit_policy_id, to: policyId };
    }

    if (Object.keys(changes).length > 0) plan.push({ change: { row, deviceId: device.device_id, changes }, device });
  }
  return plan;
}

/** Finds the row's device by device_id, else serial, else imei; devices outside the scope count as unknown. */
async function findDevice(ctx: AppContext, caller: Caller, record: Record<string, string>): Promise<DeviceRow | undefined> {
  let device: DeviceRow | undefined;
  if (record.device_id) device = await ctx.store.devices.findByDeviceId(record.device_id);
  else if (record.serial || record.imei) device = await ctx.store.devices.findByHardwareId([record.serial ?? '', record.imei ?? '']);

  if (!device || !(await orgUnitVisibleTo(ctx, caller, device.org_unit_id))) return undefined;
  return device;
}

function importFailed(problems: ImportProblem[]): InvalidInputError {
  const shown = problems.slice(0, 20).map((problem) => problem.message);
  const more = problems.length > shown.length ? ` …and ${problems.length - shown.length} more.` : '';
  const error = new InvalidInputError(
    `Nothing was imported: ${problems.length} problem${problems.length === 1 ? '' : 's'} to fix. ${shown.join(' ')}${more}`,
    'body.csv',
  );
  return Object.assign(error, { problems });
}

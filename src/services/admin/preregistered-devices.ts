import { parse } from 'csv-parse/sync';

import { requireFleetScope, requireRole, type Caller } from '../../auth/caller.js';
import type { AppContext } from '../../context.js';
import { InvalidInputError, NotFoundError, UnsupportedMediaTypeError } from '../../domain/errors.js';
import { usableHardwareId } from '../../domain/hardware-id.js';
import type { NewPreregisteredDevice } from '../../store/repositories/preregistered-devices.js';
import type { Store } from '../../store/store.js';

export interface PreregisteredDeviceView {
  hardwareId: string;
  label: string;
  createdAt: number;
  createdBy: string | null;
}

export interface RowError {
  /** Line number in the CSV file, counting from 1, or the index in a JSON list. */
  row: number;
  value: string;
  message: string;
}

export interface PreregistrationResult {
  /** Values newly listed. */
  added: number;
  /** Valid values that were listed already. */
  alreadyListed: number;
  /** Rows that were not imported, each with the reason. */
  errors: RowError[];
}

// Serials are at most 20 characters and IMEIs 15 digits; 64 leaves room for
// vendor formats while keeping a wrong column (an address, a note) out.
export const MAX_HARDWARE_ID_LENGTH = 64;
export const MAX_LABEL_LENGTH = 200;
// A national programme buys tens of thousands of phones at most; one upload
// of 100,000 rows covers it and bounds the time one request takes.
export const MAX_PREREGISTRATION_ROWS = 100_000;
/** Column headers taken as a header row rather than a value. */
const HEADER_NAMES = new Set(['serial', 'imei', 'serial_or_imei', 'hardware_id', 'hardwareid']);

/** Returns whether any of the phone's usable serials and IMEIs is listed. */
export async function isPreregistered(store: Store, hardwareIds: readonly string[]): Promise<boolean> {
  return store.preregisteredDevices.containsAny(hardwareIds);
}

export async function listPreregisteredDevices(
  ctx: AppContext,
  caller: Caller,
  query: { limit: number; cursor?: string },
): Promise<{ total: number; items: PreregisteredDeviceView[]; nextCursor: string | null }> {
  requireRole(caller, 'viewer');

  const rows = await ctx.store.preregisteredDevices.list(query.limit + 1, query.cursor);
  const page = rows.slice(0, query.limit);
  const items = page.map((row) => ({ hardwareId: row.hardware_id, label: row.label, createdAt: row.created_at, createdBy: row.created_by }));
  const nextCursor = rows.length > query.limit ? (page[page.length - 1]?.hardware_id ?? null) : null;
  return { total: await ctx.store.preregisteredDevices.count(), items, nextCursor };
}

/** Lists the given serials and IMEIs; invalid entries are reported by index and skipped. */
export async function addPreregisteredDevices(
  ctx: AppContext,
  caller: Caller,
  entries: ReadonlyArray<{ hardwareId: string; label?: string }>,
): Promise<PreregistrationResult> {
  requireRole(caller, 'admin');
  requireFleetScope(caller, 'Pre-registering phones');

  const rows = entries.map((entry, index) => ({ row: index, value: entry.hardwareId, label: entry.label ?? '' }));
  return saveRows(ctx, caller, rows, 'json');
}

/**
 * Imports a CSV file whose first column is a serial or IMEI and whose
 * optional second column is a label. A first row naming the column (serial,
 * imei, serial_or_imei or hardware_id) is skipped. Invalid rows are
 * reported by line number and skipped; the valid rows are imported.
 */
export async function importPreregisteredCsv(ctx: AppContext, caller: Caller, csvText: unknown): Promise<PreregistrationResult> {
  requireRole(caller, 'admin');
  requireFleetScope(caller, 'Pre-registering phones');
  // The route reads text/csv bodies as strings; any other type arrives parsed or empty.
  if (typeof csvText !== 'string') {
    throw new UnsupportedMediaTypeError('Send the file with Content-Type: text/csv; other bodies are not read as CSV.');
  }

  let records: Array<{ record: string[]; info: { lines: number } }>;
  try {
    // With `info`, each record comes with its position; the typings do not express that.
    const options = { info: true, relax_column_count: true, skip_empty_lines: true, trim: true, bom: true };
    records = parse(csvText, options) as unknown as typeof records;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new InvalidInputError(`The CSV file cannot be read: ${reason}. Save it as comma-separated text and upload it again.`, 'body');
  }
  if (records.length > MAX_PREREGISTRATION_ROWS + 1) {
    throw new InvalidInputError(
      `The CSV file has ${records.length} rows, more than the ${MAX_PREREGISTRATION_ROWS} one upload takes; split it into smaller files.`,
      'body',
    );
  }

  const first = records[0]?.record[0]?.toLowerCase();
  const values = first !== undefined && HEADER_NAMES.has(first) ? records.slice(1) : records;
  const rows = values.map(({ record, info }) => ({ row: info.lines, value: record[0] ?? '', label: record[1] ?? '' }));
  return saveRows(ctx, caller, rows, 'csv');
}

/** Deletes one listed value; a phone already enrolled with it stays enrolled. */
export async function removePreregisteredDevice(ctx: AppContext, caller: Caller, hardwareId: string): Promise<void> {
  requireRole(caller, 'admin');
  requireFleetScope(caller, 'Removing a pre-registered phone');

  if (!(await ctx.store.preregisteredDevices.remove(hardwareId.trim()))) {
    throw new NotFoundError(`Serial or IMEI ${JSON.stringify(hardwareId)} is not listed. Take the value from the list.`, 'params.hardwareId');
  }
  await ctx.store.audit.record(
    { actor: caller.username, action: 'enrolment.preregistered.remove', targetType: 'preregistered_device', targetId: hardwareId.trim() },
    ctx.now(),
  );
}

async function saveRows(
  ctx: AppContext,
  caller: Caller,
  rows: ReadonlyArray<{ row: number; value: string; label: string }>,
  source: 'csv' | 'json',
): Promise<PreregistrationResult> {
  const errors: RowError[] = [];
  const valid: NewPreregisteredDevice[] = [];
  const seen = new Set<string>();

  for (const { row, value, label } of rows) {
    const problem = rowProblem(value, label, seen);
    if (problem) {
      errors.push({ row, value, message: problem });
      continue;
    }
    const hardwareId = value.trim();
    seen.add(hardwareId);
    valid.push({ hardwareId, label: label.trim() });
  }

  const now = ctx.now();
  const added = await ctx.store.preregisteredDevices.insertMany(valid, caller.username, now);
  const result = { added, alreadyListed: valid.length - added, errors };
  await ctx.store.audit.record(
    {
      actor: caller.username,
      action: 'enrolment.preregistered.add',
      targetType: 'preregistered_device',
      details: { source, added, alreadyListed: result.alreadyListed, rejectedRows: errors.length },
    },
    now,
  );
  return result;
}

function rowProblem(value: string, label: string, seen: ReadonlySet<string>): string | null {
  const trimmed = value.trim();
  if (trimmed === '') return 'Missing serial or IMEI: the first column is empty.';
  if (trimmed.length > MAX_HARDWARE_ID_LENGTH) {
    return `Invalid serial or IMEI: longer than ${MAX_HARDWARE_ID_LENGTH} characters; check that the first column holds the serial or IMEI.`;
  }
  if (usableHardwareId(trimmed) === null) {
    return 'Invalid serial or IMEI: too short or a placeholder such as "unknown" or a run of one digit, which cannot identify one phone.';
  }
  if (seen.has(trimmed)) return 'Duplicate serial or IMEI: it appears earlier in the same upload.';
  if (label.trim().length > MAX_LABEL_LENGTH) return `Invalid label: longer than ${MAX_LABEL_LENGTH} characters; shorten it.`;
  return null;
}

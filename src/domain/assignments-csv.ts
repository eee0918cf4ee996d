/** Columns of the assignment sheet, in export order. */
export const ASSIGNMENT_COLUMNS = [
  'device_id',
  'serial',
  'imei',
  'dhis2_username',
  'org_unit_id',
  'org_unit_name',
  'policy_id',
  'policy_name',
] as const;

export type AssignmentColumn = (typeof ASSIGNMENT_COLUMNS)[number];

/** Columns an import must have; the rest are optional or only informative. */
export const REQUIRED_IMPORT_COLUMNS: readonly AssignmentColumn[] = ['device_id', 'serial', 'dhis2_username', 'org_unit_id'];

/** A UTF-8 byte order mark, so spreadsheet programs read the file as UTF-8. */
export const UTF8_BOM = '\uFEFF';

// Spreadsheet programs run a cell that starts with one of these as a formula.
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * Makes a cell safe to open in a spreadsheet: text that a spreadsheet would
 * run as a formula gets a leading apostrophe, which shows it as text.
 */
export function guardCell(value: string | null): string {
  if (value === null) return '';
  return FORMULA_START.test(value) ? `'${value}` : value;
}

/** Undoes guardCell on an imported cell, and trims spaces around it. */
export function unguardCell(value: string | undefined): string {
  const trimmed = (value ?? '').trim();
  return trimmed.startsWith("'") && FORMULA_START.test(trimmed.slice(1)) ? trimmed.slice(1) : trimmed;
}

/** File formats of location exports. */
export type ExportFormat = 'geojson' | 'csv';

export const EXPORT_FORMATS: readonly ExportFormat[] = ['geojson', 'csv'];

// Characters that make a spreadsheet program read a cell as a formula. Tab
// and carriage return are included because some programs strip them and
// then read the next character as the start of the cell.
const FORMULA_PREFIXES = ['=', '+', '-', '@', '\t', '\r'];

/**
 * Makes a text cell safe to open in a spreadsheet program: a value that
 * starts with a formula character gets a leading apostrophe, which the
 * programs hide and which turns the cell into plain text. Only text that
 * came from a device or a user passes through here. Numeric columns are
 * written as numbers, so a negative longitude stays a number.
 */
export function guardSpreadsheetText(value: string | null): string {
  if (value === null) return '';
  return FORMULA_PREFIXES.some((prefix) => value.startsWith(prefix)) ? `'${value}` : value;
}

/** ISO 8601 in UTC with milliseconds, or '' for null. */
export function isoUtc(epochMs: number | null): string {
  return epochMs === null ? '' : new Date(epochMs).toISOString();
}

/** Reduces text to letters, digits, dots, dashes and underscores, for use in a file name. */
export function fileNamePart(text: string): string {
  const cleaned = text.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^[._]+/, '');
  return cleaned.slice(0, 80) || 'device';
}

// Values that phones report when the real serial or IMEI is hidden or
// missing. Matching on them would merge the records of different phones.
const PLACEHOLDER_IDS = new Set(['unknown', 'null', 'none', 'n/a', 'nosim', '0123456789abcdef', '0123456789']);

// Android serials are 8 to 16 characters and IMEIs 15 digits; anything
// shorter than 5 is a placeholder or a truncated value.
const MIN_HARDWARE_ID_LENGTH = 5;

/**
 * Returns the trimmed serial or IMEI when it can identify one phone, or
 * null for empty values, placeholders and runs of one repeated character
 * such as "000000000000000".
 */
export function usableHardwareId(value: string | null | undefined): string | null {
  const trimmed = value?.trim() ?? '';
  if (trimmed.length < MIN_HARDWARE_ID_LENGTH) return null;
  if (PLACEHOLDER_IDS.has(trimmed.toLowerCase())) return null;
  if (/^(.)\1*$/.test(trimmed)) return null;
  return trimmed;
}

/** Returns the usable, distinct values among the given serials and IMEIs. */
export function usableHardwareIds(values: ReadonlyArray<string | null | undefined>): string[] {
  const usable = values.map(usableHardwareId).filter((value): value is string => value !== null);
  return [...new Set(usable)];
}

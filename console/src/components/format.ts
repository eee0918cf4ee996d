import i18n from '@dhis2/d2-i18n';

const BYTES_PER_KIB = 1024;
const SIZE_UNITS = ['B', 'KB', 'MB', 'GB'];

/** Date and time in the console language, or a dash for null. */
export function formatTime(epochMs: number | null | undefined): string {
  if (epochMs === null || epochMs === undefined) return '–';
  return new Intl.DateTimeFormat(i18n.language, { dateStyle: 'medium', timeStyle: 'short' }).format(epochMs);
}

/** Returns the viewer's IANA time zone, such as Africa/Freetown, as the browser reports it. */
export function viewerTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone;
}

/** Date and time in the viewer's time zone with the zone's short name, such as "1 Mar 2026, 08:00 GMT". */
export function formatZonedTime(epochMs: number | null | undefined): string {
  if (epochMs === null || epochMs === undefined) return '–';
  const format = new Intl.DateTimeFormat(i18n.language, { dateStyle: 'medium', timeStyle: 'short', timeZone: viewerTimeZone() });
  const zone = new Intl.DateTimeFormat(i18n.language, { timeZoneName: 'short', timeZone: viewerTimeZone() })
    .formatToParts(epochMs)
    .find((part) => part.type === 'timeZoneName')?.value;
  return zone ? `${format.format(epochMs)} ${zone}` : format.format(epochMs);
}

/** Value for an <input type="datetime-local">: the time in the viewer's zone, to the minute. */
export function toLocalInputValue(epochMs: number): string {
  const date = new Date(epochMs);
  const pad = (value: number) => String(value).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/** Reads an <input type="datetime-local"> value as a time in the viewer's zone; null when empty or invalid. */
export function fromLocalInputValue(value: string): number | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(value);
  if (!match) return null;
  const [year, month, day, hour, minute] = match.slice(1).map(Number) as [number, number, number, number, number];
  const epochMs = new Date(year, month - 1, day, hour, minute).getTime();
  return Number.isNaN(epochMs) ? null : epochMs;
}

const RELATIVE_STEPS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['second', 60],
  ['minute', 60],
  ['hour', 24],
  ['day', 30],
  ['month', 12],
  ['year', Number.POSITIVE_INFINITY],
];

/** Time relative to `now`, such as "5 minutes ago"; a dash for null. */
export function formatRelative(epochMs: number | null | undefined, now = Date.now()): string {
  if (epochMs === null || epochMs === undefined) return '–';
  let amount = (epochMs - now) / 1000;
  for (const [unit, perNextUnit] of RELATIVE_STEPS) {
    if (Math.abs(amount) < perNextUnit) {
      return new Intl.RelativeTimeFormat(i18n.language, { numeric: 'auto' }).format(Math.round(amount), unit);
    }
    amount /= perNextUnit;
  }
  return formatTime(epochMs);
}

/** Size in binary units with one decimal, such as "2.9 MB". */
export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= BYTES_PER_KIB && unit < SIZE_UNITS.length - 1) {
    value /= BYTES_PER_KIB;
    unit += 1;
  }
  const digits = unit === 0 ? 0 : 1;
  return `${new Intl.NumberFormat(i18n.language, { maximumFractionDigits: digits }).format(value)} ${SIZE_UNITS[unit]}`;
}

export function formatPercent(value: number | null | undefined): string {
  if (value === null || value === undefined) return '–';
  return `${value}%`;
}

export function orDash(value: string | number | null | undefined): string {
  return value === null || value === undefined || value === '' ? '–' : String(value);
}

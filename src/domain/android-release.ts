// API level of each Android release string the agent reports as
// androidVersion (Build.VERSION.RELEASE). Release "12" covers API 31 and
// 32 (12L), so the lower level is used: a minSdk check then errs on the
// side of not offering an app.
const API_LEVEL_BY_RELEASE: ReadonlyArray<[string, number]> = [
  ['4.4', 19],
  ['5.0', 21],
  ['5.1', 22],
  ['6.0', 23],
  ['7.0', 24],
  ['7.1', 25],
  ['8.0', 26],
  ['8.1', 27],
  ['9', 28],
  ['10', 29],
  ['11', 30],
  ['12', 31],
  ['13', 33],
  ['14', 34],
  ['15', 35],
  ['16', 36],
];

/**
 * Returns the API level of an Android release such as "8.1.0" or "14", or
 * null for a release this table does not list.
 */
export function apiLevelOfRelease(release: string | null | undefined): number | null {
  const match = /^(\d+)(?:\.(\d+))?/.exec(release?.trim() ?? '');
  if (!match) return null;

  const major = match[1] ?? '';
  const minor = match[2] ?? '0';
  for (const [known, level] of API_LEVEL_BY_RELEASE) {
    if (known === major || known === `${major}.${minor}`) return level;
  }
  return null;
}

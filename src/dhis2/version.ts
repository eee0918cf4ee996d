/** The DHIS2 releases Outpost is tested against. */
export const OLDEST_SUPPORTED_MINOR = 38;
export const NEWEST_TESTED_MINOR = 43;

export interface Dhis2Version {
  text: string;
  major: number;
  minor: number;
}

/** Reads '2.40.2.2', '2.43-SNAPSHOT' or '2.41.3-rc1'; null for anything else. */
export function parseDhis2Version(text: unknown): Dhis2Version | null {
  if (typeof text !== 'string') return null;
  const match = /^(\d+)\.(\d+)/.exec(text.trim());
  if (!match) return null;
  return { text: text.trim(), major: Number(match[1]), minor: Number(match[2]) };
}

export type VersionSupport = 'supported' | 'too_old' | 'newer';

export function versionSupport(version: Dhis2Version): VersionSupport {
  if (version.major < 2 || (version.major === 2 && version.minor < OLDEST_SUPPORTED_MINOR)) return 'too_old';
  if (version.major > 2 || version.minor > NEWEST_TESTED_MINOR) return 'newer';
  return 'supported';
}

/** DHIS2 2.42 dropped the userCredentials object; before it, account fields may sit there. */
export function hasUserCredentialsObject(version: Dhis2Version): boolean {
  return version.major === 2 && version.minor < 42;
}

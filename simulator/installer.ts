// App installation as the agent decides it from the config's `applications`:
// which entries to remove and which to download, and the Repr-Digest check.

/** One entry of ServerConfig.applications. Every field may be missing. */
export interface ConfigApplication {
  type?: string | null;
  name?: string | null;
  pkg?: string | null;
  version?: string | null;
  code?: number | null;
  url?: string | null;
  remove?: boolean | null;
  skipVersion?: boolean | null;
}

/** An app present on the simulated phone. */
export interface InstalledPackage {
  name: string;
  versionName: string | null;
  /** Null when the simulator does not know it, e.g. an agent provisioned without an APK. */
  versionCode: number | null;
}

export type InstalledPackages = Map<string, InstalledPackage>;

export interface InstallPlan {
  remove: string[];
  install: ConfigApplication[];
}

/**
 * Decides what the agent does with the config's app list. An app entry is
 * installed when its type is "app" (or missing), its URL is http(s), and its
 * version differs from the installed one: versionCodes are compared when the
 * entry's `code` is non-zero, version names otherwise. Version "0" and
 * `skipVersion` accept any installed version. A lower versionCode is
 * installed only when the same config removes the installed version.
 */
export function planInstall(applications: readonly ConfigApplication[], installed: InstalledPackages): InstallPlan {
  const remove: string[] = [];
  const install: ConfigApplication[] = [];

  for (const app of applications) {
    if (!app.pkg || !app.remove) continue;
    const current = installed.get(app.pkg);
    if (current && (isAnyVersion(app.version) || app.version === current.versionName)) remove.push(app.pkg);
  }

  for (const app of applications) {
    if (!app.pkg || app.remove || !isInstallable(app)) continue;

    const current = installed.get(app.pkg);
    if (!current) {
      install.push(app);
      continue;
    }
    if (remove.includes(app.pkg)) {
      install.push(app);
      continue;
    }
    if (app.skipVersion || isAnyVersion(app.version)) continue;

    if (app.code && current.versionCode !== null) {
      if (app.code > current.versionCode) install.push(app);
    } else if (app.version !== current.versionName) {
      install.push(app);
    }
  }
  return { remove, install };
}

function isInstallable(app: ConfigApplication): boolean {
  if (app.type && app.type !== 'app') return false;
  // Entries without a URL are "system apps": an icon only. market:// and
  // file:// URLs open Play or a local file, which the simulator has neither of.
  return typeof app.url === 'string' && /^https?:\/\//i.test(app.url);
}

function isAnyVersion(version: string | null | undefined): boolean {
  return version === undefined || version === null || version === '0';
}

/**
 * Returns the Base64 SHA-256 from a Repr-Digest header (RFC 9530), e.g.
 * `sha-256=:n4bQgYhMfWWaL+qgxVrQFaO/TxsrC4Is0V1sFbDwCgg=:`, or null.
 */
export function sha256FromReprDigest(header: string | null): string | null {
  if (!header) return null;
  for (const member of header.split(',')) {
    const match = /^\s*sha-256\s*=\s*:([A-Za-z0-9+/=]+):\s*$/i.exec(member);
    if (match?.[1]) return match[1];
  }
  return null;
}

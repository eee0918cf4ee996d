import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import { readApk } from '../src/apk/index.js';
import type { FleetHttp } from './http-client.js';
import type { InstalledPackage } from './installer.js';
import type { AgentSettings } from './qr-extras.js';
import type { ServerUrls } from './server-urls.js';

export class ProvisioningError extends Error {}

/**
 * Does what Android's QR provisioning does before the agent first runs:
 * downloads the agent APK named in the QR, checks its SHA-256 against the
 * QR checksum and installs it. The APK is fetched once for the whole fleet,
 * since every phone would get the same bytes. Returns the installed agent,
 * whose version stays unknown when the QR names no APK.
 */
export async function provisionAgentApp(
  http: FleetHttp,
  urls: ServerUrls,
  settings: AgentSettings,
  signal: AbortSignal,
): Promise<InstalledPackage> {
  const unknownVersion = { name: settings.agentPackage, versionName: null, versionCode: null };
  if (!settings.agentApkUrl) return unknownVersion;

  const directory = await mkdtemp(path.join(os.tmpdir(), 'outpost-sim-'));
  const file = path.join(directory, 'agent.apk');
  try {
    const result = await http.download(urls.download(settings.agentApkUrl), {}, signal, file);
    if (result.status !== 200 || result.sha256Base64 === null) {
      throw new ProvisioningError(`Downloading the agent APK ${settings.agentApkUrl} failed with HTTP ${result.status}.`);
    }
    if (settings.agentApkChecksum !== null && !sameDigest(settings.agentApkChecksum, result.sha256Base64)) {
      throw new ProvisioningError(
        `The agent APK at ${settings.agentApkUrl} has SHA-256 ${result.sha256Base64}, but the QR checksum is ` +
          `${settings.agentApkChecksum}; Android would stop provisioning.`,
      );
    }

    const apk = await readApk(file);
    if (apk.packageName !== settings.agentPackage) {
      throw new ProvisioningError(
        `The agent APK contains package ${apk.packageName}, but the QR admin component names ${settings.agentPackage}.`,
      );
    }
    return { name: apk.label ?? apk.packageName, versionName: apk.versionName, versionCode: apk.versionCode };
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}

/** Compares a URL-safe or standard Base64 digest, with or without padding. */
function sameDigest(a: string, b: string): boolean {
  const normalise = (text: string) => text.replace(/-/g, '+').replace(/_/g, '/').replace(/=+$/, '');
  return normalise(a) === normalise(b);
}

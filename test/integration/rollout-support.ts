// Helpers for rollout tests: real APKs uploaded through the admin API, and
// phones driven by direct agent-protocol calls over HTTP.
import { readFile } from 'node:fs/promises';

import { AdminClient, type Policy } from '../support/admin-client.js';
import { buildApk, type BuildApkOptions } from '../support/apk-builder.js';
import { startTestServer, TEST_ADMIN_PASSWORD, type TestServer } from '../support/server.js';
import { deviceInfo, enrol, postJson, seedToken, sync } from '../agent-api/helpers.js';

export interface RolloutTestEnv {
  server: TestServer;
  admin: AdminClient;
  /** Current time of the server's injected clock. */
  clock: { now: number };
}

/** Starts a server whose clock the test moves. */
export async function startRolloutEnv(env: Record<string, string> = {}): Promise<RolloutTestEnv> {
  const server = await startTestServer({ env });
  const clock = { now: Date.UTC(2030, 0, 1) };
  server.ctx.now = () => clock.now;
  const admin = await AdminClient.login(server.listenUrl, 'admin', TEST_ADMIN_PASSWORD);
  return { server, admin, clock };
}

export async function uploadBuilt(admin: AdminClient, options: BuildApkOptions) {
  const bytes = await readFile(await buildApk(options));
  return admin.uploadApk(bytes, `${options.packageName}-${options.versionName}.apk`);
}

/** Creates a policy that installs one version of a package. */
export async function policyInstalling(admin: AdminClient, name: string, packageName: string, appVersionId: string): Promise<Policy> {
  return admin.post<Policy>('/policies', { name, apps: [{ packageName, appVersionId, action: 'install' }] });
}

/** A phone that speaks the agent protocol and remembers what it installed. */
export class TestPhone {
  installed = new Map<string, string>();

  constructor(
    readonly server: TestServer,
    readonly deviceId: string,
    readonly androidVersion = '14',
  ) {}

  async enrol(tokenId: string): Promise<void> {
    const response = await enrol(this.server, this.deviceId, tokenId);
    if (response.status !== 200 || response.json?.status !== 'OK') throw new Error(`enrol ${this.deviceId}: ${response.text}`);
    await this.report();
  }

  /** Fetches the configuration and returns its entry for the package, if any. */
  async appEntry(packageName: string): Promise<{ code: number; version: string; url: string } | undefined> {
    const response = await sync(this.server, this.deviceId);
    if (response.status !== 200) throw new Error(`sync ${this.deviceId}: HTTP ${response.status}`);
    const apps = (response.json?.data?.applications ?? []) as Array<{ pkg: string; code: number; version: string; url: string }>;
    return apps.find((app) => app.pkg === packageName);
  }

  async report(): Promise<void> {
    const applications = [...this.installed].map(([pkg, version]) => ({ name: pkg, pkg, version }));
    const response = await postJson(this.server, '/rest/public/sync/info', deviceInfo(this.deviceId, { androidVersion: this.androidVersion, applications }));
    if (response.status !== 200) throw new Error(`info ${this.deviceId}: HTTP ${response.status}`);
  }

  /** Records an install and reports it, as the agent does after installing. */
  async install(packageName: string, versionName: string): Promise<void> {
    this.installed.set(packageName, versionName);
    await this.report();
  }
}

/** Enrols `count` phones with a token for the policy, with `version` of the package installed. */
export async function enrolPhones(
  env: RolloutTestEnv,
  policyId: string,
  count: number,
  prefix: string,
  installed: Record<string, string>,
  androidVersion = '14',
): Promise<TestPhone[]> {
  const tokenId = await seedToken(env.server.ctx, { policyId });
  const phones = Array.from({ length: count }, (_, index) => new TestPhone(env.server, `${prefix}-${String(index).padStart(4, '0')}`, androidVersion));
  for (const phone of phones) for (const [pkg, version] of Object.entries(installed)) phone.installed.set(pkg, version);
  await inBatches(phones, (phone) => phone.enrol(tokenId));
  return phones;
}

// Twenty requests at a time keep the loopback server busy without queueing.
const BATCH_SIZE = 20;

export async function inBatches<T>(items: readonly T[], work: (item: T) => Promise<void>): Promise<void> {
  for (let index = 0; index < items.length; index += BATCH_SIZE) {
    await Promise.all(items.slice(index, index + BATCH_SIZE).map(work));
  }
}

export const HOUR_MS = 3_600_000;

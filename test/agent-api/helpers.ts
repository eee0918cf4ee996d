import { createHash } from 'node:crypto';
import fs from 'node:fs';

import { routePrefix } from '../../src/config.js';
import type { AppContext } from '../../src/context.js';
import { defaultPolicySettings, type PolicySettings } from '../../src/domain/policy-settings.js';
import { newId, newToken } from '../../src/store/ids.js';
import type { PolicyAppEntry } from '../../src/store/repositories/policies.js';
import type { TestServer } from '../support/server.js';

import { FIXTURE_APK } from '../support/fixtures.js';

export { FIXTURE_APK };
export const DEFAULT_SECRET = 'changeme-C3z9vi54';

/** URL of an agent route on the test server, below the project prefix. */
export function agentUrl(server: TestServer, path: string): string {
  return `${server.listenUrl}${routePrefix(server.ctx.config)}${path}`;
}

/** Saves a policy and returns its id. */
export async function seedPolicy(
  ctx: AppContext,
  options: { settings?: Partial<PolicySettings>; apps?: PolicyAppEntry[]; name?: string } = {},
): Promise<string> {
  const id = newId();
  const settings = { ...defaultPolicySettings(), ...options.settings };
  await ctx.store.policies.save(
    { id, name: options.name ?? `policy-${id}`, description: '', settingsJson: JSON.stringify(settings) },
    options.apps ?? [],
    'test',
  );
  return id;
}

export interface SeededVersion {
  id: string;
  fileName: string;
  sha256: string;
  size: number;
  bytes: Buffer;
}

/** Stores an app version whose file is a copy of `source`, as an upload would. */
export async function seedAppVersion(
  ctx: AppContext,
  options: { packageName: string; versionCode: number; versionName: string | null; label?: string },
): Promise<SeededVersion> {
  // Each version needs its own file hash; bytes after the ZIP end do not
  // matter to these tests, which never install the file.
  const fixture = fs.readFileSync(FIXTURE_APK);
  const bytes = Buffer.concat([fixture, Buffer.from(`${options.packageName}:${options.versionCode}`)]);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const blobKey = `${sha256}.apk`;
  fs.writeFileSync(ctx.blobs.pathOf(blobKey), bytes);

  let app = await ctx.store.apps.findAppByPackage(options.packageName);
  if (!app) {
    await ctx.store.apps.insertApp({ id: newId(), packageName: options.packageName, label: options.label ?? null });
    app = await ctx.store.apps.findAppByPackage(options.packageName);
  }

  const id = newId();
  const fileName = `${options.packageName}-${options.versionCode}.apk`;
  await ctx.store.apps.insertVersion({
    id,
    app_id: app!.id,
    version_code: options.versionCode,
    version_name: options.versionName,
    min_sdk: 21,
    target_sdk: 33,
    label: options.label ?? null,
    size: bytes.length,
    file_sha256: sha256,
    signer_sha256: 'ab'.repeat(32),
    signature_schemes: 'v2',
    blob_key: blobKey,
    file_name: fileName,
    created_at: Date.now(),
    created_by: 'test',
  });
  return { id, fileName, sha256, size: bytes.length, bytes };
}

/** Creates an enrolment token and returns its id. */
export async function seedToken(
  ctx: AppContext,
  options: {
    policyId: string;
    orgUnitId?: string | null;
    usesLeft?: number | null;
    expiresAt?: number | null;
    presetDeviceId?: string | null;
  },
): Promise<string> {
  const id = newToken();
  await ctx.store.enrolment.insert({
    id,
    policyId: options.policyId,
    orgUnitId: options.orgUnitId ?? null,
    presetDeviceId: options.presetDeviceId ?? null,
    label: 'test',
    expiresAt: options.expiresAt ?? null,
    usesLeft: options.usesLeft ?? null,
    createdBy: 'test',
  });
  return id;
}

export interface AgentResponse {
  status: number;
  headers: Headers;
  text: string;
  json: any;
}

async function toAgentResponse(response: Response): Promise<AgentResponse> {
  const text = await response.text();
  let json: unknown = null;
  try {
    json = text === '' ? null : JSON.parse(text);
  } catch {
    json = null;
  }
  return { status: response.status, headers: response.headers, text, json };
}

/** Posts the enrol request as the agent does, with the token as `configuration`. */
export async function enrol(server: TestServer, deviceId: string, tokenId: string | null): Promise<AgentResponse> {
  const response = await fetch(agentUrl(server, `/rest/public/sync/configuration/${encodeURIComponent(deviceId)}`), {
    method: 'POST',
    headers: { 'content-type': 'application/json; charset=UTF-8' },
    body: JSON.stringify({ customer: null, configuration: tokenId, groups: null, groupSet: null }),
  });
  return toAgentResponse(response);
}

/** Fetches the configuration as a later sync does. */
export async function sync(server: TestServer, deviceId: string): Promise<AgentResponse> {
  const response = await fetch(agentUrl(server, `/rest/public/sync/configuration/${encodeURIComponent(deviceId)}`));
  return toAgentResponse(response);
}

/** Posts JSON to an agent route. */
export async function postJson(server: TestServer, path: string, body: unknown): Promise<AgentResponse> {
  const response = await fetch(agentUrl(server, path), {
    method: 'POST',
    headers: { 'content-type': 'application/json; charset=UTF-8' },
    body: JSON.stringify(body),
  });
  return toAgentResponse(response);
}

/** Reads an agent route. */
export async function get(server: TestServer, path: string, headers: Record<string, string> = {}): Promise<AgentResponse> {
  return toAgentResponse(await fetch(agentUrl(server, path), { headers }));
}

/** Builds a device report as the open-source agent sends it. */
export function deviceInfo(deviceId: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    deviceId,
    model: 'Pixel 6a',
    androidVersion: '14',
    cpu: 'arm64-v8a',
    batteryLevel: 81,
    batteryCharging: 'usb',
    mdmMode: true,
    kioskMode: false,
    launcherType: 'opensource',
    launcherPackage: 'com.google.android.apps.nexuslauncher',
    defaultLauncher: false,
    permissions: [1, 1, 0, 0],
    applications: [],
    files: [],
    ...extra,
  };
}

import { createHash } from 'node:crypto';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { RolloutProgress } from '../../src/services/rollouts/rollout-progress.js';
import type { RolloutView } from '../../src/services/rollouts/rollout-view.js';
import { enrolPhones, HOUR_MS, policyInstalling, startRolloutEnv, uploadBuilt, type RolloutTestEnv, type TestPhone } from './rollout-support.js';

const PACKAGE = 'org.example.download';

let env: RolloutTestEnv;
let phone: TestPhone;
let rollout: RolloutView;
let target: { fileSha256: string; size: number };
let offerUrl: string;

beforeAll(async () => {
  env = await startRolloutEnv();
  const v1 = await uploadBuilt(env.admin, { packageName: PACKAGE, versionCode: 1, versionName: '1.0', keyName: 'dl' });
  const v2 = await uploadBuilt(env.admin, { packageName: PACKAGE, versionCode: 2, versionName: '2.0', keyName: 'dl', label: 'A label that pads the file a little' });
  target = v2.version;
  const policy = await policyInstalling(env.admin, 'Download phones', PACKAGE, v1.version.id);
  [phone] = (await enrolPhones(env, policy.id, 1, 'dl', { [PACKAGE]: '1.0' })) as [TestPhone];
  rollout = await env.admin.post<RolloutView>('/rollouts', {
    packageName: PACKAGE,
    versionCode: 2,
    stages: [{ startsAt: env.clock.now + HOUR_MS, percent: 100, failureThreshold: 50 }],
    start: true,
  });
  env.clock.now += HOUR_MS;
}, 60_000);

afterAll(async () => {
  await env?.server.dispose();
});

/** Reads up to `limit` bytes of a response body, then drops the connection. */
async function readPart(response: Response, limit: number): Promise<Buffer> {
  const reader = response.body!.getReader();
  const chunks: Buffer[] = [];
  let length = 0;
  while (length < limit) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(Buffer.from(value));
    length += value.length;
  }
  await reader.cancel();
  return Buffer.concat(chunks).subarray(0, limit);
}

describe('rollout downloads', () => {
  it('resumes a download cut at 40 %', async () => {
    const entry = await phone.appEntry(PACKAGE);
    expect(entry?.code).toBe(2);
    expect(entry!.url).toContain(`/${phone.deviceId}/`);
    offerUrl = entry!.url;

    const cutAt = Math.floor(target.size * 0.4);
    const first = await fetch(entry!.url);
    expect(first.status).toBe(200);
    const head = await readPart(first, cutAt);
    const etag = first.headers.get('etag')!;

    const rest = await fetch(entry!.url, { headers: { range: `bytes=${cutAt}-`, 'if-range': etag } });
    expect(rest.status).toBe(206);
    expect(rest.headers.get('content-range')).toBe(`bytes ${cutAt}-${target.size - 1}/${target.size}`);
    const tail = Buffer.from(await rest.arrayBuffer());

    const whole = Buffer.concat([head, tail]);
    expect(whole.length).toBe(target.size);
    expect(createHash('sha256').update(whole).digest('hex')).toBe(target.fileSha256);
  });

  it('counts bytes and marks the phone downloading', async () => {
    let progress = await env.admin.get<RolloutProgress>(`/rollouts/${rollout.id}/progress`);
    for (let attempt = 0; attempt < 20 && progress.dataCost.servedBytes < target.size; attempt += 1) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      progress = await env.admin.get<RolloutProgress>(`/rollouts/${rollout.id}/progress`);
    }

    expect(progress.devices.items[0]!.status).toBe('downloading');
    expect(progress.dataCost.servedBytes).toBeGreaterThanOrEqual(target.size);
    // Disk reads may run one stream buffer (64 KiB) ahead of a dropped connection.
    expect(progress.dataCost.servedBytes).toBeLessThanOrEqual(target.size + 64 * 1024);
    expect(progress.dataCost.estimatedBytes).toBe(target.size);
  });

  it.each(['bytes=abc', 'bytes=1-2-3', 'bytes=0x10-20', `bytes=99999999-`])('answers %s with 416', async (range) => {
    const response = await fetch(offerUrl, { headers: { range } });
    expect(response.status).toBe(416);
    expect(response.headers.get('content-range')).toBe(`bytes */${target.size}`);
  });

  it('marks the phone installed once it reports the target', async () => {
    await phone.install(PACKAGE, '2.0');
    const progress = await env.admin.get<RolloutProgress>(`/rollouts/${rollout.id}/progress`);
    expect(progress.devices.items[0]!.status).toBe('installed');
    expect(progress.dataCost.devicesToDownload).toBe(0);
  });
});

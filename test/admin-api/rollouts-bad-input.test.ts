import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { AdminApiError } from '../support/admin-client.js';
import { enrolPhones, HOUR_MS, policyInstalling, startRolloutEnv, uploadBuilt, type RolloutTestEnv } from '../integration/rollout-support.js';

let env: RolloutTestEnv;

beforeAll(async () => {
  env = await startRolloutEnv();
  const v1 = await uploadBuilt(env.admin, { packageName: 'org.example.bad', versionCode: 10, versionName: '1.0', keyName: 'bad' });
  await uploadBuilt(env.admin, { packageName: 'org.example.bad', versionCode: 20, versionName: '2.0', keyName: 'bad' });
  await uploadBuilt(env.admin, { packageName: 'org.example.bad', versionCode: 30, versionName: '3.0', keyName: 'bad' });
  const policy = await policyInstalling(env.admin, 'Bad input phones', 'org.example.bad', v1.version.id);
  await enrolPhones(env, policy.id, 2, 'bad', { 'org.example.bad': '2.0' });
}, 120_000);

afterAll(async () => {
  await env?.server.dispose();
});

async function rejection(body: Record<string, unknown>): Promise<AdminApiError> {
  try {
    await env.admin.post('/rollouts', body);
  } catch (error) {
    if (error instanceof AdminApiError) return error;
    throw error;
  }
  throw new Error(`rollout ${JSON.stringify(body)} was accepted`);
}

/** A stage as [hours from now, percent]; built when a test runs, after the clock exists. */
type StagePlan = [number, number];

function stages(plans: readonly StagePlan[]) {
  return plans.map(([offsetHours, percent]) => ({ startsAt: env.clock.now + offsetHours * HOUR_MS, percent, failureThreshold: 10 }));
}

describe('rollout creation', () => {
  it.each([
    ['target below installed', { versionCode: 10, stages: [[1, 100]] }, 409, 'target_below_installed', /lower than what 2 device\(s\) in scope run/],
    ['shares not rising', { versionCode: 30, stages: [[1, 50], [2, 50]] }, 400, 'invalid_request', /shares must rise/],
    ['start in the past', { versionCode: 30, stages: [[-1, 50]] }, 400, 'invalid_request', /in the past/],
    ['start times out of order', { versionCode: 30, stages: [[2, 10], [1, 50]] }, 400, 'invalid_request', /start times must rise/],
    ['no stages', { versionCode: 30, stages: [] }, 400, 'invalid_request', /at least one stage/],
    ['share over 100', { versionCode: 30, stages: [[1, 150]] }, 400, 'invalid_request', /percent/],
    ['unknown version', { versionCode: 99, stages: [[1, 100]] }, 404, 'not_found', /versionCodes are 30, 20, 10/],
    ['unknown policy in scope', { versionCode: 30, scope: { policyIds: ['nope'] }, stages: [[1, 100]] }, 400, 'invalid_request', /Policy nope/],
  ] as Array<[string, { stages: StagePlan[] } & Record<string, unknown>, number, string, RegExp]>)('rejects %s', async (_name, body, status, code, message) => {
    const error = await rejection({ packageName: 'org.example.bad', ...body, stages: stages(body.stages) });
    expect(error.status).toBe(status);
    expect((error.body as { error: string }).error).toBe(code);
    expect((error.body as { message: string }).message).toMatch(message);
  });

  it('rejects a package with no versions', async () => {
    const error = await rejection({ packageName: 'org.example.none', versionCode: 1, stages: stages([[1, 100]]) });
    expect(error.status).toBe(422);
    expect(error.body).toMatchObject({ error: 'package_has_no_versions', field: 'body.packageName' });
    expect((error.body as { message: string }).message).toMatch(/org\.example\.none has no uploaded versions/);
  });

  it('rejects a second open rollout', async () => {
    await env.admin.post('/rollouts', { packageName: 'org.example.bad', versionCode: 30, stages: stages([[1, 100]]) });
    const error = await rejection({ packageName: 'org.example.bad', versionCode: 30, stages: stages([[1, 100]]) });
    expect(error.status).toBe(409);
    expect((error.body as { error: string }).error).toBe('rollout_open');
  });

  it('rejects an action in the wrong state', async () => {
    const [rollout] = await env.admin.get<Array<{ id: string }>>('/rollouts');
    const error = await env.admin.post(`/rollouts/${rollout!.id}/resume`).catch((caught: unknown) => caught as AdminApiError);
    expect(error).toBeInstanceOf(AdminApiError);
    expect((error as AdminApiError).status).toBe(409);
    expect((error as AdminApiError).body).toMatchObject({ error: 'invalid_rollout_state' });
  });
});

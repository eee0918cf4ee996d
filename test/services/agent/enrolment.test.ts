import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { enrolDevice } from '../../../src/services/agent/enrolment.js';
import { startTestServer, type TestServer } from '../../support/server.js';
import { seedPolicy, seedToken } from '../../agent-api/helpers.js';

const NOW = 1_800_000_000_000;

let server: TestServer;
let policyId: string;

beforeAll(async () => {
  server = await startTestServer();
  server.ctx.now = () => NOW;
  policyId = await seedPolicy(server.ctx);
});

afterAll(async () => {
  await server.dispose();
});

describe('enrolDevice', () => {
  it('judges expiry by the context clock', async () => {
    const tokenId = await seedToken(server.ctx, { policyId, expiresAt: NOW - 1 });

    const result = await enrolDevice(server.ctx, { deviceId: 'svc-expired', tokenId, ip: '10.0.0.1' });

    expect(result.outcome).toBe('rejected');
  });

  it('records the enrolment with the context time', async () => {
    const tokenId = await seedToken(server.ctx, { policyId, expiresAt: NOW + 1 });

    const result = await enrolDevice(server.ctx, { deviceId: 'svc-new', tokenId, ip: '10.0.0.1' });

    expect(result.outcome).toBe('enrolled');
    if (result.outcome !== 'enrolled') return;
    expect(result.device.enrolled_at).toBe(NOW);
    expect(result.device.external_ip).toBe('10.0.0.1');
    const [event] = await server.ctx.store.audit.list(1);
    expect(event?.actor).toBe('device:svc-new');
    expect(event?.at).toBe(NOW);
    expect(JSON.parse(event!.details_json!)).toMatchObject({ deviceId: 'svc-new', generation: 1, policyId, tokenId });
  });

  it('names the problem with the device id', async () => {
    const result = await enrolDevice(server.ctx, { deviceId: 'a/b', tokenId: null, ip: '10.0.0.1' });

    expect(result).toEqual({
      outcome: 'rejected',
      reason: 'Device id "a/b" contains "/", which splits URL paths and MQTT topic levels. Enter another device id.',
    });
  });

  it('keeps the policy when a re-enrolment carries a bad token', async () => {
    const tokenId = await seedToken(server.ctx, { policyId });
    await enrolDevice(server.ctx, { deviceId: 'svc-keep', tokenId, ip: '10.0.0.1' });
    const otherPolicy = await seedPolicy(server.ctx);
    const revoked = await seedToken(server.ctx, { policyId: otherPolicy });
    await server.ctx.store.enrolment.revoke(revoked);

    const result = await enrolDevice(server.ctx, { deviceId: 'svc-keep', tokenId: revoked, ip: '10.0.0.1' });

    expect(result.outcome).toBe('unchanged');
    if (result.outcome !== 'unchanged') return;
    expect(result.device.policy_id).toBe(policyId);
    expect(result.device.enrolment_generation).toBe(1);
  });
});

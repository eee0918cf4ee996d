import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { enrolDevice } from '../../../src/services/agent/enrolment.js';
import { ingestDeviceInfo } from '../../../src/services/agent/device-info.js';
import { startTestServer, type TestServer } from '../../support/server.js';
import { seedPolicy, seedToken } from '../../agent-api/helpers.js';

let server: TestServer;
let firstPolicy: string;
let secondPolicy: string;

beforeAll(async () => {
  server = await startTestServer();
  firstPolicy = await seedPolicy(server.ctx);
  secondPolicy = await seedPolicy(server.ctx);
});

afterAll(async () => {
  await server.dispose();
});

async function enrolWith(deviceId: string, policyId: string) {
  const tokenId = await seedToken(server.ctx, { policyId });
  return enrolDevice(server.ctx, { deviceId, tokenId, ip: '10.0.0.1' });
}

describe('re-binding by serial', () => {
  it('gives the earlier record the new enrolment policy', async () => {
    await enrolWith('svc-first', firstPolicy);
    await ingestDeviceInfo(server.ctx, 'svc-first', { deviceId: 'svc-first', serial: 'SER-123456' }, '10.0.0.1');
    const earlier = await server.ctx.store.devices.findByDeviceId('svc-first');
    const wipe = await server.ctx.store.commands.insert({
      devicePk: earlier!.id,
      generation: 1,
      type: 'factoryReset',
      createdBy: 'test',
    });
    await enrolWith('svc-second', secondPolicy);

    const report = { deviceId: 'svc-second', serial: 'SER-123456' };
    const device = await ingestDeviceInfo(server.ctx, 'svc-second', report, '10.0.0.1');

    expect(device?.id).toBe(earlier?.id);
    expect(device?.device_id).toBe('svc-second');
    expect(device?.policy_id).toBe(secondPolicy);
    expect(device?.enrolment_generation).toBe(2);
    const commands = await server.ctx.store.commands.listForDevice(earlier!.id, 10);
    expect(commands.find((command) => command.id === wipe)?.state).toBe('expired');
  });

  it('leaves a record that has reported before', async () => {
    await enrolWith('svc-a', firstPolicy);
    await ingestDeviceInfo(server.ctx, 'svc-a', { deviceId: 'svc-a', serial: 'DUP-777777' }, '10.0.0.1');
    await enrolWith('svc-b', firstPolicy);
    await ingestDeviceInfo(server.ctx, 'svc-b', { deviceId: 'svc-b' }, '10.0.0.1');

    await ingestDeviceInfo(server.ctx, 'svc-b', { deviceId: 'svc-b', serial: 'DUP-777777' }, '10.0.0.1');

    expect(await server.ctx.store.devices.findByDeviceId('svc-a')).toBeDefined();
    expect(await server.ctx.store.devices.findByDeviceId('svc-b')).toBeDefined();
  });

  it('never merges into a newer record', async () => {
    await enrolWith('svc-old', firstPolicy);
    await enrolWith('svc-newer', firstPolicy);
    await ingestDeviceInfo(server.ctx, 'svc-newer', { deviceId: 'svc-newer', imei: '490154203237599' }, '10.0.0.1');
    const newer = await server.ctx.store.devices.findByDeviceId('svc-newer');
    await server.ctx.store.devices.update(newer!.id, { created_at: newer!.created_at + 60_000 });

    await ingestDeviceInfo(server.ctx, 'svc-old', { deviceId: 'svc-old', imei: '490154203237599' }, '10.0.0.1');

    expect(await server.ctx.store.devices.findByDeviceId('svc-old')).toBeDefined();
    expect(await server.ctx.store.devices.findByDeviceId('svc-newer')).toBeDefined();
  });
});

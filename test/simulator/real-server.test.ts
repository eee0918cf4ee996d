import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { startFleet, type Fleet } from '../../simulator/index.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { seedEnrolment } from './support/real-enrolment.js';
import { TamperProxy } from './support/tamper-proxy.js';

// Simulated agents against a real Outpost: enrolment, push wake-up, a
// server-queued reboot, the response signature and the scaled schedule.

let server: TestServer;
let fleet: Fleet | null = null;
let proxy: TamperProxy | null = null;

beforeEach(async () => {
  server = await startTestServer();
});

afterEach(async () => {
  await fleet?.stop();
  fleet = null;
  await proxy?.close();
  proxy = null;
  await server.dispose();
});

describe('simulator against Outpost', () => {
  it('enrols agents and reports their hardware', async () => {
    const { qr } = await seedEnrolment(server, { deviceIdSource: 'serial' });
    fleet = await startFleet({ qr, count: 3, speed: 60, seed: 11 });
    await fleet.waitFor((f) => f.agents.every((agent) => agent.counters.infos >= 1), 10_000);

    for (const agent of fleet.agents) {
      const device = await server.ctx.store.devices.findByDeviceId(agent.deviceId);
      expect(device?.serial).toBe(agent.profile.serial);
      expect(device?.model).toBe(agent.profile.model);
      expect(device?.enrolment_generation).toBe(1);
    }
    expect(fleet.stats().totals.signatureMismatches).toBe(0);
  });

  it('re-syncs once on configUpdated', async () => {
    const { qr } = await seedEnrolment(server);
    fleet = await startFleet({ qr, count: 1, speed: 60, seed: 12 });
    const agent = fleet.agents[0]!;
    await fleet.waitFor(() => server.ctx.push.openPollCount() === 1, 10_000);

    server.ctx.push.notify([agent.deviceId], { messageType: 'configUpdated' });
    await fleet.waitFor(() => agent.counters.syncs === 2, 10_000);
    expect(agent.counters.pushMessages).toBe(1);
    expect(agent.counters.enrolments).toBe(1);
  });

  it('reboots once for a queued reboot command', async () => {
    const { qr } = await seedEnrolment(server);
    fleet = await startFleet({ qr, count: 1, speed: 600, seed: 13 });
    const agent = fleet.agents[0]!;
    await fleet.waitFor(() => server.ctx.push.openPollCount() === 1, 10_000);

    const device = await server.ctx.store.devices.findByDeviceId(agent.deviceId);
    const commandId = await server.ctx.store.commands.insert({
      devicePk: device!.id,
      generation: device!.enrolment_generation,
      type: 'reboot',
      payload: undefined,
      createdBy: 'test',
    });
    server.ctx.push.notify([agent.deviceId], { messageType: 'configUpdated' });
    await fleet.waitFor(() => agent.counters.reboots === 1 && agent.counters.syncs >= 3, 10_000);

    const commands = await server.ctx.store.commands.listForDevice(device!.id, 10);
    expect(commands.find((command) => command.id === commandId)?.state).toBe('confirmed');
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(agent.counters.reboots).toBe(1);
  });

  it('wipes and re-enrols for a queued factory reset', async () => {
    const { qr } = await seedEnrolment(server, { deviceIdSource: 'imei' });
    fleet = await startFleet({ qr, count: 1, speed: 600, seed: 16 });
    const agent = fleet.agents[0]!;
    await fleet.waitFor(() => server.ctx.push.openPollCount() === 1, 10_000);

    const device = await server.ctx.store.devices.findByDeviceId(agent.deviceId);
    const commandId = await server.ctx.store.commands.insert({
      devicePk: device!.id,
      generation: device!.enrolment_generation,
      type: 'factoryReset',
      payload: undefined,
      createdBy: 'test',
    });
    server.ctx.push.notify([agent.deviceId], { messageType: 'configUpdated' });
    await fleet.waitFor(() => agent.counters.enrolments === 2 && agent.counters.infos >= 2, 10_000);

    const after = await server.ctx.store.devices.findByDeviceId(agent.deviceId);
    expect(after?.id).toBe(device!.id);
    expect(after?.enrolment_generation).toBe(2);
    const commands = await server.ctx.store.commands.listForDevice(device!.id, 10);
    expect(commands.find((command) => command.id === commandId)?.state).toBe('confirmed');
    expect(agent.counters.resets).toBe(1);
  });

  it('counts a config altered in transit', async () => {
    const { qr } = await seedEnrolment(server);
    proxy = new TamperProxy(server.listenUrl);
    await proxy.start();
    proxy.tamperConfig = true;
    fleet = await startFleet({ qr, count: 1, speed: 60, seed: 14, serverUrl: proxy.origin });
    await fleet.waitFor((f) => f.stats().totals.signatureMismatches >= 1, 10_000);

    expect(proxy.tampered).toBeGreaterThanOrEqual(1);
    expect(fleet.agents[0]!.enrolled).toBe(false);
  });

  it('scales the report interval by speed', async () => {
    const { qr } = await seedEnrolment(server);
    // At 3600x the 15-minute report comes every 250 ms.
    fleet = await startFleet({ qr, count: 1, speed: 3600, seed: 15, rampMs: 0 });
    await new Promise((resolve) => setTimeout(resolve, 1_300));
    expect(fleet.agents[0]!.counters.infos).toBeGreaterThanOrEqual(4);
    expect(fleet.agents[0]!.counters.infoFailures).toBe(0);
  });
});

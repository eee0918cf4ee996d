import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { startFleet, type Fleet, type SimulatedAgent } from '../../simulator/index.js';
import { type ApiClient, signInAsAdmin, startApiServer } from '../admin-api/support/client.js';
import { TEST_ADMIN_PASSWORD, type TestServer } from '../support/server.js';
import { seedEnrolment } from './support/real-enrolment.js';

// Commands sent through the admin API and carried out by simulated agents
// against a real Outpost: wipes bound to an enrolment generation, reboots
// that happen once per request, push commands and lost mode.

// At 600x a reboot (90 s) takes 150 ms and a factory reset (5 min) 500 ms.
const SPEED = 600;
const WAIT_MS = 10_000;

let server: TestServer;
let admin: ApiClient;
let fleet: Fleet | null = null;

beforeEach(async () => {
  server = await startApiServer();
  admin = await signInAsAdmin(server);
});

afterEach(async () => {
  await fleet?.stop();
  fleet = null;
  await server.dispose();
});

async function startAgent(seed: number): Promise<{ agent: SimulatedAgent; devicePk: string }> {
  const { qr } = await seedEnrolment(server, { deviceIdSource: 'imei' });
  fleet = await startFleet({ qr, count: 1, speed: SPEED, seed, rampMs: 0 });
  const agent = fleet.agents[0]!;
  await fleet.waitFor(() => server.ctx.push.openPollCount() === 1, WAIT_MS);
  const device = await server.ctx.store.devices.findByDeviceId(agent.deviceId);
  return { agent, devicePk: device!.id };
}

async function commandState(commandId: string): Promise<string | undefined> {
  return (await server.ctx.store.commands.findById(commandId))?.state;
}

const settle = (ms = 500) => new Promise((resolve) => setTimeout(resolve, ms));

describe('remote commands on simulated phones', () => {
  it('a wipe queued before a reset and re-enrolment never reaches the new enrolment', async () => {
    const { agent, devicePk } = await startAgent(21);

    // The user factory-resets the phone by hand; while it is off, the
    // manager queues a wipe, which the old enrolment can no longer run.
    const reset = agent.wipe();
    await fleet!.waitFor(() => agent.status === 'wiping', WAIT_MS);
    const wipe = await admin.post(`/v1/devices/${devicePk}/commands`, {
      type: 'wipe',
      confirmation: { password: TEST_ADMIN_PASSWORD, deviceId: agent.deviceId },
    });
    expect(wipe.status).toBe(200);
    await reset;
    await fleet!.waitFor(() => agent.counters.enrolments === 2 && agent.counters.infos >= 2, WAIT_MS);
    await settle();

    const device = await server.ctx.store.devices.findByPk(devicePk);
    expect(device?.enrolment_generation).toBe(2);
    expect(await commandState(wipe.body.id)).toBe('expired');
    expect(agent.counters.resets).toBe(1);
    expect(agent.enrolled).toBe(true);
    const vetoes = (await server.ctx.store.audit.list(100)).filter((event) => event.action === 'command.vetoed');
    expect(vetoes).toEqual([]);
  });

  it('wipe of current enrolment runs once', async () => {
    const { agent, devicePk } = await startAgent(22);

    const wipe = await admin.post(`/v1/devices/${devicePk}/commands`, {
      type: 'wipe',
      confirmation: { password: TEST_ADMIN_PASSWORD, deviceId: agent.deviceId },
    });
    await fleet!.waitFor(() => agent.counters.resets === 1 && agent.counters.enrolments === 2, WAIT_MS);
    await settle();

    expect(await commandState(wipe.body.id)).toBe('confirmed');
    expect((await server.ctx.store.devices.findByPk(devicePk))?.enrolment_generation).toBe(2);
    expect(agent.counters.resets).toBe(1);
  });

  it('reboot via configuration happens exactly once per request', async () => {
    const { agent, devicePk } = await startAgent(23);

    const first = await admin.post(`/v1/devices/${devicePk}/commands`, { type: 'reboot' });
    await fleet!.waitFor(() => agent.counters.reboots === 1 && agent.status === 'running' && agent.counters.syncs >= 3, WAIT_MS);
    await settle(1_000);
    expect(agent.counters.reboots).toBe(1);
    expect(await commandState(first.body.id)).toBe('confirmed');

    const second = await admin.post(`/v1/devices/${devicePk}/commands`, { type: 'reboot' });
    await fleet!.waitFor(() => agent.counters.reboots === 2 && agent.status === 'running', WAIT_MS);
    await settle(1_000);

    expect(agent.counters.reboots).toBe(2);
    expect(await commandState(second.body.id)).toBe('confirmed');
  });

  it('push commands act on the phone', async () => {
    const { agent, devicePk } = await startAgent(24);
    const agentPackage = [...agent.device.installed.keys()][0]!;

    await admin.post(`/v1/devices/${devicePk}/commands`, { type: 'message', message: 'Data review on Friday' });
    await admin.post(`/v1/devices/${devicePk}/commands`, { type: 'clearAppData', packageName: agentPackage });
    await admin.post(`/v1/devices/${devicePk}/commands`, { type: 'grantPermissions', packageNames: ['com.dhis2'] });
    await fleet!.waitFor(() => agent.device.effects.permissionGrants.length === 1, WAIT_MS);

    expect(agent.device.effects.textMessages).toEqual(['Data review on Friday']);
    expect(agent.device.effects.clearedAppData).toEqual([agentPackage]);
    expect(agent.device.effects.permissionGrants).toEqual([['com.dhis2']]);
    const states = (await server.ctx.store.commands.listForDevice(devicePk, 10)).map((command) => command.state);
    expect(states).toEqual(['sent', 'sent', 'sent']);
  });

  it('a password reset is applied and confirmed once', async () => {
    const { agent, devicePk } = await startAgent(25);

    const reset = await admin.post(`/v1/devices/${devicePk}/commands`, {
      type: 'passwordReset',
      newPassword: '90210',
      confirmation: { password: TEST_ADMIN_PASSWORD },
    });
    await fleet!.waitFor(() => agent.counters.passwordResets === 1, WAIT_MS);
    agent.requestSync();
    await fleet!.waitFor(() => agent.counters.syncs >= 3, WAIT_MS);
    await settle();

    expect(agent.device.effects.screenPasswords).toEqual(['90210']);
    expect(await commandState(reset.body.id)).toBe('confirmed');
  });

  it('lost mode locks the phone until it ends', async () => {
    const { agent, devicePk } = await startAgent(26);

    await admin.put(`/v1/devices/${devicePk}/lost-mode`, { message: 'Reward if returned: call 0700 000 000' });
    await fleet!.waitFor(() => agent.device.locked, WAIT_MS);
    expect(agent.device.lockMessage).toBe('Reward if returned: call 0700 000 000');
    expect(agent.device.config?.requestUpdates).toBe('gps');

    await admin.delete(`/v1/devices/${devicePk}/lost-mode`);
    await fleet!.waitFor(() => !agent.device.locked, WAIT_MS);
    expect(agent.device.config?.requestUpdates ?? null).not.toBe('gps');
  });
});

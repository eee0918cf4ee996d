import { createHash } from 'node:crypto';

import { afterEach, describe, expect, it } from 'vitest';

import { startFleet, type Fleet } from '../../simulator/index.js';
import { FAKE_SECRET, FakeAgentServer } from './support/fake-agent-server.js';

// The agent's requests and reactions, checked against a scripted fake server
// so every reply (flags, signatures, payloads) can be chosen by the test.

const SPEED = 600;
const SEED = 42;

let server: FakeAgentServer;
let fleet: Fleet | null = null;

async function start(project = 'outpost', extras: Record<string, string> = {}, count = 1): Promise<Fleet> {
  server = new FakeAgentServer(project);
  await server.start();
  return startWith(extras, count);
}

async function startWith(extras: Record<string, string>, count = 1): Promise<Fleet> {
  fleet = await startFleet({ qr: server.qr(extras), count, speed: SPEED, seed: SEED, rampMs: 0 });
  return fleet;
}

function sha1(text: string): string {
  return createHash('sha1').update(text).digest('hex').toUpperCase();
}

afterEach(async () => {
  await fleet?.stop();
  fleet = null;
  await server?.close();
});

describe('agent enrolment', () => {
  it('posts enrol options with signature under the project', async () => {
    const agents = await start();
    await agents.waitFor((f) => f.stats().totals.infos >= 1, 5_000);
    const agent = agents.agents[0]!;

    const enrol = server.calls('public/sync/configuration/')[0]!;
    expect(enrol.method).toBe('POST');
    expect(enrol.path).toBe(`/outpost/rest/public/sync/configuration/${agent.deviceId}`);
    expect(enrol.body).toEqual({ customer: null, configuration: 'token-1', groups: null, groupSet: null });
    expect(enrol.headers['x-request-signature']).toBe(sha1(FAKE_SECRET + agent.deviceId));
    expect(enrol.headers['x-cpu-arch']).toBe(agent.profile.cpu);
    expect(agent.counters.enrolments).toBe(1);
    expect(agent.device.externalIp).toBe('127.0.0.1');
  });

  it('sends device info after the first sync', async () => {
    const agents = await start();
    await agents.waitFor((f) => f.stats().totals.infos >= 1, 5_000);
    const agent = agents.agents[0]!;

    const info = server.calls('public/sync/info')[0]!.body as Record<string, unknown>;
    expect(info.deviceId).toBe(agent.deviceId);
    expect(info.serial).toBe(agent.profile.serial);
    expect(info.imei).toBe(agent.profile.imei);
    expect(info.model).toBe(agent.profile.model);
    expect(info.mdmMode).toBe(true);
    expect(info.launcherType).toBe('opensource');
    expect(info.batteryLevel).toEqual(expect.any(Number));
    expect(info.location).toEqual({ ts: expect.any(Number), lat: expect.any(Number), lon: expect.any(Number) });
  });

  it('uses no project segment when the project is empty', async () => {
    await start('');
    await fleet!.waitFor((f) => f.stats().enrolled === 1, 5_000);
    expect(server.calls('public/sync/configuration/')[0]!.path).toMatch(/^\/rest\/public\/sync\/configuration\//);
  });

  it('takes the device id from the serial when asked', async () => {
    const agents = await start('outpost', { 'com.hmdm.DEVICE_ID_USE': 'serial' });
    const agent = agents.agents[0]!;
    expect(agent.deviceId).toBe(agent.profile.serial);
  });

  it('prefers a preset device id', async () => {
    const agents = await start('outpost', { 'com.hmdm.DEVICE_ID': 'clinic-7', 'com.hmdm.DEVICE_ID_USE': 'imei' });
    expect(agents.agents[0]!.deviceId).toBe('clinic-7');
  });

  it('stops on error.notfound.device', async () => {
    server = new FakeAgentServer('outpost');
    await server.start();
    server.unknownDevices.add('lost-phone');
    await startWith({ 'com.hmdm.DEVICE_ID': 'lost-phone' });
    await fleet!.waitFor((f) => f.agents[0]!.status === 'device-not-found', 5_000);

    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(server.calls('public/sync/configuration/')).toHaveLength(1);
    expect(server.calls('notification/polling/')).toHaveLength(0);
  });
});

describe('agent config checks', () => {
  it('counts a tampered response signature and ignores the config', async () => {
    server = new FakeAgentServer('outpost');
    await server.start();
    server.tamperSignature = true;
    server.apks.set('app.apk', { bytes: Buffer.from('apk bytes') });
    server.defaultConfig = {
      pushOptions: 'polling',
      applications: [{ pkg: 'com.dhis2', name: 'DHIS2', version: '2.9.1', code: 2, url: server.apkUrl('app.apk') }],
    };
    await startWith({});
    await fleet!.waitFor((f) => f.stats().totals.signatureMismatches >= 1, 5_000);

    const agent = fleet!.agents[0]!;
    expect(agent.enrolled).toBe(false);
    expect(agent.counters.syncs).toBe(0);
    expect(agent.counters.downloads).toBe(0);
  });

  it('re-syncs with GET on configUpdated', async () => {
    const agents = await start();
    await agents.waitFor(() => server.calls('notification/polling/').length >= 1, 5_000);
    const agent = agents.agents[0]!;

    // Two entries in one poll response need one sync.
    server.nextPollData = [
      { messageType: 'configUpdated', payload: null },
      { messageType: 'configUpdated', payload: null },
    ];
    server.wake(agent.deviceId);
    await agents.waitFor(() => agent.counters.syncs >= 2, 5_000);
    await new Promise((resolve) => setTimeout(resolve, 200));

    const configCalls = server.calls('public/sync/configuration/');
    expect(configCalls.map((call) => call.method)).toEqual(['POST', 'GET']);
    expect(agent.counters.pushMessages).toBe(2);
  });

  it('signs the long poll over project and path', async () => {
    const agents = await start();
    await agents.waitFor(() => server.calls('notification/polling/').length >= 1, 5_000);
    const agent = agents.agents[0]!;
    const poll = server.calls('notification/polling/')[0]!;

    expect(poll.headers['x-request-signature']).toBe(sha1(`${FAKE_SECRET}outpost/rest/notification/polling/${agent.deviceId}`));
  });

  it('counts a push payload that is an object as unparseable', async () => {
    const agents = await start();
    await agents.waitFor(() => server.calls('notification/polling/').length >= 1, 5_000);

    server.nextPollData = [{ messageType: 'configUpdated', payload: { nested: true } }];
    server.wake(agents.agents[0]!.deviceId);
    await agents.waitFor((f) => f.stats().totals.pushParseErrors === 1, 5_000);
    expect(agents.agents[0]!.counters.syncs).toBe(1);
  });
});

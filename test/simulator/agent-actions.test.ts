import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { startFleet, type Fleet } from '../../simulator/index.js';
import { FakeAgentServer } from './support/fake-agent-server.js';

// App installs and the one-shot remote actions, against a scripted fake
// server that clears each flag once the agent confirms it.

// At 600x the reboot (90 s) takes 150 ms and the factory reset (5 min) 500 ms.
const SPEED = 600;
const APK = Buffer.from('not really an APK, but the agent only hashes it');

let server: FakeAgentServer;
let fleet: Fleet | null = null;

beforeEach(async () => {
  server = new FakeAgentServer('outpost');
  await server.start();
  server.apks.set('dhis2.apk', { bytes: APK });
});

afterEach(async () => {
  await fleet?.stop();
  fleet = null;
  await server.close();
});

function dhis2(version = '2.9.1', code = 2) {
  return { pkg: 'com.dhis2', name: 'DHIS2 Capture', version, code, url: server.apkUrl('dhis2.apk') };
}

async function startOne(): Promise<Fleet> {
  fleet = await startFleet({ qr: server.qr(), count: 1, speed: SPEED, seed: 7, rampMs: 0 });
  return fleet;
}

const settle = (ms = 300) => new Promise((resolve) => setTimeout(resolve, ms));

describe('app installs', () => {
  it('downloads a new version once and reports it', async () => {
    server.defaultConfig = { pushOptions: 'polling', applications: [dhis2()] };
    const { agents } = await startOne();
    const agent = agents[0]!;
    await fleet!.waitFor(() => agent.counters.installs === 1 && agent.counters.infos >= 1, 5_000);

    agent.requestSync();
    await fleet!.waitFor(() => agent.counters.syncs >= 2, 5_000);
    await settle();

    expect(agent.counters.downloads).toBe(1);
    expect(agent.counters.bytes).toBe(APK.length);
    expect(agent.counters.downloadsByVersion).toEqual({ 'com.dhis2@2.9.1': 1 });
    const info = server.calls('public/sync/info').at(-1)!.body as { applications: Array<Record<string, unknown>> };
    expect(info.applications).toContainEqual(expect.objectContaining({ pkg: 'com.dhis2', version: '2.9.1', name: 'DHIS2 Capture' }));
  });

  it('signs downloads under /files/', async () => {
    server.defaultConfig = { pushOptions: 'polling', applications: [dhis2()] };
    await startOne();
    await fleet!.waitFor((f) => f.stats().totals.installs === 1, 5_000);

    const download = server.requests.find((request) => request.path.endsWith('/files/dhis2.apk'))!;
    expect(download.headers['x-request-signature']).toMatch(/^[0-9A-F]{40}$/);
    expect(download.headers['accept-encoding']).toBe('identity');
  });

  it('counts a digest mismatch as an install failure', async () => {
    server.apks.set('dhis2.apk', { bytes: APK, reprDigest: 'sha-256=:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=:' });
    server.defaultConfig = { pushOptions: 'polling', applications: [dhis2()] };
    const { agents } = await startOne();
    await fleet!.waitFor(() => agents[0]!.counters.installFailures === 1, 5_000);

    expect(agents[0]!.counters.digestMismatches).toBe(1);
    expect(agents[0]!.installedVersions()).not.toContainEqual(expect.objectContaining({ pkg: 'com.dhis2' }));
  });

  it('installs without a digest header, as the agent would', async () => {
    server.apks.set('dhis2.apk', { bytes: APK, reprDigest: null });
    server.defaultConfig = { pushOptions: 'polling', applications: [dhis2()] };
    const { agents } = await startOne();
    await fleet!.waitFor(() => agents[0]!.counters.installs === 1, 5_000);

    expect(agents[0]!.counters.digestMissing).toBe(1);
  });

  it('removes an app marked remove', async () => {
    server.defaultConfig = { pushOptions: 'polling', applications: [dhis2()] };
    const { agents } = await startOne();
    const agent = agents[0]!;
    await fleet!.waitFor(() => agent.counters.installs === 1, 5_000);

    server.defaultConfig = { pushOptions: 'polling', applications: [{ pkg: 'com.dhis2', version: '0', remove: true }] };
    server.push(agent.deviceId, 'configUpdated');
    await fleet!.waitFor(() => agent.counters.removals === 1, 5_000);
    expect(agent.installedVersions()).not.toContainEqual(expect.objectContaining({ pkg: 'com.dhis2' }));
  });
});

describe('remote actions', () => {
  it('confirms a reboot, reboots once and syncs at boot', async () => {
    server.defaultConfig = { pushOptions: 'polling', applications: [], reboot: true };
    const { agents } = await startOne();
    const agent = agents[0]!;
    await fleet!.waitFor(() => agent.counters.reboots === 1 && agent.counters.syncs === 2 && agent.status === 'running', 5_000);
    await settle();

    expect(server.calls('plugins/devicereset/public/reboot/')).toHaveLength(1);
    expect(agent.counters.reboots).toBe(1);
    expect(server.calls('public/sync/configuration/').map((call) => call.method)).toEqual(['POST', 'GET']);
  });

  it('does not reboot when the confirmation fails', async () => {
    server.confirmStatus = 404;
    server.defaultConfig = { pushOptions: 'polling', applications: [], reboot: true };
    const { agents } = await startOne();
    await fleet!.waitFor(() => server.calls('plugins/devicereset/public/reboot/').length === 1, 5_000);
    await settle();

    expect(agents[0]!.counters.reboots).toBe(0);
    expect(agents[0]!.status).toBe('running');
  });

  it('wipes after a confirmed factory reset and enrols again', async () => {
    server.defaultConfig = { pushOptions: 'polling', applications: [dhis2()], factoryReset: true };
    const { agents } = await startOne();
    const agent = agents[0]!;
    await fleet!.waitFor(() => agent.counters.resets === 1 && agent.counters.enrolments === 2, 5_000);

    const confirmation = server.calls('plugins/devicereset/public/')[0]!;
    expect(confirmation.path).toBe(`/outpost/rest/plugins/devicereset/public/${agent.deviceId}`);
    expect(confirmation.body).toEqual(expect.objectContaining({ factoryReset: true, serial: agent.profile.serial }));
    const methods = server.calls('public/sync/configuration/').map((call) => call.method);
    expect(methods).toEqual(['POST', 'POST']);
    // The wipe came before the first config's install, so the second enrolment installs the app.
    await fleet!.waitFor(() => agent.counters.installs === 1, 5_000);
  });

  it('wipe() clears state and enrols with the same id', async () => {
    server.defaultConfig = { pushOptions: 'polling', applications: [dhis2()] };
    const { agents } = await startOne();
    const agent = agents[0]!;
    await fleet!.waitFor(() => agent.counters.installs === 1, 5_000);
    const deviceId = agent.deviceId;

    await agent.wipe();
    expect(agent.counters.resets).toBe(1);
    expect(agent.counters.enrolments).toBe(2);
    expect(agent.deviceId).toBe(deviceId);
    await fleet!.waitFor(() => agent.counters.installs === 2, 5_000);
    expect(agent.counters.downloads).toBe(2);
  });

  it('confirms a password reset and shows the lock', async () => {
    server.defaultConfig = { pushOptions: 'polling', applications: [], passwordReset: '1234', lock: true, lockMessage: 'Lost phone' };
    const { agents } = await startOne();
    const agent = agents[0]!;
    await fleet!.waitFor(() => agent.counters.passwordResets === 1, 5_000);

    expect(server.calls('plugins/devicereset/public/password/')).toHaveLength(1);
    expect(agent.device.locked).toBe(true);
    expect(agent.device.lockMessage).toBe('Lost phone');
  });

  it('reboots at once on a reboot push', async () => {
    const { agents } = await startOne();
    const agent = agents[0]!;
    await fleet!.waitFor(() => server.calls('notification/polling/').length >= 1, 5_000);

    server.push(agent.deviceId, 'reboot');
    await fleet!.waitFor(() => agent.counters.reboots === 1 && agent.counters.syncs === 2, 5_000);
    expect(server.calls('plugins/devicereset/public/reboot/')).toHaveLength(0);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startTestServer, type TestServer } from '../support/server.js';
import { deviceInfo, enrol, postJson, seedPolicy, seedToken } from './helpers.js';

let server: TestServer;
let tokenId: string;

beforeAll(async () => {
  server = await startTestServer();
  tokenId = await seedToken(server.ctx, { policyId: await seedPolicy(server.ctx) });
});

afterAll(async () => {
  await server.dispose();
});

async function report(deviceId: string, extra: Record<string, unknown> = {}) {
  return postJson(server, '/rest/public/sync/info', deviceInfo(deviceId, extra));
}

describe('device info route', () => {
  it('stores the inventory fields', async () => {
    await enrol(server, 'phone-info', tokenId);

    const response = await report('phone-info', {
      serial: 'R58N12XYZ99',
      imei: '356938035643809',
      imei2: '356938035643817',
      androidVersion: '8.1.0',
      custom1: 'chw-042',
    });

    expect(response.status).toBe(200);
    expect(response.json.status).toBe('OK');
    expect(response.headers.get('x-ip-address')).toBe('127.0.0.1');
    const device = await server.ctx.store.devices.findByDeviceId('phone-info');
    expect(device?.model).toBe('Pixel 6a');
    expect(device?.android_version).toBe('8.1.0');
    expect(device?.sdk_level).toBe(27);
    expect(device?.cpu).toBe('arm64-v8a');
    expect(device?.serial).toBe('R58N12XYZ99');
    expect(device?.imei).toBe('356938035643809');
    expect(device?.imei2).toBe('356938035643817');
    expect(device?.battery_level).toBe(81);
    expect(device?.battery_charging).toBe('usb');
    expect(device?.mdm_mode).toBe(1);
    expect(device?.launcher_type).toBe('opensource');
    expect(device?.last_info_at).not.toBeNull();
    expect(JSON.parse(device!.info_json!).custom1).toBe('chw-042');
  });

  it('keeps a known IMEI when a report omits it', async () => {
    await report('phone-info', { imei: null });

    const device = await server.ctx.store.devices.findByDeviceId('phone-info');
    expect(device?.imei).toBe('356938035643809');
  });

  it('replaces the installed app versions', async () => {
    await report('phone-info', {
      applications: [
        { name: 'DHIS2 Capture', pkg: 'com.dhis2', version: '3.1.0', code: null, remove: false },
        { name: 'Agent', pkg: 'com.hmdm.launcher', version: '6.36', code: null },
      ],
    });
    await report('phone-info', { applications: [{ name: 'DHIS2 Capture', pkg: 'com.dhis2', version: '3.2.0' }] });

    const device = await server.ctx.store.devices.findByDeviceId('phone-info');
    const apps = await server.ctx.store.devices.listInstalledApps(device!.id);
    expect(apps.map((app) => [app.package_name, app.version_name])).toEqual([['com.dhis2', '3.2.0']]);
    expect(device?.agent_version).toBe('6.36');
  });

  it('appends each location once', async () => {
    const location = { ts: 1_750_000_000_000, lat: -1.2921, lon: 36.8219 };
    await report('phone-info', { location });
    await report('phone-info', { location });
    await report('phone-info', { location: { ts: 1_740_000_000_000, lat: 0.5, lon: 30.1 } });

    const device = await server.ctx.store.devices.findByDeviceId('phone-info');
    const fixes = await server.ctx.store.locations.listForDevice(device!.id, 0, Number.MAX_SAFE_INTEGER, 10);
    expect(fixes).toHaveLength(2);
    // An older fix joins the history but does not replace the last position.
    expect(device?.last_lat).toBe(-1.2921);
    expect(device?.last_lon).toBe(36.8219);
    expect(device?.last_location_at).toBe(1_750_000_000_000);
  });

  it('answers an unknown device with the not-found key', async () => {
    const response = await report('phone-not-enrolled');

    expect(response.status).toBe(200);
    expect(response.json.message).toBe('error.notfound.device');
  });

  it('names the field of a wrong type', async () => {
    const response = await report('phone-info', { batteryLevel: 'full' });

    expect(response.status).toBe(400);
    expect(response.json.field).toBe('body.batteryLevel');
    expect(response.json.message).toContain('expected integer or null');
  });
});

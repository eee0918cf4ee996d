import { createHash } from 'node:crypto';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startTestServer, type TestServer } from '../support/server.js';
import { DEFAULT_SECRET, enrol, seedAppVersion, seedPolicy, seedToken, sync, type SeededVersion } from './helpers.js';

// The server runs under a project path, as behind nginx at /outpost.
const PUBLIC_URL = 'http://127.0.0.1:1/outpost';
const ADMIN_PASSWORD_MD5 = 'e10adc3949ba59abbe56e057f20f883e'.toUpperCase();

let server: TestServer;
let installed: SeededVersion;
let tokenId: string;

beforeAll(async () => {
  server = await startTestServer({ publicUrl: PUBLIC_URL });
  installed = await seedAppVersion(server.ctx, {
    packageName: 'com.dhis2',
    versionCode: 3010,
    versionName: '3.1.0',
    label: 'DHIS2 Capture',
  });
  const policyId = await seedPolicy(server.ctx, {
    settings: {
      adminPasswordMd5: ADMIN_PASSWORD_MD5,
      restrictions: ['no_config_tethering', 'no_usb_file_transfer'],
      passwordMode: 'moderate',
      blockUsbStorage: true,
      gps: true,
      screenTimeoutSeconds: 60,
      volumePercent: 40,
      downloadNetwork: 'wifi',
      title: 'Programme phone',
    },
    apps: [
      {
        packageName: 'com.dhis2',
        appVersionId: installed.id,
        action: 'install',
        showIcon: true,
        runAfterInstall: false,
        screenOrder: 1,
      },
      {
        packageName: 'com.example.game',
        appVersionId: null,
        action: 'remove',
        showIcon: false,
        runAfterInstall: false,
        screenOrder: null,
      },
    ],
  });
  tokenId = await seedToken(server.ctx, { policyId });
});

afterAll(async () => {
  await server.dispose();
});

/** Signature as the agent checks it, computed here from the received text alone. */
function agentSideSignature(body: string): string {
  const marker = '"data":';
  const signed = body.slice(body.indexOf(marker) + marker.length, body.length - 1).replace(/[ \t\n\x0B\f\r]/g, '');
  return createHash('sha1').update(DEFAULT_SECRET + signed).digest('hex').toUpperCase();
}

describe('configuration route', () => {
  it('lives under the project path', async () => {
    const response = await fetch(`${server.listenUrl}/rest/public/sync/configuration/nobody`);

    expect(response.status).toBe(404);
  });

  it('signs exactly the bytes it sends', async () => {
    const response = await enrol(server, 'phone-signed', tokenId);

    expect(response.headers.get('x-response-signature')).toBe(agentSideSignature(response.text));
    expect(response.text.endsWith('}')).toBe(true);
    expect(response.headers.get('x-ip-address')).toBe('127.0.0.1');
  });

  it('puts data last in the envelope', async () => {
    const response = await sync(server, 'phone-signed');

    expect(Object.keys(response.json)).toEqual(['status', 'message', 'data']);
    expect(response.json.status).toBe('OK');
    expect(response.json.message).toBeNull();
  });

  it('maps the policy to agent fields', async () => {
    const { json } = await sync(server, 'phone-signed');
    const config = json.data;

    expect(config.pushOptions).toBe('polling');
    expect(config.password).toBe(ADMIN_PASSWORD_MD5);
    expect(config.password).toMatch(/^[0-9A-F]{32}$/);
    expect(config.restrictions).toBe('no_config_tethering,no_usb_file_transfer');
    expect(config.passwordMode).toBe('moderate');
    expect(config.usbStorage).toBe(true);
    expect(config.gps).toBe(true);
    expect(config.wifi).toBeUndefined();
    expect(config.manageTimeout).toBe(true);
    expect(config.timeout).toBe(60);
    expect(config.manageVolume).toBe(true);
    expect(config.volume).toBe(40);
    expect(config.downloadUpdates).toBe('wifi');
    expect(config.runDefaultLauncher).toBe(true);
    expect(config.title).toBe('Programme phone');
    expect(config.lock).toBe(false);
  });

  it('lists apps with code and a public URL', async () => {
    const { json } = await sync(server, 'phone-signed');
    const [install, removal] = json.data.applications;

    expect(install).toMatchObject({
      type: 'app',
      name: 'DHIS2 Capture',
      pkg: 'com.dhis2',
      version: '3.1.0',
      code: 3010,
      showIcon: true,
      runAfterInstall: false,
    });
    expect(install.versionCode).toBeUndefined();
    expect(install.url).toBe(`${PUBLIC_URL}/files/apps/${installed.id}/${installed.fileName}`);
    expect(removal).toEqual({ pkg: 'com.example.game', remove: true, version: '0' });
  });

  it('answers an unknown device with the not-found key', async () => {
    const response = await sync(server, 'phone-never-enrolled');

    expect(response.status).toBe(200);
    expect(response.json.status).toBe('ERROR');
    expect(response.json.message).toBe('error.notfound.device');
    expect(response.text).toBe('{"status":"ERROR","message":"error.notfound.device","data":null}');
    expect(response.headers.get('x-response-signature')).toBe(agentSideSignature(response.text));
  });

  it('records the sync time', async () => {
    const before = await server.ctx.store.devices.findByDeviceId('phone-signed');
    await new Promise((resolve) => setTimeout(resolve, 5));

    await sync(server, 'phone-signed');

    const after = await server.ctx.store.devices.findByDeviceId('phone-signed');
    expect(after!.last_config_at!).toBeGreaterThan(before!.last_config_at!);
  });

  it('signs bodies with non-ASCII text', async () => {
    const policyId = await seedPolicy(server.ctx, { settings: { title: 'Téléphone\u00a0du programme' } });
    await enrol(server, 'phone-unicode', await seedToken(server.ctx, { policyId }));

    const response = await sync(server, 'phone-unicode');

    expect(response.json.data.title).toBe('Téléphone\u00a0du programme');
    expect(response.headers.get('x-response-signature')).toBe(agentSideSignature(response.text));
  });
});

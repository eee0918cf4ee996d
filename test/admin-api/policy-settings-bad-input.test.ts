import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { defaultPolicySettings } from '../../src/domain/policy-settings.js';
import type { TestServer } from '../support/server.js';
import { type ApiClient, signInAsAdmin, startApiServer } from './support/client.js';

// One invalid value per policy setting, sent alone over a valid policy. The
// table must name every setting, so a new setting fails here until it has
// a bad-input case.
const BAD_VALUES: Record<string, { settings: Record<string, unknown>; field: string }[]> = {
  pushMode: [{ settings: { pushMode: 'mqtt' }, field: 'pushMode' }],
  keepaliveSeconds: [
    { settings: { keepaliveSeconds: 29 }, field: 'keepaliveSeconds' },
    { settings: { keepaliveSeconds: 1.5 }, field: 'keepaliveSeconds' },
  ],
  adminPasswordMd5: [{ settings: { adminPasswordMd5: '0123456789ABCDEF0123456789ABCDEF' }, field: 'adminPasswordMd5' }],
  restrictions: [
    { settings: { restrictions: ['no_printing'] }, field: 'restrictions.0' },
    { settings: { restrictions: 'no_config_tethering' }, field: 'restrictions' },
    { settings: { restrictions: ['no_add_user', 'no_add_user'] }, field: 'restrictions.1' },
  ],
  extraRestrictions: [
    { settings: { extraRestrictions: ['NO_PRINTING'] }, field: 'extraRestrictions.0' },
    { settings: { extraRestrictions: ['no_safe_boot'] }, field: 'extraRestrictions.0' },
  ],
  passwordMode: [{ settings: { passwordMode: 'pin' }, field: 'passwordMode' }],
  gps: [{ settings: { gps: 'on' }, field: 'gps' }],
  wifi: [{ settings: { wifi: 1 }, field: 'wifi' }],
  bluetooth: [{ settings: { bluetooth: 'off' }, field: 'bluetooth' }],
  mobileData: [{ settings: { mobileData: 0 }, field: 'mobileData' }],
  blockUsbStorage: [{ settings: { blockUsbStorage: 'yes' }, field: 'blockUsbStorage' }],
  disableScreenshots: [{ settings: { disableScreenshots: null }, field: 'disableScreenshots' }],
  timeZone: [
    { settings: { timeZone: 'Africa/Atlantis' }, field: 'timeZone' },
    { settings: { timeZone: 'GMT+03:00' }, field: 'timeZone' },
    { settings: { timeZone: '' }, field: 'timeZone' },
  ],
  screenTimeoutSeconds: [{ settings: { screenTimeoutSeconds: 4 }, field: 'screenTimeoutSeconds' }],
  brightness: [{ settings: { brightness: 300 }, field: 'brightness' }],
  autoBrightness: [{ settings: { autoBrightness: 'auto' }, field: 'autoBrightness' }],
  volumePercent: [{ settings: { volumePercent: 101 }, field: 'volumePercent' }],
  lockVolume: [{ settings: { lockVolume: 'true' }, field: 'lockVolume' }],
  orientation: [{ settings: { orientation: 5 }, field: 'orientation' }],
  systemUpdateType: [{ settings: { systemUpdateType: -1 }, field: 'systemUpdateType' }],
  systemUpdateFrom: [
    { settings: { systemUpdateType: 2, systemUpdateFrom: '1:00', systemUpdateTo: '03:00' }, field: 'systemUpdateFrom' },
    { settings: { systemUpdateType: 2, systemUpdateTo: '03:00' }, field: 'systemUpdateFrom' },
    { settings: { systemUpdateType: 1, systemUpdateFrom: '01:00', systemUpdateTo: '03:00' }, field: 'systemUpdateFrom' },
  ],
  systemUpdateTo: [
    { settings: { systemUpdateType: 2, systemUpdateFrom: '01:00' }, field: 'systemUpdateTo' },
    { settings: { systemUpdateType: 2, systemUpdateFrom: '01:00', systemUpdateTo: '01:00' }, field: 'systemUpdateTo' },
    { settings: { systemUpdateType: 2, systemUpdateFrom: '01:00', systemUpdateTo: '25:00' }, field: 'systemUpdateTo' },
  ],
  appUpdateFrom: [
    { settings: { appUpdateTo: '05:00' }, field: 'appUpdateFrom' },
    { settings: { appUpdateFrom: '22:60', appUpdateTo: '05:00' }, field: 'appUpdateFrom' },
  ],
  appUpdateTo: [
    { settings: { appUpdateFrom: '22:00' }, field: 'appUpdateTo' },
    { settings: { appUpdateFrom: '22:00', appUpdateTo: '22:00' }, field: 'appUpdateTo' },
  ],
  downloadNetwork: [{ settings: { downloadNetwork: 'cellular' }, field: 'downloadNetwork' }],
  locationUpdates: [{ settings: { locationUpdates: 'fused' }, field: 'locationUpdates' }],
  appPermissions: [{ settings: { appPermissions: 'grantall' }, field: 'appPermissions' }],
  backgroundMode: [{ settings: { backgroundMode: null }, field: 'backgroundMode' }],
  title: [{ settings: { title: 'x'.repeat(201) }, field: 'title' }],
  displayStatus: [{ settings: { displayStatus: 'yes' }, field: 'displayStatus' }],
  showWifiOnError: [{ settings: { showWifiOnError: 1 }, field: 'showWifiOnError' }],
  permissive: [{ settings: { permissive: 'no' }, field: 'permissive' }],
  autostartForeground: [{ settings: { autostartForeground: 0 }, field: 'autostartForeground' }],
  backgroundColor: [{ settings: { backgroundColor: '#12345' }, field: 'backgroundColor' }],
  textColor: [{ settings: { textColor: 'white' }, field: 'textColor' }],
  iconSize: [{ settings: { iconSize: 90 }, field: 'iconSize' }],
  kioskMode: [{ settings: { kioskMode: true }, field: 'kioskApp' }],
  kioskApp: [{ settings: { kioskApp: 'x'.repeat(201) }, field: 'kioskApp' }],
  kioskHome: [{ settings: { kioskHome: 'yes' }, field: 'kioskHome' }],
  kioskRecents: [{ settings: { kioskRecents: 1 }, field: 'kioskRecents' }],
  kioskNotifications: [{ settings: { kioskNotifications: 'on' }, field: 'kioskNotifications' }],
  kioskSystemInfo: [{ settings: { kioskSystemInfo: 'on' }, field: 'kioskSystemInfo' }],
  kioskKeyguard: [{ settings: { kioskKeyguard: 'on' }, field: 'kioskKeyguard' }],
  kioskLockButtons: [{ settings: { kioskLockButtons: 'on' }, field: 'kioskLockButtons' }],
  lockStatusBar: [{ settings: { lockStatusBar: 'on' }, field: 'lockStatusBar' }],
};

const CASES = Object.entries(BAD_VALUES).flatMap(([setting, cases]) =>
  cases.map((entry, index) => ({ name: `${setting} #${index + 1}`, ...entry })),
);

describe('policy settings bad input', () => {
  let server: TestServer;
  let admin: ApiClient;
  let count = 0;

  beforeAll(async () => {
    server = await startApiServer();
    admin = await signInAsAdmin(server);
  });
  afterAll(async () => {
    await server?.dispose();
  });

  it('covers every setting', () => {
    expect(Object.keys(BAD_VALUES).sort()).toEqual(Object.keys(defaultPolicySettings()).sort());
  });

  it.each(CASES)('$name is 400 naming the field', async ({ settings, field }) => {
    const response = await admin.post('/v1/policies', { name: `Bad ${++count}`, settings });

    expect(response.status).toBe(400);
    expect(response.body.field).toBe(`body.settings.${field}`);
    expect(response.body.message).toContain(field.split('.')[0]);
  });

  it.each(CASES)('$name on PUT is 400 and saves nothing', async ({ settings, field }) => {
    const created = await admin.post('/v1/policies', { name: `Good ${++count}` });
    const response = await admin.put(`/v1/policies/${created.body.id}`, { name: created.body.name, settings });

    expect(response.status).toBe(400);
    expect(response.body.field).toBe(`body.settings.${field}`);
    expect((await admin.get(`/v1/policies/${created.body.id}`)).body.version).toBe(1);
  });

  it('unknown restriction keys are flagged', async () => {
    const response = await admin.post('/v1/policies', {
      name: `Extra ${++count}`,
      settings: { restrictions: ['no_config_tethering'], extraRestrictions: ['no_printing'] },
    });

    expect(response.status).toBe(201);
    expect(response.body.unknownRestrictions).toEqual(['no_printing']);
  });

  it('paid-agent settings are named', async () => {
    const response = await admin.post('/v1/policies', {
      name: `Kiosk ${++count}`,
      settings: { kioskMode: true, kioskApp: 'com.dhis2' },
    });

    expect(response.status).toBe(201);
    expect(response.body.paidAgentSettings).toEqual(['kioskMode', 'kioskApp']);
  });

  it('a valid full policy saves', async () => {
    const response = await admin.post('/v1/policies', {
      name: `Full ${++count}`,
      settings: {
        timeZone: 'Africa/Kampala',
        systemUpdateType: 2,
        systemUpdateFrom: '01:00',
        systemUpdateTo: '03:30',
        appUpdateFrom: '22:00',
        appUpdateTo: '05:00',
        screenTimeoutSeconds: 60,
        brightness: 128,
        volumePercent: 50,
        orientation: 1,
      },
    });

    expect(response.status).toBe(201);
    expect(response.body.settings.systemUpdateTo).toBe('03:30');
  });
});

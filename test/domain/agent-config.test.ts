import { describe, expect, it } from 'vitest';

import {
  applicationEntries,
  buildServerConfig,
  parsePolicySettings,
  settingsFields,
  type PolicyAppInput,
} from '../../src/domain/agent-config.js';
import { defaultPolicySettings } from '../../src/domain/policy-settings.js';

const install: PolicyAppInput = {
  packageName: 'com.dhis2',
  action: 'install',
  showIcon: true,
  runAfterInstall: true,
  screenOrder: 2,
  version: { versionCode: 3010, versionName: '3.1.0', name: 'DHIS2 Capture', url: 'https://mdm.example.org/files/apps/v1/a.apk' },
};

describe('settingsFields', () => {
  it('always sets pushOptions', () => {
    const fields = settingsFields(defaultPolicySettings());

    expect(fields.pushOptions).toBe('polling');
    expect(fields.keepaliveTime).toBe(300);
  });

  it('leaves unmanaged settings out', () => {
    const fields = settingsFields(defaultPolicySettings());

    for (const key of ['password', 'restrictions', 'gps', 'wifi', 'bluetooth', 'mobileData', 'usbStorage', 'timeZone']) {
      expect(fields).not.toHaveProperty(key);
    }
    expect(fields.manageTimeout).toBe(false);
    expect(fields.manageVolume).toBe(false);
  });

  it('maps managed settings to agent names', () => {
    const fields = settingsFields({
      ...defaultPolicySettings(),
      pushMode: 'mqttAlarm',
      keepaliveSeconds: 600,
      adminPasswordMd5: '25D55AD283AA400AF464C76D713C07AD',
      restrictions: ['no_config_tethering', 'no_factory_reset'],
      passwordMode: 'strong',
      gps: true,
      wifi: false,
      bluetooth: false,
      mobileData: true,
      blockUsbStorage: true,
      disableScreenshots: true,
      timeZone: 'Africa/Nairobi',
      screenTimeoutSeconds: 120,
      brightness: 200,
      autoBrightness: false,
      volumePercent: 70,
      lockVolume: true,
      orientation: 1,
      systemUpdateType: 2,
      systemUpdateFrom: '01:00',
      systemUpdateTo: '04:00',
      appUpdateFrom: '22:00',
      appUpdateTo: '05:00',
      downloadNetwork: 'limited',
      locationUpdates: 'gps',
      appPermissions: 'asklocation',
      backgroundMode: false,
      title: 'imei',
      displayStatus: true,
      showWifiOnError: true,
      permissive: true,
      autostartForeground: true,
      backgroundColor: '#112233',
      textColor: '#ffffff',
      iconSize: 120,
      kioskMode: true,
      kioskApp: 'com.dhis2',
      kioskHome: true,
      kioskRecents: false,
      kioskNotifications: false,
      kioskSystemInfo: true,
      kioskKeyguard: false,
      kioskLockButtons: true,
      lockStatusBar: true,
    });

    expect(fields).toEqual({
      pushOptions: 'mqttAlarm',
      keepaliveTime: 600,
      password: '25D55AD283AA400AF464C76D713C07AD',
      restrictions: 'no_config_tethering,no_factory_reset',
      passwordMode: 'strong',
      gps: true,
      wifi: false,
      bluetooth: false,
      mobileData: true,
      usbStorage: true,
      disableScreenshots: true,
      timeZone: 'Africa/Nairobi',
      manageTimeout: true,
      timeout: 120,
      brightness: 200,
      autoBrightness: false,
      manageVolume: true,
      volume: 70,
      lockVolume: true,
      orientation: 1,
      systemUpdateType: 2,
      systemUpdateFrom: '01:00',
      systemUpdateTo: '04:00',
      appUpdateFrom: '22:00',
      appUpdateTo: '05:00',
      downloadUpdates: 'limited',
      requestUpdates: 'gps',
      appPermissions: 'asklocation',
      runDefaultLauncher: false,
      title: 'imei',
      displayStatus: true,
      showWifi: true,
      permissive: true,
      autostartForeground: true,
      backgroundColor: '#112233',
      textColor: '#ffffff',
      iconSize: 120,
      kioskMode: true,
      mainApp: 'com.dhis2',
      kioskHome: true,
      kioskRecents: false,
      kioskNotifications: false,
      kioskSystemInfo: true,
      kioskKeyguard: false,
      kioskLockButtons: true,
      lockStatusBar: true,
    });
  });

  it('joins catalogue and extra restrictions', () => {
    const fields = settingsFields({
      ...defaultPolicySettings(),
      restrictions: ['no_config_tethering'],
      extraRestrictions: ['no_printing'],
    });

    expect(fields.restrictions).toBe('no_config_tethering,no_printing');
  });

  it('upper-cases the password hash', () => {
    const settings = { ...defaultPolicySettings(), adminPasswordMd5: '25d55ad283aa400af464c76d713c07ad' };

    expect(settingsFields(settings).password).toBe('25D55AD283AA400AF464C76D713C07AD');
  });
});

describe('applicationEntries', () => {
  it('names the versionCode code', () => {
    const { applications } = applicationEntries([install]);

    expect(applications).toEqual([
      {
        type: 'app',
        name: 'DHIS2 Capture',
        pkg: 'com.dhis2',
        version: '3.1.0',
        code: 3010,
        url: 'https://mdm.example.org/files/apps/v1/a.apk',
        showIcon: true,
        runAfterInstall: true,
        screenOrder: 2,
      },
    ]);
  });

  it('removes any version of a package', () => {
    const { applications } = applicationEntries([{ ...install, action: 'remove', version: null }]);

    expect(applications).toEqual([{ pkg: 'com.dhis2', remove: true, version: '0' }]);
  });

  it('skips installs whose version is missing', () => {
    const result = applicationEntries([{ ...install, version: null }]);

    expect(result.applications).toEqual([]);
    expect(result.skippedPackages).toEqual(['com.dhis2']);
  });

  it('uses the versionCode when there is no versionName', () => {
    const { applications } = applicationEntries([{ ...install, version: { ...install.version!, versionName: null } }]);

    expect(applications[0]).toMatchObject({ version: '3010', code: 3010 });
  });
});

describe('parsePolicySettings', () => {
  it('fills fields a stored policy lacks', () => {
    const settings = parsePolicySettings('{"gps":true}');

    expect(settings.gps).toBe(true);
    expect(settings.pushMode).toBe('polling');
  });

  it('returns defaults without a policy', () => {
    expect(parsePolicySettings(null)).toEqual(defaultPolicySettings());
  });

  it('throws on text that is not JSON', () => {
    expect(() => parsePolicySettings('{')).toThrow(SyntaxError);
  });

  it('moves keys outside the catalogue to extraRestrictions', () => {
    const settings = parsePolicySettings('{"restrictions":["no_config_tethering","no_printing"]}');

    expect(settings.restrictions).toEqual(['no_config_tethering']);
    expect(settings.extraRestrictions).toEqual(['no_printing']);
  });
});

describe('buildServerConfig', () => {
  it('combines settings, apps and command flags', () => {
    const built = buildServerConfig({
      settings: defaultPolicySettings(),
      apps: [install],
      commands: [{ id: 'c1', type: 'reboot', state: 'queued', payload: null }],
      mqttAvailable: false,
    });

    expect(built.config.pushOptions).toBe('polling');
    expect(built.config.applications).toHaveLength(1);
    expect(built.config.reboot).toBe(true);
    expect(built.config.lock).toBe(false);
    expect(built.commands.deliveredIds).toEqual(['c1']);
  });

  it('keeps an MQTT push mode when a broker runs', () => {
    const settings = { ...defaultPolicySettings(), pushMode: 'mqttWorker' as const };
    const built = buildServerConfig({ settings, apps: [], commands: [], mqttAvailable: true });

    expect(built.config.pushOptions).toBe('mqttWorker');
  });

  it('applies device overrides over the policy', () => {
    const settings = { ...defaultPolicySettings(), gps: true, restrictions: ['no_config_tethering'] };
    const built = buildServerConfig({
      settings,
      overrides: { gps: false, restrictions: ['no_safe_boot'] },
      apps: [],
      commands: [],
      mqttAvailable: false,
    });

    expect(built.config.gps).toBe(false);
    expect(built.config.restrictions).toBe('no_safe_boot');
  });

  it('falls back to polling without a broker', () => {
    const settings = { ...defaultPolicySettings(), pushMode: 'mqttAlarm' as const };
    const built = buildServerConfig({ settings, apps: [], commands: [], mqttAvailable: false });

    expect(built.config.pushOptions).toBe('polling');
  });
});

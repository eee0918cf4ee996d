import { createHash } from 'node:crypto';

import { describe, expect, it } from 'vitest';

import { luhnCheckDigit } from '../../simulator/device-profile.js';
import { planInstall, sha256FromReprDigest, type InstalledPackages } from '../../simulator/installer.js';
import { parseProvisioningJson, QrError } from '../../simulator/qr-extras.js';
import { responseSignatureMatches } from '../../simulator/signature.js';

const BUNDLE = 'android.app.extra.PROVISIONING_ADMIN_EXTRAS_BUNDLE';

describe('parseProvisioningJson', () => {
  it('reads the admin extras bundle', () => {
    const settings = parseProvisioningJson(
      {
        'android.app.extra.PROVISIONING_DEVICE_ADMIN_COMPONENT_NAME': 'org.example.agent/org.example.Admin',
        [BUNDLE]: {
          'com.hmdm.BASE_URL': 'https://mdm.example.org',
          'com.hmdm.SERVER_PROJECT': 'outpost',
          'com.hmdm.CONFIG': 'abc',
          'com.hmdm.GROUP': '1,2',
        },
      },
      'com.hmdm.launcher',
    );
    expect(settings.baseUrl).toBe('https://mdm.example.org');
    expect(settings.secondaryBaseUrl).toBe('https://mdm.example.org');
    expect(settings.serverProject).toBe('outpost');
    expect(settings.configuration).toBe('abc');
    expect(settings.groups).toEqual(['1', '2']);
    expect(settings.agentPackage).toBe('org.example.agent');
  });

  it('reads a number as null, like getString', () => {
    const settings = parseProvisioningJson({ [BUNDLE]: { 'com.hmdm.BASE_URL': 'http://h', 'com.hmdm.CONFIG': 12 } }, 'p');
    expect(settings.configuration).toBeNull();
    expect(settings.ignoredKeys).toEqual(['com.hmdm.CONFIG']);
  });

  it('rejects a base URL with a path', () => {
    expect(() => parseProvisioningJson({ [BUNDLE]: { 'com.hmdm.BASE_URL': 'https://h/outpost' } }, 'p')).toThrow(QrError);
  });

  it('rejects a QR without a base URL', () => {
    expect(() => parseProvisioningJson({ [BUNDLE]: { 'com.hmdm.CONFIG': 'x' } }, 'p')).toThrow(/vendor/);
  });
});

describe('planInstall', () => {
  const url = 'http://h/files/a.apk';
  const installed = (versionName: string, versionCode: number | null): InstalledPackages =>
    new Map([['com.dhis2', { name: 'DHIS2', versionName, versionCode }]]);

  it('installs a missing app', () => {
    expect(planInstall([{ pkg: 'com.dhis2', version: '1', code: 1, url }], new Map()).install).toHaveLength(1);
  });

  it('compares codes when the code is non-zero', () => {
    expect(planInstall([{ pkg: 'com.dhis2', version: 'other', code: 5, url }], installed('x', 5)).install).toHaveLength(0);
    expect(planInstall([{ pkg: 'com.dhis2', version: 'x', code: 6, url }], installed('x', 5)).install).toHaveLength(1);
  });

  it('compares names when the code is zero', () => {
    expect(planInstall([{ pkg: 'com.dhis2', version: '2.9', code: 0, url }], installed('2.9', 5)).install).toHaveLength(0);
    expect(planInstall([{ pkg: 'com.dhis2', version: '3.0', code: 0, url }], installed('2.9', 5)).install).toHaveLength(1);
  });

  it('skips a downgrade unless the installed version is removed', () => {
    const lower = { pkg: 'com.dhis2', version: '1', code: 1, url };
    expect(planInstall([lower], installed('2', 2)).install).toHaveLength(0);

    const plan = planInstall([{ pkg: 'com.dhis2', version: '2', remove: true }, lower], installed('2', 2));
    expect(plan.remove).toEqual(['com.dhis2']);
    expect(plan.install).toEqual([lower]);
  });

  it('accepts any version for "0" and skipVersion', () => {
    expect(planInstall([{ pkg: 'com.dhis2', version: '0', url }], installed('2', 2)).install).toHaveLength(0);
    expect(planInstall([{ pkg: 'com.dhis2', version: '9', code: 9, skipVersion: true, url }], installed('2', 2)).install).toHaveLength(0);
  });

  it('ignores web apps and entries without a URL', () => {
    const plan = planInstall([{ pkg: 'a', type: 'web', url }, { pkg: 'b', version: '1' }, { pkg: 'c', url: 'market://details?id=c' }], new Map());
    expect(plan.install).toHaveLength(0);
  });
});

describe('signatures and digests', () => {
  it('checks the response signature over whitespace-free data', () => {
    const data = '{"a": 1,\n "b": "x y"}';
    const signature = createHash('sha1').update('secret{"a":1,"b":"xy"}').digest('hex');
    expect(responseSignatureMatches('secret', `{"status":"OK","data":${data}}`, signature)).toBe(true);
    expect(responseSignatureMatches('secret', `{"status":"OK","data":${data}}`, null)).toBe(false);
  });

  it('reads sha-256 from Repr-Digest', () => {
    expect(sha256FromReprDigest('sha-512=:AA==:, sha-256=:q1w=:')).toBe('q1w=');
    expect(sha256FromReprDigest('md5=:AA==:')).toBeNull();
  });

  it('gives IMEIs a Luhn check digit', () => {
    expect(luhnCheckDigit('49015420323751')).toBe('8');
  });
});

import { describe, expect, it } from 'vitest';

import { InvalidInputError } from '../../src/domain/errors.js';
import { checkPolicySettings, isKnownTimeZone, mergeOverrides, normalizeRestrictionLists } from '../../src/domain/policy-rules.js';
import { defaultPolicySettings } from '../../src/domain/policy-settings.js';

const check = (change: Record<string, unknown>) => checkPolicySettings({ ...defaultPolicySettings(), ...change }, 'body.settings');

function fieldOf(change: Record<string, unknown>): string | undefined {
  try {
    check(change);
  } catch (error) {
    if (error instanceof InvalidInputError) return error.field;
    throw error;
  }
  return undefined;
}

describe('checkPolicySettings', () => {
  it('accepts the defaults', () => {
    expect(() => check({})).not.toThrow();
  });

  it('accepts complete windows, also across midnight', () => {
    expect(() => check({ appUpdateFrom: '22:00', appUpdateTo: '05:00' })).not.toThrow();
    expect(() => check({ systemUpdateType: 2, systemUpdateFrom: '01:00', systemUpdateTo: '04:00' })).not.toThrow();
  });

  it.each([
    [{ appUpdateFrom: '22:00' }, 'body.settings.appUpdateTo'],
    [{ appUpdateTo: '05:00' }, 'body.settings.appUpdateFrom'],
    [{ appUpdateFrom: '03:00', appUpdateTo: '03:00' }, 'body.settings.appUpdateTo'],
    [{ appUpdateFrom: '24:00', appUpdateTo: '03:00' }, 'body.settings.appUpdateFrom'],
    [{ systemUpdateType: 2 }, 'body.settings.systemUpdateFrom'],
    [{ systemUpdateType: 2, systemUpdateFrom: '01:00' }, 'body.settings.systemUpdateTo'],
    [{ systemUpdateType: 2, systemUpdateFrom: '01:00', systemUpdateTo: '01:00' }, 'body.settings.systemUpdateTo'],
    [{ systemUpdateType: 0, systemUpdateFrom: '01:00', systemUpdateTo: '02:00' }, 'body.settings.systemUpdateFrom'],
    [{ systemUpdateType: 4 }, 'body.settings.systemUpdateType'],
    [{ timeZone: 'Mars/Olympus_Mons' }, 'body.settings.timeZone'],
    [{ timeZone: '+03:00' }, 'body.settings.timeZone'],
    [{ restrictions: ['no_printing'] }, 'body.settings.restrictions.0'],
    [{ restrictions: ['no_safe_boot', 'no_safe_boot'] }, 'body.settings.restrictions.1'],
    [{ extraRestrictions: ['no_config_tethering'] }, 'body.settings.extraRestrictions.0'],
    [{ extraRestrictions: ['No-Caps'] }, 'body.settings.extraRestrictions.0'],
    [{ kioskMode: true }, 'body.settings.kioskApp'],
    [{ screenTimeoutSeconds: 2 }, 'body.settings.screenTimeoutSeconds'],
    [{ brightness: 256 }, 'body.settings.brightness'],
    [{ volumePercent: -1 }, 'body.settings.volumePercent'],
    [{ orientation: 3 }, 'body.settings.orientation'],
    [{ backgroundColor: 'red' }, 'body.settings.backgroundColor'],
    [{ iconSize: 110 }, 'body.settings.iconSize'],
  ])('rejects %j naming %s', (change, field) => {
    expect(fieldOf(change)).toBe(field);
  });

  it('accepts auto and IANA time zones', () => {
    expect(() => check({ timeZone: 'auto' })).not.toThrow();
    expect(() => check({ timeZone: 'Africa/Kampala' })).not.toThrow();
    expect(() => check({ timeZone: 'America/Argentina/Salta' })).not.toThrow();
    expect(() => check({ timeZone: 'UTC' })).not.toThrow();
  });

  it('accepts unknown keys in extraRestrictions', () => {
    expect(check({ extraRestrictions: ['no_printing'] }).extraRestrictions).toEqual(['no_printing']);
  });
});

describe('isKnownTimeZone', () => {
  it('rejects offsets and empty names', () => {
    expect(isKnownTimeZone('')).toBe(false);
    expect(isKnownTimeZone('GMT+3:00')).toBe(false);
    expect(isKnownTimeZone('Europe/Oslo')).toBe(true);
  });
});

describe('normalizeRestrictionLists', () => {
  it('keeps catalogue keys in place', () => {
    const settings = { ...defaultPolicySettings(), restrictions: ['no_add_user'] };

    expect(normalizeRestrictionLists(settings)).toBe(settings);
  });
});

describe('mergeOverrides', () => {
  it('replaces lists instead of joining them', () => {
    const merged = mergeOverrides({ ...defaultPolicySettings(), restrictions: ['no_add_user'] }, { restrictions: [] });

    expect(merged.restrictions).toEqual([]);
  });

  it('returns the policy settings without overrides', () => {
    const settings = defaultPolicySettings();

    expect(mergeOverrides(settings, null)).toBe(settings);
  });
});

import { describe, expect, it } from 'vitest';

import { findRestriction, RESTRICTION_CATALOG, RESTRICTION_KEY_PATTERN } from '../../src/domain/restriction-catalog.js';

describe('restriction catalogue', () => {
  it('has unique keys of the Android form', () => {
    const keys = RESTRICTION_CATALOG.map((entry) => entry.key);

    expect(new Set(keys).size).toBe(keys.length);
    for (const key of keys) expect(key).toMatch(new RegExp(RESTRICTION_KEY_PATTERN));
  });

  it.each([
    'no_config_tethering',
    'no_config_mobile_networks',
    'no_install_unknown_sources',
    'no_factory_reset',
    'no_safe_boot',
    'no_add_user',
    'no_usb_file_transfer',
    'no_config_wifi',
  ])('lists %s with a label and what it blocks', (key) => {
    const entry = findRestriction(key);

    expect(entry?.label.length).toBeGreaterThan(0);
    expect(entry?.blocks.length).toBeGreaterThan(0);
  });

  it('gives API levels in Android range', () => {
    for (const entry of RESTRICTION_CATALOG) {
      if (entry.minSdk !== null) expect(entry.minSdk).toBeGreaterThanOrEqual(17);
      if (entry.minSdk !== null) expect(entry.minSdk).toBeLessThanOrEqual(35);
    }
  });

  it('finds no entry for an unknown key', () => {
    expect(findRestriction('no_printing')).toBeUndefined();
  });
});

import { describe, expect, it } from 'vitest';

import { lostModeFlags } from '../../src/domain/agent-commands.js';
import { commandTypeOfMessage, isCancellable } from '../../src/domain/command-catalog.js';
import { commandPayload, pushPayload } from '../../src/domain/command-payload.js';
import { InvalidInputError } from '../../src/domain/errors.js';

function fieldOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    if (error instanceof InvalidInputError) return error.field;
    throw error;
  }
  return undefined;
}

describe('command payloads', () => {
  it('trim the lock message and drop an empty one', () => {
    expect(commandPayload('lock', { message: '  Return the phone  ' })).toEqual({ message: 'Return the phone' });
    expect(commandPayload('lock', { message: '   ' })).toEqual({ message: null });
    expect(commandPayload('lock', {})).toEqual({ message: null });
  });

  it('store the screen password under password', () => {
    expect(commandPayload('passwordReset', { newPassword: '2468' })).toEqual({ password: '2468' });
  });

  it('deduplicate granted packages', () => {
    expect(commandPayload('grantPermissions', { packageNames: ['com.dhis2', 'com.dhis2', 'org.odk.collect.android'] })).toEqual({
      packageNames: ['com.dhis2', 'org.odk.collect.android'],
    });
  });

  it('name the field at fault', () => {
    expect(fieldOf(() => commandPayload('reboot', { message: 'x' }))).toBe('body.message');
    expect(fieldOf(() => commandPayload('uninstallApp', { packageName: 'com..dhis2' }))).toBe('body.packageName');
    expect(fieldOf(() => commandPayload('uninstallApp', { packageName: 'dhis2' }))).toBe('body.packageName');
    expect(fieldOf(() => commandPayload('message', { message: 'x'.repeat(1001) }))).toBe('body.message');
    expect(fieldOf(() => commandPayload('lock', { message: 'x'.repeat(501) }))).toBe('body.message');
    expect(fieldOf(() => commandPayload('passwordReset', { newPassword: 'x'.repeat(65) }))).toBe('body.newPassword');
  });
});

describe('push payloads', () => {
  it('use the keys the agent reads', () => {
    expect(pushPayload('uninstallApp', { packageName: 'com.dhis2' })).toEqual({ pkg: 'com.dhis2' });
    expect(pushPayload('clearAppData', { packageName: 'com.dhis2' })).toEqual({ pkg: 'com.dhis2' });
    expect(pushPayload('grantPermissions', { packageNames: ['com.dhis2'] })).toEqual({ pkg: 'com.dhis2' });
    expect(pushPayload('grantPermissions', { packageNames: ['a.b', 'c.d'] })).toEqual({ pkg: ['a.b', 'c.d'] });
    expect(pushPayload('grantPermissions', { packageNames: [] })).toEqual({});
    expect(pushPayload('message', { text: 'hello' })).toEqual({ text: 'hello' });
    expect(pushPayload('sync', null)).toBeNull();
  });

  it('map message types back to commands', () => {
    expect(commandTypeOfMessage('textMessage')).toBe('message');
    expect(commandTypeOfMessage('configUpdated')).toBe('sync');
    expect(commandTypeOfMessage('reboot')).toBeNull();
  });
});

describe('cancelling', () => {
  it.each([
    ['wipe', 'queued', true],
    ['wipe', 'sent', true],
    ['wipe', 'confirmed', false],
    ['uninstallApp', 'queued', true],
    ['uninstallApp', 'sent', false],
    ['lock', 'expired', false],
  ] as const)('%s in state %s: %s', (type, state, expected) => {
    expect(isCancellable(type, state)).toBe(expected);
  });
});

describe('lost mode flags', () => {
  it('lock with the message and ask for GPS', () => {
    expect(lostModeFlags('Call 0700')).toEqual({ lock: true, lockMessage: 'Call 0700', requestUpdates: 'gps' });
    expect(lostModeFlags(null)).toEqual({ lock: true, requestUpdates: 'gps' });
  });
});

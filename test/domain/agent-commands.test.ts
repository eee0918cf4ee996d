import { describe, expect, it } from 'vitest';

import { planCommandDelivery, type OpenCommand } from '../../src/domain/agent-commands.js';

function command(id: string, type: string, payload: unknown = null, state: OpenCommand['state'] = 'queued'): OpenCommand {
  return { id, type, state, payload };
}

describe('planCommandDelivery', () => {
  it('sends lock false without commands', () => {
    const plan = planCommandDelivery([]);

    expect(plan.flags).toEqual({ lock: false });
    expect(plan.deliveredIds).toEqual([]);
    expect(plan.settled).toEqual([]);
  });

  it('sets reboot and factory reset flags', () => {
    const plan = planCommandDelivery([command('a', 'reboot'), command('b', 'wipe'), command('c', 'factoryReset')]);

    expect(plan.flags.reboot).toBe(true);
    expect(plan.flags.factoryReset).toBe(true);
    expect(plan.deliveredIds).toEqual(['a', 'b', 'c']);
  });

  it('locks with the newest lock message', () => {
    const plan = planCommandDelivery([
      command('old', 'lock', { message: 'first' }, 'sent'),
      command('new', 'lock', { lockMessage: 'second' }),
    ]);

    expect(plan.flags.lock).toBe(true);
    expect(plan.flags.lockMessage).toBe('second');
    expect(plan.deliveredIds).toEqual(['new']);
    expect(plan.settled).toEqual([{ id: 'old', state: 'confirmed' }]);
  });

  it('unlocks when an unlock is newest', () => {
    const plan = planCommandDelivery([command('lock', 'lock', null, 'sent'), command('unlock', 'unlock')]);

    expect(plan.flags.lock).toBe(false);
    expect(plan.deliveredIds).toEqual([]);
    expect(plan.settled).toEqual([
      { id: 'lock', state: 'confirmed' },
      { id: 'unlock', state: 'confirmed' },
    ]);
  });

  it('cancels a lock replaced before delivery', () => {
    const plan = planCommandDelivery([command('lock', 'lock'), command('unlock', 'unlock')]);

    expect(plan.settled).toContainEqual({ id: 'lock', state: 'cancelled' });
  });

  it('sends the newest password and fails one without a password', () => {
    const plan = planCommandDelivery([
      command('older', 'passwordReset', { password: '1111' }),
      command('broken', 'passwordReset', { pin: 5 }),
      command('newest', 'passwordReset', { password: '2222' }),
    ]);

    expect(plan.flags.passwordReset).toBe('2222');
    expect(plan.deliveredIds).toEqual(['newest']);
    expect(plan.settled).toEqual([
      { id: 'broken', state: 'failed' },
      { id: 'older', state: 'cancelled' },
    ]);
  });

  it('ignores commands that travel over push', () => {
    const plan = planCommandDelivery([command('x', 'clearAppData', { pkg: 'com.dhis2' })]);

    expect(plan.flags).toEqual({ lock: false });
    expect(plan.deliveredIds).toEqual([]);
  });
});

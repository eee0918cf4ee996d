import { describe, expect, it } from 'vitest';

import {
  COLLISION_TAKEOVERS_PER_WINDOW,
  CONNECT_WINDOW_MS,
  ConnectionGuard,
  MAX_CONNECTS_PER_WINDOW,
} from '../../../src/push/mqtt/connection-guard.js';
import { captureLogger } from './mqtt-support.js';

function guardWithClock() {
  const clock = { now: 1_000_000 };
  const { logger, lines } = captureLogger();
  const guard = new ConnectionGuard(logger, () => clock.now);
  return { guard, clock, lines };
}

const isCollision = (line: Record<string, unknown>) => String(line.msg).startsWith('mqtt device id collision');

describe('ConnectionGuard', () => {
  it('admits connects up to the limit', () => {
    const { guard } = guardWithClock();
    for (let i = 0; i < MAX_CONNECTS_PER_WINDOW; i++) {
      expect(guard.admitConnect('phone-1', '10.0.0.1')).toBe(true);
    }
    expect(guard.admitConnect('phone-1', '10.0.0.1')).toBe(false);
  });

  it('counts each client id apart', () => {
    const { guard } = guardWithClock();
    for (let i = 0; i <= MAX_CONNECTS_PER_WINDOW; i++) guard.admitConnect('phone-1', '10.0.0.1');

    expect(guard.admitConnect('phone-2', '10.0.0.2')).toBe(true);
  });

  it('admits again in the next window', () => {
    const { guard, clock } = guardWithClock();
    for (let i = 0; i <= MAX_CONNECTS_PER_WINDOW; i++) guard.admitConnect('phone-1', '10.0.0.1');

    clock.now += CONNECT_WINDOW_MS;
    expect(guard.admitConnect('phone-1', '10.0.0.1')).toBe(true);
  });

  it('logs a rate-limited id once per window', () => {
    const { guard, lines } = guardWithClock();
    for (let i = 0; i < MAX_CONNECTS_PER_WINDOW + 5; i++) guard.admitConnect('phone-1', '10.0.0.1');

    const rejected = lines.filter((line) => String(line.msg).startsWith('mqtt connect rejected'));
    expect(rejected).toHaveLength(1);
    expect(rejected[0]).toMatchObject({ deviceId: 'phone-1', connects: MAX_CONNECTS_PER_WINDOW + 1 });
  });

  it('ignores a single takeover', () => {
    const { guard, lines } = guardWithClock();
    guard.recordTakeover('phone-1', '10.0.0.1', '10.0.0.2');

    expect(lines.filter(isCollision)).toEqual([]);
  });

  it('logs a collision once a minute', () => {
    const { guard, clock, lines } = guardWithClock();
    for (let i = 0; i < COLLISION_TAKEOVERS_PER_WINDOW + 10; i++) guard.recordTakeover('phone-1', '10.0.0.1', '10.0.0.2');

    expect(lines.filter(isCollision)).toHaveLength(1);
    expect(lines.filter(isCollision)[0]).toMatchObject({ deviceId: 'phone-1', addresses: ['10.0.0.1', '10.0.0.2'] });

    clock.now += CONNECT_WINDOW_MS;
    for (let i = 0; i < COLLISION_TAKEOVERS_PER_WINDOW; i++) guard.recordTakeover('phone-1', '10.0.0.1', '10.0.0.2');

    const collisions = lines.filter(isCollision);
    expect(collisions).toHaveLength(2);
    expect(collisions[1]).toMatchObject({ suppressed: 10 });
  });

  it('drops ended windows on sweep', () => {
    const { guard, clock } = guardWithClock();
    for (let i = 0; i <= MAX_CONNECTS_PER_WINDOW; i++) guard.admitConnect('phone-1', '10.0.0.1');

    clock.now += CONNECT_WINDOW_MS;
    guard.sweep();
    clock.now -= 1;
    // The window was dropped, so a connect just before its end starts a fresh one.
    expect(guard.admitConnect('phone-1', '10.0.0.1')).toBe(true);
  });
});

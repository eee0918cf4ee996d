import pino from 'pino';
import { describe, expect, it } from 'vitest';

import { UnknownDeviceLog } from '../../src/agent-api/unknown-device-log.js';

function recordingLogger(): { logger: pino.Logger; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  const logger = pino({ level: 'warn' }, { write: (line: string) => lines.push(JSON.parse(line)) });
  return { logger, lines };
}

describe('UnknownDeviceLog', () => {
  it('logs an id once an hour', () => {
    const { logger, lines } = recordingLogger();
    let now = 0;
    const log = new UnknownDeviceLog(logger, () => now);

    log.record('phone-gone', 'poll', '10.0.0.1');
    now = 59 * 60 * 1000;
    log.record('phone-gone', 'poll', '10.0.0.1');
    now = 60 * 60 * 1000;
    log.record('phone-gone', 'sync', '10.0.0.1');

    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({ deviceId: 'phone-gone', route: 'poll', ip: '10.0.0.1' });
    expect(lines[1]).toMatchObject({ route: 'sync' });
  });

  it('logs each id separately', () => {
    const { logger, lines } = recordingLogger();
    const log = new UnknownDeviceLog(logger, () => 0);

    log.record('phone-a', 'poll', '10.0.0.1');
    log.record('phone-b', 'poll', '10.0.0.1');

    expect(lines.map((line) => line.deviceId)).toEqual(['phone-a', 'phone-b']);
  });
});

// A bad OUTPOST_PORT was reported as "Invalid port", which names neither
// the variable nor the flag the operator has to fix.
import { describe, expect, it } from 'vitest';

import { loadConfig } from '../../src/config.js';

const FLAGS = { host: '127.0.0.1', dataDir: '/tmp/outpost-port-error' };

describe('a bad port setting', () => {
  it('names OUTPOST_PORT when the variable is at fault', () => {
    expect(() => loadConfig(FLAGS, { OUTPOST_PORT: '0x50' })).toThrow(/^Invalid OUTPOST_PORT "0x50"/);
  });

  it('names --port when the flag is at fault', () => {
    expect(() => loadConfig({ ...FLAGS, port: '1e3' }, { OUTPOST_PORT: '8080' })).toThrow(/^Invalid --port "1e3"/);
  });
});

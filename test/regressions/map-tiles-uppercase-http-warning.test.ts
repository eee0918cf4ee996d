// URL schemes ignore case, so a tile URL written HTTP://... is plain http.
// Under an https console browsers block those tiles, but the start-up
// warning only looked for a lowercase "http:".
import { describe, expect, it } from 'vitest';

import { configWarnings, loadConfig } from '../../src/config.js';

describe('the mixed-content tile warning', () => {
  it('warns about an http tile URL whatever the case of its scheme', () => {
    for (const scheme of ['HTTP', 'Http']) {
      const config = loadConfig(
        { host: '127.0.0.1', port: 0, dataDir: '/tmp/outpost-tile-case', publicUrl: 'https://mdm.example.org' },
        { OUTPOST_MAP_TILE_URL: `${scheme}://tiles.example.org/{z}/{x}/{y}.png` },
      );
      expect(configWarnings(config)).toEqual([expect.stringMatching(/OUTPOST_MAP_TILE_URL .* https/)]);
    }
  });
});

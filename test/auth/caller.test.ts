import { describe, expect, it } from 'vitest';

import { requireRole, type Caller } from '../../src/auth/caller.js';
import { ForbiddenError } from '../../src/domain/errors.js';
import type { ConsoleRole } from '../../src/domain/roles.js';

const CASES: Array<[ConsoleRole, ConsoleRole, boolean]> = [
  ['viewer', 'viewer', true],
  ['viewer', 'operator', false],
  ['viewer', 'admin', false],
  ['operator', 'viewer', true],
  ['operator', 'operator', true],
  ['operator', 'admin', false],
  ['admin', 'viewer', true],
  ['admin', 'operator', true],
  ['admin', 'admin', true],
];

describe('requireRole', () => {
  for (const [role, minimum, allowed] of CASES) {
    it(`${role} ${allowed ? 'may' : 'may not'} act as ${minimum}`, () => {
      const caller: Caller = { userId: 'u', username: 'fatou', role };
      const check = () => requireRole(caller, minimum);

      if (allowed) {
        expect(check).not.toThrow();
      } else {
        expect(check).toThrow(ForbiddenError);
        expect(check).toThrow(`requires the ${minimum} role, but "fatou" has the ${role} role`);
      }
    });
  }
});

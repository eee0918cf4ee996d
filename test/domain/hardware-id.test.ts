import { describe, expect, it } from 'vitest';

import { usableHardwareId, usableHardwareIds } from '../../src/domain/hardware-id.js';

describe('usableHardwareId', () => {
  it.each([
    ['R58N12ABCDE', 'R58N12ABCDE'],
    ['  356938035643809 ', '356938035643809'],
  ])('keeps %j', (value, expected) => {
    expect(usableHardwareId(value)).toBe(expected);
  });

  it.each([null, undefined, '', '   ', 'unknown', 'UNKNOWN', '0123456789ABCDEF', '000000000000000', 'abc'])(
    'rejects %j',
    (value) => {
      expect(usableHardwareId(value)).toBeNull();
    },
  );

  it('drops duplicates and placeholders from a list', () => {
    expect(usableHardwareIds(['R58N12ABCDE', 'unknown', 'R58N12ABCDE', null])).toEqual(['R58N12ABCDE']);
  });
});

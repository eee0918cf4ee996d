import { describe, expect, it } from 'vitest';

import { databaseErrorFields, isDatabaseUnavailable } from '../../src/store/database-errors.js';

function withCode(message: string, code: string): Error {
  return Object.assign(new Error(message), { code });
}

describe('isDatabaseUnavailable', () => {
  it.each([
    ['a refused connection', withCode('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED')],
    ['a reset connection', withCode('read ECONNRESET', 'ECONNRESET')],
    ['a server shutting down', withCode('terminating connection due to administrator command', '57P01')],
    ['a server starting up', withCode('the database system is starting up', '57P03')],
    ['a connection exception', withCode('connection failure', '08006')],
    ['too many connections', withCode('sorry, too many clients already', '53300')],
    ['a closed socket', new Error('Connection terminated unexpectedly')],
    ['a connect timeout', new Error('timeout exceeded when trying to connect')],
    ['a wrapped socket error', new Error('query failed', { cause: withCode('connect ECONNREFUSED', 'ECONNREFUSED') })],
    ['refused on every address', new AggregateError([withCode('connect ECONNREFUSED ::1:5432', 'ECONNREFUSED')], '')],
  ])('accepts %s', (_case, error) => {
    expect(isDatabaseUnavailable(error)).toBe(true);
  });

  it.each([
    ['a unique violation', withCode('duplicate key value violates unique constraint', '23505')],
    ['a syntax error', withCode('syntax error at or near "selec"', '42601')],
    ['an error without a code', new Error('Command abc vanished right after it was queued')],
    ['a string', 'Connection terminated unexpectedly'],
    ['null', null],
  ])('rejects %s', (_case, error) => {
    expect(isDatabaseUnavailable(error)).toBe(false);
  });
});

describe('databaseErrorFields', () => {
  it('keeps the message and code only', () => {
    const error = Object.assign(withCode('terminating connection', '57P01'), { client: { password: 'hunter2' } });

    expect(databaseErrorFields(error)).toEqual({ reason: 'terminating connection', code: '57P01' });
    expect(JSON.stringify(databaseErrorFields(error))).not.toContain('hunter2');
  });
});

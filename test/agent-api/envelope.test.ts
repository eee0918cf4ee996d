import { describe, expect, it } from 'vitest';

import { responseSignature, serialiseEnvelope } from '../../src/agent-api/envelope.js';

const SECRET = 'changeme-C3z9vi54';

describe('serialiseEnvelope', () => {
  it('puts data last with nothing after it', () => {
    const body = serialiseEnvelope({ status: 'OK', message: null, data: { a: 1 } });

    expect(body).toBe('{"status":"OK","message":null,"data":{"a":1}}');
  });

  it('places the detail before data', () => {
    const body = serialiseEnvelope({ status: 'ERROR', message: 'error.notfound.device', detail: 'why', data: null });

    expect(body).toBe('{"status":"ERROR","message":"error.notfound.device","detail":"why","data":null}');
  });

  it('keeps a "data": inside a value from preceding the real one', () => {
    const body = serialiseEnvelope({ status: 'ERROR', message: 'x', detail: '"data":1', data: null });

    expect(body.indexOf('"data":')).toBe(body.lastIndexOf('"data":'));
  });
});

describe('responseSignature', () => {
  // Expected values were computed outside this code base, with Python's
  // hashlib over the same bodies and the agent's rule.
  it('strips ASCII whitespace, even inside strings', () => {
    const body = '{"status":"OK","message":null,"data":{"title":"Programme phone","n":[1, 2]}}';

    expect(responseSignature(SECRET, body)).toBe('49407E8D08A8DC09EADCF32EAD15DCAE06B326DA');
  });

  it('keeps non-ASCII spaces, as Java does', () => {
    const body = '{"status":"OK","message":null,"data":{"t":"a\u00a0b"}}';

    expect(responseSignature(SECRET, body)).toBe('EAB98025E47BE38C7161308D1F7A4EA19BF92A93');
  });
});

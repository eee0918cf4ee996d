import { createHash } from 'node:crypto';

import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { pollingSignatures, RequestSignatureCheck, signatureMatches } from '../../src/agent-api/request-signature.js';
import { loadConfig } from '../../src/config.js';
import type { AppContext } from '../../src/context.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { agentUrl, DEFAULT_SECRET, enrol, get, seedPolicy, seedToken } from './helpers.js';

const SIGNED_ENV = { OUTPOST_REQUIRE_AGENT_SIGNATURE: 'true', OUTPOST_LONG_POLL_HOLD_SECONDS: '1' };
const DEVICE_ID = 'phone-signed';

function sha1Upper(text: string): string {
  return createHash('sha1').update(text, 'utf8').digest('hex').toUpperCase();
}

async function enrolSigned(server: TestServer, deviceId: string, tokenId: string, signature?: string) {
  const headers: Record<string, string> = { 'content-type': 'application/json; charset=UTF-8' };
  if (signature !== undefined) headers['x-request-signature'] = signature;
  const response = await fetch(agentUrl(server, `/rest/public/sync/configuration/${encodeURIComponent(deviceId)}`), {
    method: 'POST',
    headers,
    body: JSON.stringify({ customer: null, configuration: tokenId, groups: null, groupSet: null }),
  });
  return { status: response.status, json: await response.json() };
}

function signed(signature: string | undefined): Record<string, string> {
  return signature === undefined ? {} : { 'x-request-signature': signature };
}

// The agent's string for the long poll: secret + project without its
// leading slash + route path + encoded device id.
function agentPollSignature(project: string, deviceId: string): string {
  return sha1Upper(`${DEFAULT_SECRET}${project}/rest/notification/polling/${encodeURIComponent(deviceId)}`);
}

for (const { label, publicUrl, project } of [
  { label: 'root project', publicUrl: undefined, project: '' },
  { label: '/outpost project', publicUrl: 'http://127.0.0.1:1/outpost', project: 'outpost' },
]) {
  describe(`required signatures, ${label}`, () => {
    let server: TestServer;
    let tokenId: string;

    beforeAll(async () => {
      server = await startTestServer({ publicUrl, env: SIGNED_ENV });
      tokenId = await seedToken(server.ctx, { policyId: await seedPolicy(server.ctx) });
    });

    afterAll(async () => {
      await server.dispose();
    });

    it('rejects enrolment without a signature', async () => {
      const response = await enrolSigned(server, 'phone-unsigned', tokenId);

      expect(response.status).toBe(200);
      expect(response.json.status).toBe('ERROR');
      expect(response.json.message).toBe('error.permission.denied');
      expect(await server.ctx.store.devices.findByDeviceId('phone-unsigned')).toBeFalsy();
    });

    it('accepts enrolment and sync with the config signature', async () => {
      const signature = sha1Upper(DEFAULT_SECRET + DEVICE_ID);
      const enrolled = await enrolSigned(server, DEVICE_ID, tokenId, signature);
      expect(enrolled.json.status).toBe('OK');

      const synced = await get(server, `/rest/public/sync/configuration/${DEVICE_ID}`, signed(signature.toLowerCase()));
      expect(synced.status).toBe(200);
      expect(synced.json.status).toBe('OK');
    });

    it('rejects sync with a wrong or missing signature', async () => {
      const wrong = sha1Upper(`wrong-secret${DEVICE_ID}`);
      for (const signature of [wrong, undefined, 'not-hex']) {
        const response = await get(server, `/rest/public/sync/configuration/${DEVICE_ID}`, signed(signature));
        expect(response.status).toBe(200);
        expect(response.json.message).toBe('error.permission.denied');
        expect(response.json.data).toBeNull();
      }
    });

    it('accepts the long poll signed as the agent signs it', async () => {
      const response = await get(server, `/rest/notification/polling/${DEVICE_ID}`, signed(agentPollSignature(project, DEVICE_ID)));

      expect(response.status).toBe(200);
      expect(response.json.status).toBe('OK');
    });

    it('rejects the long poll with a wrong or missing signature', async () => {
      const configSignature = sha1Upper(DEFAULT_SECRET + DEVICE_ID);
      for (const signature of [configSignature, undefined]) {
        const response = await get(server, `/rest/notification/polling/${DEVICE_ID}`, signed(signature));
        expect(response.status).toBe(403);
      }
    });
  });
}

describe('polling signature with a leading slash', () => {
  it('accepts both forms under a project', () => {
    const accepted = pollingSignatures(DEFAULT_SECRET, 'outpost', '/rest/notification/polling/', 'phone-1');

    expect(signatureMatches(agentPollSignature('outpost', 'phone-1'), accepted)).toBe(true);
    expect(signatureMatches(agentPollSignature('/outpost', 'phone-1'), accepted)).toBe(true);
    expect(signatureMatches(agentPollSignature('other', 'phone-1'), accepted)).toBe(false);
  });

  it('accepts both encodings of a space', () => {
    const accepted = pollingSignatures(DEFAULT_SECRET, '', '/rest/notification/polling/', 'phone 1');
    const formEncoded = sha1Upper(`${DEFAULT_SECRET}/rest/notification/polling/phone+1`);
    const percentEncoded = sha1Upper(`${DEFAULT_SECRET}/rest/notification/polling/phone%201`);

    expect(signatureMatches(formEncoded, accepted)).toBe(true);
    expect(signatureMatches(percentEncoded, accepted)).toBe(true);
  });
});

describe('signatures not required', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer({ env: { OUTPOST_LONG_POLL_HOLD_SECONDS: '1' } });
  });

  afterAll(async () => {
    await server.dispose();
  });

  it('serves unsigned and wrongly signed requests', async () => {
    const tokenId = await seedToken(server.ctx, { policyId: await seedPolicy(server.ctx) });
    const enrolled = await enrol(server, 'phone-open', tokenId);
    expect(enrolled.json.status).toBe('OK');

    const synced = await get(server, '/rest/public/sync/configuration/phone-open', signed('0'.repeat(40)));
    expect(synced.json.status).toBe('OK');

    const polled = await get(server, '/rest/notification/polling/phone-open');
    expect(polled.status).toBe(200);
  });
});

describe('rejection log', () => {
  it('writes once per device an hour', async () => {
    const lines: Array<Record<string, unknown>> = [];
    const logger = pino({ level: 'warn' }, { write: (line: string) => lines.push(JSON.parse(line)) });
    let now = 0;
    const config = loadConfig({}, { OUTPOST_REQUIRE_AGENT_SIGNATURE: 'true' });
    const check = new RequestSignatureCheck({ config, logger, now: () => now } as unknown as AppContext);

    const request = { headers: {}, ip: '203.0.113.9' } as never;
    const statuses: number[] = [];
    const reply = {
      code(status: number) {
        statuses.push(status);
        return this;
      },
      send: async () => undefined,
    } as never;

    for (const [at, deviceId] of [[0, 'phone-a'], [1000, 'phone-a'], [2000, 'phone-b'], [60 * 60 * 1000, 'phone-a']] as const) {
      now = at;
      expect(await check.acceptPollRequest(request, reply, '/rest/notification/polling/', deviceId)).toBe(false);
    }

    expect(statuses).toEqual([403, 403, 403, 403]);
    expect(lines.map((line) => line.deviceId)).toEqual(['phone-a', 'phone-b', 'phone-a']);
    expect(lines[2]?.suppressed).toBe(1);
  });
});

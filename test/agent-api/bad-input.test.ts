import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startTestServer, type TestServer } from '../support/server.js';
import { agentUrl, deviceInfo, enrol, seedPolicy, seedToken } from './helpers.js';

// A small limit keeps the oversized bodies of this table small, yet fits
// the 101-line log upload, which must fail on its line count.
const BODY_LIMIT = 8192;
const OVERSIZED = JSON.stringify({ deviceId: 'phone-ok', model: 'x'.repeat(BODY_LIMIT) });

const NOT_FOUND_KEY = 'error.notfound.device';

let server: TestServer;
const tokens: Record<'valid' | 'expired' | 'revoked' | 'usedUp' | 'deletedPolicy', string> = {
  valid: '',
  expired: '',
  revoked: '',
  usedUp: '',
  deletedPolicy: '',
};

beforeAll(async () => {
  server = await startTestServer({ env: { OUTPOST_AGENT_BODY_LIMIT_BYTES: String(BODY_LIMIT) } });
  const ctx = server.ctx;
  const policyId = await seedPolicy(ctx);

  tokens.valid = await seedToken(ctx, { policyId });
  tokens.expired = await seedToken(ctx, { policyId, expiresAt: Date.now() - 1000 });
  tokens.revoked = await seedToken(ctx, { policyId });
  await ctx.store.enrolment.revoke(tokens.revoked);
  tokens.usedUp = await seedToken(ctx, { policyId, usesLeft: 0 });

  // The schema keeps a policy with tokens from being deleted; a restore
  // from an older backup can still leave such a token behind.
  const doomedPolicy = await seedPolicy(ctx);
  tokens.deletedPolicy = await seedToken(ctx, { policyId: doomedPolicy });
  await sql`PRAGMA foreign_keys = OFF`.execute(ctx.store.db);
  await ctx.store.policies.delete(doomedPolicy);
  await sql`PRAGMA foreign_keys = ON`.execute(ctx.store.db);

  await enrol(server, 'phone-ok', tokens.valid);
});

afterAll(async () => {
  await server.dispose();
});

interface Case {
  name: string;
  method: 'GET' | 'POST';
  path: string;
  /** A string is sent as is; anything else as JSON. */
  body?: unknown;
  contentType?: string;
  status: number;
  /** Expected envelope message key, for responses in the agent's envelope. */
  message?: string;
  /** Text the envelope detail or error message must contain. */
  reason?: string;
}

const enrolPath = (deviceId: string) => `/rest/public/sync/configuration/${encodeURIComponent(deviceId)}`;
const enrolBody = (token: string | null) => ({ customer: null, configuration: token, groups: null, groupSet: null });
const tokenCase = (name: string, token: () => string | null, reason: string): Case => ({
  name,
  method: 'POST',
  path: enrolPath(`phone-${name.replace(/\W+/g, '-')}`),
  body: { lazyToken: token },
  status: 200,
  message: NOT_FOUND_KEY,
  reason,
});

const CASES: Case[] = [
  // Enrolment
  { name: 'enrol malformed JSON', method: 'POST', path: enrolPath('phone-a'), body: '{"configuration":', status: 400 },
  {
    name: 'enrol configuration not a string',
    method: 'POST',
    path: enrolPath('phone-a'),
    body: { configuration: 5 },
    status: 400,
  },
  { name: 'enrol body over the limit', method: 'POST', path: enrolPath('phone-a'), body: OVERSIZED, status: 413 },
  {
    name: 'enrol text body',
    method: 'POST',
    path: enrolPath('phone-a'),
    body: 'hello',
    contentType: 'text/plain',
    status: 400,
  },
  {
    name: 'enrol XML body',
    method: 'POST',
    path: enrolPath('phone-a'),
    body: '<a/>',
    contentType: 'application/xml',
    status: 415,
  },
  {
    name: 'enrol prototype pollution',
    method: 'POST',
    path: enrolPath('phone-a'),
    body: '{"__proto__":{"admin":true}}',
    status: 400,
  },
  {
    name: 'device id with slash',
    method: 'POST',
    path: enrolPath('a/b'),
    body: enrolBody(null),
    status: 200,
    message: NOT_FOUND_KEY,
    reason: '"/"',
  },
  {
    name: 'device id with plus',
    method: 'POST',
    path: enrolPath('a+b'),
    body: enrolBody(null),
    status: 200,
    message: NOT_FOUND_KEY,
    reason: '"+"',
  },
  {
    name: 'device id with hash',
    method: 'POST',
    path: enrolPath('a#b'),
    body: enrolBody(null),
    status: 200,
    message: NOT_FOUND_KEY,
    reason: '"#"',
  },
  {
    name: 'device id with space',
    method: 'POST',
    path: enrolPath('a b'),
    body: enrolBody(null),
    status: 200,
    message: NOT_FOUND_KEY,
    reason: 'whitespace',
  },
  {
    name: 'device id with control character',
    method: 'POST',
    path: enrolPath('a\u0001b'),
    body: enrolBody(null),
    status: 200,
    message: NOT_FOUND_KEY,
    reason: 'control character',
  },
  {
    name: 'device id too long',
    method: 'POST',
    path: enrolPath('p'.repeat(101)),
    body: enrolBody(tokens.valid),
    status: 200,
    message: NOT_FOUND_KEY,
    reason: 'longer than 100',
  },
  {
    name: 'device id empty',
    method: 'POST',
    path: enrolPath(''),
    body: enrolBody(null),
    status: 200,
    message: NOT_FOUND_KEY,
    reason: 'empty',
  },
  tokenCase('missing token', () => null, 'no enrolment code'),
  tokenCase('unknown token', () => 'not-a-token', 'not known'),
  tokenCase('expired token', () => tokens.expired, 'expired'),
  tokenCase('revoked token', () => tokens.revoked, 'revoked'),
  tokenCase('used up token', () => tokens.usedUp, 'no uses left'),
  tokenCase('token of deleted policy', () => tokens.deletedPolicy, 'policy'),
  // Sync
  { name: 'sync unknown device', method: 'GET', path: enrolPath('phone-missing'), status: 200, message: NOT_FOUND_KEY },
  // Device info
  {
    name: 'info malformed JSON',
    method: 'POST',
    path: '/rest/public/sync/info',
    body: '{"deviceId":"phone-ok",',
    status: 400,
  },
  { name: 'info empty body', method: 'POST', path: '/rest/public/sync/info', body: '', status: 400 },
  { name: 'info array body', method: 'POST', path: '/rest/public/sync/info', body: [], status: 400 },
  {
    name: 'info without device id',
    method: 'POST',
    path: '/rest/public/sync/info',
    body: { model: 'x' },
    status: 400,
    reason: 'deviceId',
  },
  {
    name: 'info battery as text',
    method: 'POST',
    path: '/rest/public/sync/info',
    body: deviceInfo('phone-ok', { batteryLevel: '80' }),
    status: 400,
    reason: 'batteryLevel',
  },
  {
    name: 'info latitude as text',
    method: 'POST',
    path: '/rest/public/sync/info',
    body: deviceInfo('phone-ok', { location: { ts: 1, lat: '12.5', lon: 0 } }),
    status: 400,
    reason: 'location.lat',
  },
  {
    name: 'info applications not a list',
    method: 'POST',
    path: '/rest/public/sync/info',
    body: deviceInfo('phone-ok', { applications: 'com.dhis2' }),
    status: 400,
    reason: 'applications',
  },
  { name: 'info body over the limit', method: 'POST', path: '/rest/public/sync/info', body: OVERSIZED, status: 413 },
  {
    name: 'info unknown device',
    method: 'POST',
    path: '/rest/public/sync/info',
    body: deviceInfo('phone-missing'),
    status: 200,
    message: NOT_FOUND_KEY,
  },
  // Polling
  { name: 'long poll unknown device', method: 'GET', path: '/rest/notification/polling/phone-missing', status: 404 },
  { name: 'short poll unknown device', method: 'GET', path: '/rest/notifications/device/phone-missing', status: 404 },
  // Device logs
  {
    name: 'log rules unknown device',
    method: 'GET',
    path: '/rest/plugins/devicelog/log/rules/phone-missing',
    status: 200,
    message: NOT_FOUND_KEY,
  },
  {
    name: 'log upload malformed JSON',
    method: 'POST',
    path: '/rest/plugins/devicelog/log/list/phone-ok',
    body: '[{',
    status: 400,
  },
  {
    name: 'log upload not a list',
    method: 'POST',
    path: '/rest/plugins/devicelog/log/list/phone-ok',
    body: {},
    status: 400,
  },
  {
    name: 'log upload level out of range',
    method: 'POST',
    path: '/rest/plugins/devicelog/log/list/phone-ok',
    body: [{ timestamp: 1, logLevel: 6, packageId: 'com.dhis2', message: 'm' }],
    status: 400,
    reason: 'logLevel',
  },
  {
    name: 'log upload timestamp as text',
    method: 'POST',
    path: '/rest/plugins/devicelog/log/list/phone-ok',
    body: [{ timestamp: 'now', logLevel: 3, packageId: 'com.dhis2', message: 'm' }],
    status: 400,
    reason: 'timestamp',
  },
  {
    name: 'log upload too many lines',
    method: 'POST',
    path: '/rest/plugins/devicelog/log/list/phone-ok',
    body: Array.from({ length: 101 }, () => ({ timestamp: 1, logLevel: 3, packageId: 'p', message: '' })),
    status: 400,
  },
  {
    name: 'log upload unknown device',
    method: 'POST',
    path: '/rest/plugins/devicelog/log/list/phone-missing',
    body: [{ timestamp: 1, logLevel: 3, packageId: 'com.dhis2', message: 'm' }],
    status: 404,
  },
  {
    name: 'log upload over the limit',
    method: 'POST',
    path: '/rest/plugins/devicelog/log/list/phone-ok',
    body: OVERSIZED,
    status: 413,
  },
  // Confirmations
  ...['', 'reboot/', 'password/'].flatMap((kind): Case[] => [
    {
      name: `confirm ${kind || 'reset/'} unknown device`,
      method: 'POST',
      path: `/rest/plugins/devicereset/public/${kind}phone-missing`,
      body: deviceInfo('phone-missing'),
      status: 404,
    },
    {
      name: `confirm ${kind || 'reset/'} malformed JSON`,
      method: 'POST',
      path: `/rest/plugins/devicereset/public/${kind}phone-ok`,
      body: '{',
      status: 400,
    },
    {
      name: `confirm ${kind || 'reset/'} wrong type`,
      method: 'POST',
      path: `/rest/plugins/devicereset/public/${kind}phone-ok`,
      body: deviceInfo('phone-ok', { factoryReset: 'yes' }),
      status: 400,
      reason: 'factoryReset',
    },
    {
      name: `confirm ${kind || 'reset/'} over the limit`,
      method: 'POST',
      path: `/rest/plugins/devicereset/public/${kind}phone-ok`,
      body: OVERSIZED,
      status: 413,
    },
  ]),
  // Downloads
  { name: 'download unknown version', method: 'GET', path: '/files/apps/missing/app.apk', status: 404 },
];

/** Joins the envelope's detail, or the error's message and field, into one string. */
function explanationOf(text: string): string {
  const parsed = JSON.parse(text) as { detail?: string; message?: string; field?: string };
  return [parsed.detail, parsed.message, parsed.field].filter(Boolean).join(' ');
}

async function send(testCase: Case): Promise<Response> {
  let body = testCase.body;
  if (typeof body === 'object' && body !== null && 'lazyToken' in body) {
    body = enrolBody((body as { lazyToken: () => string | null }).lazyToken());
  }

  const init: RequestInit = { method: testCase.method };
  if (body !== undefined) {
    init.body = typeof body === 'string' ? body : JSON.stringify(body);
    init.headers = { 'content-type': testCase.contentType ?? 'application/json; charset=UTF-8' };
  }
  return fetch(agentUrl(server, testCase.path), init);
}

describe('agent routes with bad input', () => {
  it.each(CASES.map((testCase) => [testCase.name, testCase] as const))('%s', async (_name, testCase) => {
    const response = await send(testCase);
    const text = await response.text();

    expect(response.status).toBe(testCase.status);
    if (testCase.message !== undefined) {
      const envelope = JSON.parse(text);
      expect(envelope.status).toBe('ERROR');
      expect(envelope.message).toBe(testCase.message);
    }
    if (testCase.reason !== undefined) expect(explanationOf(text)).toContain(testCase.reason);

    const health = await fetch(`${server.listenUrl}/healthz`);
    expect(health.status).toBe(200);
  });

  it('creates no device for any rejected enrolment', async () => {
    expect(await server.ctx.store.devices.count()).toBe(1);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { ConfigError, loadConfig } from '../../src/config.js';
import { deviceInfo, enrol, postJson, seedPolicy, seedToken, sync } from '../agent-api/helpers.js';
import { startTestServer, type TestServer } from '../support/server.js';

const TOKEN = 'metrics-token-0123456789abcdef';

async function scrape(server: TestServer, headers: Record<string, string> = {}) {
  const response = await fetch(`${server.listenUrl}/metrics`, { headers });
  return { status: response.status, contentType: response.headers.get('content-type'), text: await response.text() };
}

/** Returns the value of the sample whose name and labels start with `prefix`. */
function sample(text: string, prefix: string): number | undefined {
  const line = text.split('\n').find((candidate) => candidate.startsWith(prefix));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

async function waitForSample(server: TestServer, prefix: string, headers: Record<string, string> = {}): Promise<string> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const { text } = await scrape(server, headers);
    if (sample(text, prefix) !== undefined || Date.now() > deadline) return text;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('metrics without a token', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer();
    const policyId = await seedPolicy(server.ctx);
    const tokenId = await seedToken(server.ctx, { policyId });
    await enrol(server, 'phone-metrics-1', tokenId);
    await enrol(server, 'phone-metrics-2', tokenId);
    await sync(server, 'phone-metrics-1');
    await postJson(server, '/rest/public/sync/info', deviceInfo('phone-metrics-1', { serial: 'R58MMETRICS1' }));
    await sync(server, 'phone-never-enrolled');
  });

  afterAll(async () => {
    await server?.dispose();
  });

  it('serves loopback clients in the Prometheus format', async () => {
    const response = await scrape(server);
    expect(response.status).toBe(200);
    expect(response.contentType).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(response.text).toContain('# TYPE outpost_agent_requests_total counter');
  });

  it('counts agent requests by route pattern and status', async () => {
    const { text } = await scrape(server);
    const configRoute = 'route="/rest/public/sync/configuration/*"';

    expect(sample(text, `outpost_agent_requests_total{${configRoute},method="POST",status="200"}`)).toBe(2);
    expect(sample(text, `outpost_agent_requests_total{${configRoute},method="GET",status="200"}`)).toBe(2);
    expect(sample(text, 'outpost_agent_requests_total{route="/rest/public/sync/info",method="POST",status="200"}')).toBe(1);
    expect(sample(text, `outpost_agent_request_duration_seconds_count{${configRoute},method="GET"}`)).toBe(2);
    expect(sample(text, 'outpost_config_syncs_total{kind="enrol"}')).toBe(2);
    expect(sample(text, 'outpost_config_syncs_total{kind="sync"}')).toBe(2);
  });

  it('never puts device ids or serials in labels', async () => {
    await fetch(`${server.listenUrl}/rest/no-such-route/phone-metrics-1`);
    const { text } = await scrape(server);

    expect(text).not.toContain('phone-metrics');
    expect(text).not.toContain('phone-never-enrolled');
    expect(text).not.toContain('R58MMETRICS1');
    expect(sample(text, 'outpost_agent_requests_total{route="unmatched",method="GET",status="404"}')).toBe(1);
  });

  it('reports devices by contact state', async () => {
    const { text } = await scrape(server);
    expect(sample(text, 'outpost_devices{contact_state="online"}')).toBe(2);
    expect(sample(text, 'outpost_devices{contact_state="offline"}')).toBe(0);
    expect(sample(text, 'outpost_devices{contact_state="never"}')).toBe(0);
    expect(sample(text, 'outpost_rollouts{state="running"}')).toBe(0);
    expect(sample(text, 'outpost_database_ping_seconds')).toBeGreaterThan(0);
  });

  it('reports held long polls', async () => {
    const poll = fetch(`${server.listenUrl}/rest/notification/polling/phone-metrics-2`);
    const deadline = Date.now() + 5_000;
    while (server.ctx.push.openPollCount() === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));

    const { text } = await scrape(server);
    expect(sample(text, 'outpost_long_poll_waiters')).toBe(1);

    server.ctx.push.notify(['phone-metrics-2'], { messageType: 'configUpdated' });
    await (await poll).text();
  });

  it('counts job runs', async () => {
    const text = await waitForSample(server, 'outpost_job_runs_total{job="purge-locations",outcome="succeeded"}');
    expect(sample(text, 'outpost_job_runs_total{job="purge-locations",outcome="succeeded"}')).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'outpost_job_last_success_timestamp_seconds{job="purge-locations"}')).toBeGreaterThan(Date.now() / 1000 - 60);
  });

  it('rejects a client behind a proxy', async () => {
    // The default OUTPOST_TRUST_PROXY believes loopback proxies, so the forwarded address is the client.
    const response = await scrape(server, { 'x-forwarded-for': '203.0.113.9' });
    expect(response.status).toBe(403);
    expect(response.text).toContain('OUTPOST_METRICS_TOKEN');
  });
});

describe('metrics with a token', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer({ env: { OUTPOST_METRICS_TOKEN: TOKEN } });
  });

  afterAll(async () => {
    await server?.dispose();
  });

  it('requires the bearer token', async () => {
    const missing = await scrape(server);
    expect(missing.status).toBe(401);
    const wrong = await scrape(server, { authorization: 'Bearer wrong-token-0123456789' });
    expect(wrong.status).toBe(401);
    const right = await scrape(server, { authorization: `Bearer ${TOKEN}`, 'x-forwarded-for': '203.0.113.9' });
    expect(right.status).toBe(200);
  });

  it('rejects a short token at start', () => {
    expect(() => loadConfig({}, { OUTPOST_METRICS_TOKEN: 'short' })).toThrow(ConfigError);
    expect(() => loadConfig({}, { OUTPOST_METRICS_TOKEN: 'short' })).toThrow(/fewer than 16/);
  });
});

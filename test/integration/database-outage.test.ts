import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { adminRequest, signIn, type AdminSession } from './crash-support.js';
import { createTestSchema, runAdminQuery, TEST_DATABASE_URL, type TestSchema } from '../support/postgres.js';
import { startOutpost, type OutpostProcess } from '../support/outpost-process.js';
import { TcpCutProxy } from '../support/tcp-cut-proxy.js';

// A real `outpost serve` on PostgreSQL through a TCP proxy that the test
// cuts, as a PostgreSQL restart looks to Outpost, while simulated agents
// report and poll and an admin queues commands.
//
// NOTE: this needs a PostgreSQL server (OUTPOST_TEST_DATABASE_URL). PGlite
// serves one session at a time, so it cannot stand in for a server that
// a pool of connections and a LISTEN connection share.

const DEVICE_COUNT = 8;
// Long enough that the outage falls inside one hold, so held polls must survive it.
const LONG_POLL_HOLD_SECONDS = 25;
const OUTAGE_MS = 4_000;
// The test server trusts loopback connections, so it never checks this
// password, but the password must not appear in the log.
const DATABASE_PASSWORD = 'outage-secret-password';
const RECOVERY_TIMEOUT_MS = 20_000;

interface Sent {
  status: number;
  retryAfter: string | null;
  body: any;
}

async function send(url: string, init: RequestInit = {}): Promise<Sent> {
  const response = await fetch(url, init);
  const text = await response.text();
  let body: unknown = null;
  try {
    body = text === '' ? null : JSON.parse(text);
  } catch {
    body = text;
  }
  return { status: response.status, retryAfter: response.headers.get('retry-after'), body };
}

function postJson(url: string, body: unknown): Promise<Sent> {
  return send(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function eventually<T>(read: () => Promise<T>, check: (value: T) => boolean, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (check(value) || Date.now() > deadline) return value;
    await sleep(200);
  }
}

describe.runIf(TEST_DATABASE_URL)('PostgreSQL restarting under load', () => {
  let schema: TestSchema;
  let proxy: TcpCutProxy;
  let server: OutpostProcess;
  let admin: AdminSession;
  let policy: { id: string; name: string };
  const devices: Array<{ deviceId: string; pk: string }> = [];

  const agent = (path: string) => `${server.url}/rest/${path}`;

  beforeAll(async () => {
    schema = await createTestSchema(TEST_DATABASE_URL as string);
    const direct = new URL(schema.url);
    proxy = await TcpCutProxy.start({ host: direct.hostname, port: Number(direct.port || 5432) });

    const proxied = new URL(schema.url);
    proxied.hostname = '127.0.0.1';
    proxied.port = String(proxy.port);
    proxied.password = DATABASE_PASSWORD;
    server = await startOutpost({
      OUTPOST_DATABASE_URL: proxied.href,
      OUTPOST_LONG_POLL_HOLD_SECONDS: String(LONG_POLL_HOLD_SECONDS),
      OUTPOST_AGENT_REQUESTS_PER_MINUTE: '100000',
      OUTPOST_AGENT_DEVICE_REQUESTS_PER_MINUTE: '100000',
    });

    admin = await signIn(server.url);
    const created = await adminRequest(server.url, admin, 'POST', '/policies', { name: 'Outage phones', settings: { pushMode: 'polling' } });
    expect(created.status).toBe(201);
    policy = created.body;
    const token = await adminRequest(server.url, admin, 'POST', '/enrolment/tokens', { policyId: policy.id });
    expect([200, 201]).toContain(token.status);

    for (let index = 0; index < DEVICE_COUNT; index += 1) {
      const deviceId = `outage-phone-${index}`;
      const enrolled = await postJson(agent(`public/sync/configuration/${deviceId}`), {
        customer: null,
        configuration: token.body.id,
        groups: null,
        groupSet: null,
      });
      expect(enrolled.status, JSON.stringify(enrolled.body)).toBe(200);
      devices.push({ deviceId, pk: '' });
    }
    const list = await adminRequest(server.url, admin, 'GET', '/devices?limit=100');
    for (const device of devices) {
      const found = (list.body.items as Array<{ id: string; deviceId: string }>).find((item) => item.deviceId === device.deviceId);
      expect(found, `${device.deviceId} in the device list`).toBeDefined();
      device.pk = found?.id ?? '';
    }
  }, 60_000);

  afterAll(async () => {
    await server?.stop();
    await proxy?.close();
    await schema?.drop();
  });

  it('answers 503, keeps every accepted report and command, and recovers', { timeout: 90_000 }, async () => {
    // Half the phones hold polls open across the cut, and the other half get
    // the commands. The polls touch the database only when they end. A
    // command that wakes a held poll while the database is down is tested
    // in device-commands.test.ts: the failed poll puts its messages back.
    const pollers = devices.slice(0, DEVICE_COUNT / 2);
    const targets = devices.slice(DEVICE_COUNT / 2);
    const heldPolls = pollers.map((device) => send(agent(`notification/polling/${device.deviceId}`)));
    await eventually(() => send(`${server.url}/healthz`), (health) => health.body.openLongPolls === pollers.length, 5_000);

    // Reports and commands in a steady stream, before, during and after the outage.
    const reports: Array<{ deviceId: string; takenAt: number; sent: Sent }> = [];
    const commands: Array<{ device: (typeof devices)[number]; text: string; sent: Sent }> = [];
    const readiness: Sent[] = [];
    let load = true;
    const baseTime = Date.now() - 3_600_000;
    let sequence = 0;

    const reportLoop = async (device: (typeof devices)[number]) => {
      while (load) {
        sequence += 1;
        const takenAt = baseTime + sequence;
        const body = { deviceId: device.deviceId, batteryLevel: 50, location: { ts: takenAt, lat: 1.5, lon: 30.1 } };
        const sent = await postJson(agent('public/sync/info'), body).catch((error: unknown) => ({ status: 0, retryAfter: null, body: String(error) }));
        reports.push({ deviceId: device.deviceId, takenAt, sent });
        await sleep(50);
      }
    };
    const commandLoop = async () => {
      let count = 0;
      while (load) {
        count += 1;
        const device = targets[count % targets.length] as (typeof devices)[number];
        const text = `outage-message-${count}`;
        const sent = await adminRequest(server.url, admin, 'POST', `/devices/${device.pk}/commands`, { type: 'message', message: text })
          .then((response) => ({ status: response.status, retryAfter: null, body: response.body }))
          .catch((error: unknown) => ({ status: 0, retryAfter: null, body: String(error) }));
        commands.push({ device, text, sent });
        await sleep(100);
      }
    };
    const readinessLoop = async () => {
      while (load) {
        readiness.push(await send(`${server.url}/readyz`));
        await sleep(250);
      }
    };
    const running = [...devices.map(reportLoop), commandLoop(), readinessLoop()];

    await sleep(1_000);
    proxy.cut();
    // A request made during the outage, to read its response in full.
    await sleep(500);
    const duringSync = await send(agent(`public/sync/configuration/${devices[0]?.deviceId}`));
    const duringCommand = await adminRequest(server.url, admin, 'POST', `/devices/${devices[0]?.pk}/commands`, { type: 'message', message: 'during' });
    const duringMetrics = await send(`${server.url}/metrics`);
    await sleep(OUTAGE_MS - 500);
    proxy.restore();
    const restoredAt = Date.now();

    const recovered = await eventually(() => send(`${server.url}/readyz`), (response) => response.status === 200, RECOVERY_TIMEOUT_MS);
    await sleep(1_000);
    load = false;
    await Promise.all(running);

    // During the outage: 503 with Retry-After and a JSON reason, never 500.
    expect(duringSync.status).toBe(503);
    expect(duringSync.retryAfter).toBe('5');
    expect(duringSync.body.error).toBe('database_unavailable');
    expect(duringSync.body.message).toContain('database is unavailable');
    expect(duringCommand.status).toBe(503);
    expect(duringCommand.body.error).toBe('database_unavailable');

    // Metrics still scrape during the outage, without the gauges read from the database.
    expect(duringMetrics.status).toBe(200);
    expect(String(duringMetrics.body)).toMatch(/^outpost_database_connection_errors_total [1-9]/m);
    expect(String(duringMetrics.body)).not.toMatch(/^outpost_devices\{/m);

    const statuses = new Set([...reports, ...commands].map((entry) => entry.sent.status));
    expect([...statuses].sort()).toEqual([200, 503]);
    for (const entry of [...reports, ...commands].filter((item) => item.sent.status === 503)) {
      expect(entry.sent.body.error).toBe('database_unavailable');
    }
    expect(reports.filter((entry) => entry.sent.status === 503).every((entry) => entry.sent.retryAfter === '5')).toBe(true);
    expect(server.running()).toBe(true);

    // Readiness: ready, unavailable during the outage, ready again.
    expect(readiness[0]?.status).toBe(200);
    expect(readiness.some((response) => response.status === 503 && response.body.status === 'unavailable')).toBe(true);
    expect(recovered.status).toBe(200);
    expect(recovered.body.status).toBe('ready');

    // Polls held across the cut end with 200 when their hold ends.
    const delivered = new Set<string>();
    const collectTexts = (poll: Sent) => {
      for (const message of (poll.body?.data ?? []) as Array<{ messageType: string; payload: string | null }>) {
        if (message.messageType === 'textMessage' && message.payload) delivered.add(JSON.parse(message.payload).text as string);
      }
    };
    for (const poll of await Promise.all(heldPolls)) {
      expect(poll.status).toBe(200);
      expect(poll.body.data).toEqual([]);
    }

    // Every report that got 2xx is stored, read straight from the server.
    const stored = await runAdminQuery(
      TEST_DATABASE_URL as string,
      `select d.device_id, l.taken_at from ${schema.schema}.locations l join ${schema.schema}.devices d on d.id = l.device_pk`,
    );
    const storedKeys = new Set(stored.rows.map((row) => `${row.device_id}:${Number(row.taken_at)}`));
    const accepted = reports.filter((entry) => entry.sent.status === 200);
    expect(accepted.length).toBeGreaterThan(0);
    expect(accepted.filter((entry) => !storedKeys.has(`${entry.deviceId}:${entry.takenAt}`))).toEqual([]);

    // Every command that got 2xx exists exactly once, and no command exists twice.
    const rows = await runAdminQuery(
      TEST_DATABASE_URL as string,
      `select payload_json, count(*)::int as copies from ${schema.schema}.commands where type = 'message' group by payload_json`,
    );
    const copies = new Map<string, number>();
    for (const row of rows.rows) {
      const text = JSON.parse(row.payload_json as string).text as string;
      copies.set(text, row.copies as number);
    }
    const acceptedCommands = commands.filter((entry) => entry.sent.status === 200);
    expect(acceptedCommands.length).toBeGreaterThan(0);
    expect(acceptedCommands.filter((entry) => copies.get(entry.text) !== 1).map((entry) => entry.text)).toEqual([]);
    expect([...copies.values()].filter((count) => count !== 1)).toEqual([]);

    // After recovery each phone syncs and polls, as the agent does, and gets its accepted commands.
    for (const device of devices) {
      const expectedTexts = acceptedCommands.filter((entry) => entry.device === device).map((entry) => entry.text);
      await eventually(
        async () => {
          const synced = await send(agent(`public/sync/configuration/${device.deviceId}`));
          expect(synced.status).toBe(200);
          const polled = await send(agent(`notifications/device/${device.deviceId}`));
          expect(polled.status).toBe(200);
          collectTexts(polled);
          return expectedTexts.every((text) => delivered.has(text));
        },
        (done) => done,
        10_000,
      );
    }
    expect(acceptedCommands.filter((entry) => !delivered.has(entry.text)).map((entry) => entry.text)).toEqual([]);

    // A policy change just after recovery wakes long-polling phones. The
    // short poll first takes what is still queued, so only the change can end the long polls.
    for (const device of devices) {
      const drained = await send(agent(`notifications/device/${device.deviceId}`));
      expect(drained.status).toBe(200);
    }
    const polls = devices.map((device) => send(agent(`notification/polling/${device.deviceId}`)));
    await eventually(() => send(`${server.url}/healthz`), (health) => health.body.openLongPolls === DEVICE_COUNT, 5_000);
    const changedAt = Date.now();
    const changed = await adminRequest(server.url, admin, 'PUT', `/policies/${policy.id}`, { name: 'Outage phones, changed', settings: { pushMode: 'polling' } });
    expect(changed.status).toBe(200);
    for (const poll of await Promise.all(polls)) {
      expect(poll.status).toBe(200);
      expect((poll.body.data as Array<{ messageType: string }>).map((message) => message.messageType)).toContain('configUpdated');
    }
    expect(Date.now() - changedAt).toBeLessThan(LONG_POLL_HOLD_SECONDS * 1000 - 5_000);

    // The log names the database failure once, and the recovery, without the password.
    const lines = server.logLines();
    const failures = lines.filter((line) => line.msg === 'database connection failed; each new query retries it');
    expect(failures.length).toBeGreaterThanOrEqual(1);
    expect(failures.length).toBeLessThanOrEqual(2);
    expect(lines.some((line) => line.msg === 'database connection restored')).toBe(true);
    expect(lines.filter((line) => line.level === 50 && line.msg === 'request failed')).toEqual([]);
    expect(server.output()).not.toContain(DATABASE_PASSWORD);

    // The LISTEN connection came back, with one warning for the loss rather than one per attempt.
    // Its backoff may have grown to several seconds during the cut.
    const reconnected = (logLines: Array<Record<string, unknown>>) => logLines.some((line) => line.msg === 'push listener reconnected');
    expect(reconnected(await eventually(async () => server.logLines(), reconnected, 35_000))).toBe(true);
    expect(lines.filter((line) => line.level === 40 && String(line.msg).startsWith('push listener')).length).toBeLessThanOrEqual(2);

    // Scheduled jobs run again: the bulk job processor, every 3 s, succeeded after the restore.
    const lastSuccess = async () => {
      const text = await fetch(`${server.url}/metrics`).then((response) => response.text());
      return Number(/^outpost_job_last_success_timestamp_seconds\{job="process-bulk-jobs"\} (\S+)/m.exec(text)?.[1] ?? '0');
    };
    expect(await eventually(lastSuccess, (seconds) => seconds * 1000 >= restoredAt, 10_000)).toBeGreaterThanOrEqual(restoredAt / 1000);

    // Metrics show the failures and the pool.
    const metrics = await fetch(`${server.url}/metrics`).then((response) => response.text());
    const errorsTotal = Number(/^outpost_database_connection_errors_total (\d+)/m.exec(metrics)?.[1] ?? 'NaN');
    expect(errorsTotal).toBeGreaterThan(0);
    expect(metrics).toMatch(/^outpost_database_pool_connections\{state="idle"\} \d+/m);
    expect(metrics).toMatch(/^outpost_database_pool_waiting \d+/m);
  });
});

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';

import { loadConfig } from '../../src/config.js';
import { startServer, type RunningServer } from '../../src/server.js';
import { AdminClient } from '../support/admin-client.js';
import { startDhis2Standin, type Dhis2Standin } from '../support/dhis2-standin.js';
import { TEST_ADMIN_PASSWORD } from '../support/server.js';

// Far longer than the shutdown may take, so a close that waited for the
// DHIS2 timeout fails the race below.
const DHIS2_TIMEOUT_SECONDS = 120;
const CLOSE_LIMIT_MS = 20_000;

describe('shutdown during a console-started DHIS2 sync', () => {
  let dataDir: string;
  let dhis2: Dhis2Standin;
  const servers: RunningServer[] = [];

  afterEach(async () => {
    for (const server of servers.splice(0)) await server.close();
    await dhis2?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  async function start(): Promise<{ server: RunningServer; admin: AdminClient }> {
    const config = loadConfig({ host: '127.0.0.1', port: 0, dataDir, publicUrl: 'http://127.0.0.1:1' }, { OUTPOST_ADMIN_PASSWORD: TEST_ADMIN_PASSWORD });
    const server = await startServer(config, pino({ level: 'silent' }));
    servers.push(server);
    return { server, admin: await AdminClient.login(server.listenUrl, 'admin', TEST_ADMIN_PASSWORD) };
  }

  it('stops the sync and records it as failed', async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'outpost-sync-shutdown-'));
    dhis2 = await startDhis2Standin({ orgUnits: 50, users: 20 });
    const first = await start();
    await first.admin.put('/dhis2/sync/settings', { enabled: false, intervalMinutes: 60 });
    await first.admin.put('/dhis2/connection', { baseUrl: dhis2.url, token: dhis2.token, timeoutSeconds: DHIS2_TIMEOUT_SECONDS });
    dhis2.setMode('hang');
    const started = await first.admin.post<{ id: string; state: string }>('/dhis2/sync/runs', {});
    expect(started.state).toBe('running');

    servers.splice(servers.indexOf(first.server), 1);
    const closed = await Promise.race([
      first.server.close().then(() => 'closed'),
      new Promise((resolve) => setTimeout(() => resolve('still waiting'), CLOSE_LIMIT_MS).unref()),
    ]);
    expect(closed).toBe('closed');

    const second = await start();
    const run = await second.admin.get<{ state: string; error: string }>(`/dhis2/sync/runs/${started.id}`);
    expect(run.state).toBe('failed');
    expect(run.error).toMatch(/stopped before it finished/);
  });
});

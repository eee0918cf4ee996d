import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { sync } from '../agent-api/helpers.js';
import type { TestServer } from '../support/server.js';
import { ApiClient, signInAsAdmin, signInWithRole, startApiServer } from './support/client.js';
import { insertDevice } from './support/devices.js';

// Bulk jobs through the admin API, processed by the server's own job
// scheduler: start, watch, per-device results, cancel, and bad input.

const ADMIN_PASSWORD = 'test-admin-password';
const JOB_TIMEOUT_MS = 20_000;

let server: TestServer;
let admin: ApiClient;
let operator: ApiClient;
const districtA: string[] = [];

beforeAll(async () => {
  server = await startApiServer();
  admin = await signInAsAdmin(server);
  operator = await signInWithRole(server, admin, 'operator');

  for (let index = 0; index < 30; index += 1) {
    districtA.push(await insertDevice(server.ctx, { device_id: `bulk-a-${String(index).padStart(2, '0')}`, model: 'Tecno Spark' }));
  }
  for (let index = 0; index < 5; index += 1) {
    await insertDevice(server.ctx, { device_id: `bulk-b-${index}`, model: 'Nokia C21' });
  }
});

afterAll(async () => {
  await server.dispose();
});

async function waitForState(client: ApiClient, jobId: string, state: string): Promise<any> {
  const deadline = Date.now() + JOB_TIMEOUT_MS;
  for (;;) {
    const response = await client.get(`/v1/bulk-jobs/${jobId}`);
    if (response.body.state === state) return response.body;
    if (Date.now() > deadline) throw new Error(`bulk job ${jobId} is ${response.body.state}, not ${state}, after ${JOB_TIMEOUT_MS} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('bulk jobs', () => {
  it('lock a filtered selection, one command per device', async () => {
    const started = await operator.post('/v1/bulk-jobs', {
      type: 'lock',
      message: 'Bring the phone to the training',
      selection: { filters: { search: 'tecno' } },
    });
    expect(started.status).toBe(200);
    expect(started.body).toMatchObject({ type: 'lock', total: 30, parameters: { message: 'Bring the phone to the training' } });

    const job = await waitForState(operator, started.body.id, 'completed');

    expect(job.devices).toEqual({ pending: 0, done: 30, skipped: 0, failed: 0, cancelled: 0 });
    expect(job.commands).toEqual({ queued: 30 });
    for (const pk of districtA) {
      const commands = await server.ctx.store.commands.listForDevice(pk, 10);
      expect(commands.filter((command) => command.bulk_job_id === started.body.id)).toHaveLength(1);
    }
    const device = await server.ctx.store.devices.findByPk(districtA[0]!);
    expect((await sync(server, device!.device_id)).json.data.lockMessage).toBe('Bring the phone to the training');
  });

  it('report a result per device and delivery progress', async () => {
    const started = await operator.post('/v1/bulk-jobs', { type: 'reboot', selection: { deviceIds: districtA.slice(0, 3) } });
    await waitForState(operator, started.body.id, 'completed');
    const device = await server.ctx.store.devices.findByPk(districtA[1]!);
    await sync(server, device!.device_id);

    const results = await operator.get(`/v1/bulk-jobs/${started.body.id}/devices?limit=2`);
    const rest = await operator.get(`/v1/bulk-jobs/${started.body.id}/devices?after=${results.body.nextAfter}`);
    const job = await operator.get(`/v1/bulk-jobs/${started.body.id}`);

    expect(results.body.items.map((item: { position: number }) => item.position)).toEqual([1, 2]);
    expect(results.body.items[1]).toMatchObject({ deviceId: device!.device_id, state: 'done', commandState: 'sent' });
    expect(rest.body.items).toHaveLength(1);
    expect(rest.body.nextAfter).toBeNull();
    expect(job.body.commands).toEqual({ queued: 2, sent: 1 });
  });

  it('skip a device deleted before its turn', async () => {
    const doomed = await insertDevice(server.ctx, { device_id: 'bulk-doomed' });
    const kept = await insertDevice(server.ctx, { device_id: 'bulk-kept' });
    const started = await operator.post('/v1/bulk-jobs', { type: 'sync', selection: { deviceIds: [doomed, kept] } });
    await server.ctx.store.devices.deleteByPk(doomed);

    const job = await waitForState(operator, started.body.id, 'completed');

    expect(job.devices).toMatchObject({ done: 1, skipped: 1 });
    const results = await operator.get(`/v1/bulk-jobs/${started.body.id}/devices?state=skipped`);
    expect(results.body.items).toEqual([expect.objectContaining({ id: doomed, detail: 'device deleted' })]);
  });

  it('mark a device failed and go on with the others', async () => {
    const targets = districtA.slice(20, 23);
    const started = await operator.post('/v1/bulk-jobs', { type: 'reboot', selection: { deviceIds: targets } });
    // A command of this job already on the second device makes its step
    // fail on the unique index, as a repeated step would.
    await server.ctx.store.commands.insert({ devicePk: targets[1]!, generation: 1, type: 'reboot', createdBy: 'test', bulkJobId: started.body.id });

    const job = await waitForState(operator, started.body.id, 'completed');

    expect(job.devices).toMatchObject({ done: 2, failed: 1 });
    const failed = await operator.get(`/v1/bulk-jobs/${started.body.id}/devices?state=failed`);
    expect(failed.body.items.map((item: { id: string }) => item.id)).toEqual([targets[1]]);
    expect(failed.body.items[0].detail.length).toBeGreaterThan(0);
  });

  it('cancel a job and the commands it queued', async () => {
    const started = await operator.post('/v1/bulk-jobs', { type: 'lock', selection: { filters: { search: 'bulk-a' } } });
    await waitForState(operator, started.body.id, 'completed');

    const cancelled = await operator.post(`/v1/bulk-jobs/${started.body.id}/cancel`);
    expect(cancelled.status).toBe(409);

    const next = await operator.post('/v1/bulk-jobs', { type: 'unlock', selection: { filters: { search: 'bulk-b' } } });
    const stopped = await operator.post(`/v1/bulk-jobs/${next.body.id}/cancel`);
    expect(stopped.status).toBe(200);
    expect(stopped.body.state).toBe('cancelled');
    expect(stopped.body.devices.pending).toBe(0);
    expect(stopped.body.devices.done + stopped.body.devices.cancelled).toBe(5);
    expect(stopped.body.commands.queued ?? 0).toBe(0);
  });

  it('list newest first', async () => {
    const first = await operator.get('/v1/bulk-jobs?limit=2');
    const second = await operator.get(`/v1/bulk-jobs?limit=2&cursor=${first.body.nextCursor}`);

    expect(first.body.items).toHaveLength(2);
    expect(first.body.items[0].createdAt).toBeGreaterThanOrEqual(first.body.items[1].createdAt);
    expect(second.body.items.length).toBeGreaterThan(0);
    expect(second.body.items.map((job: { id: string }) => job.id)).not.toContain(first.body.items[0].id);
  });
});

describe('bulk jobs of scoped users', () => {
  it('show a user limited to org units only their own jobs', async () => {
    const unit = await admin.post('/v1/org-units', { name: 'Bo District' });
    expect(unit.status).toBe(201);
    const created = await admin.post('/v1/users', { username: 'bo-operator', password: 'bo-operator-password', role: 'operator', orgUnitIds: [unit.body.id] });
    expect(created.status).toBe(201);
    const scoped = new ApiClient(server);
    expect((await scoped.login('bo-operator', 'bo-operator-password')).status).toBe(200);
    const inUnit = await insertDevice(server.ctx, { device_id: 'bo-phone', org_unit_id: unit.body.id });

    const foreign = await operator.post('/v1/bulk-jobs', { type: 'sync', selection: { deviceIds: [districtA[0]!] } });
    const own = await scoped.post('/v1/bulk-jobs', { type: 'sync', selection: { filters: {} } });
    const outside = await scoped.post('/v1/bulk-jobs', { type: 'sync', selection: { deviceIds: [districtA[0]!] } });

    expect(own.status).toBe(200);
    expect(own.body.total).toBe(1);
    expect((await scoped.get(`/v1/bulk-jobs/${own.body.id}/devices`)).body.items[0].id).toBe(inUnit);
    expect(outside.status).toBe(404);
    expect((await scoped.get(`/v1/bulk-jobs/${foreign.body.id}`)).status).toBe(404);
    const listed = (await scoped.get('/v1/bulk-jobs')).body.items.map((job: { id: string }) => job.id);
    expect(listed).toEqual([own.body.id]);
  });
});

describe('bulk wipe', () => {
  it('needs the admin role', async () => {
    const response = await operator.post('/v1/bulk-jobs', {
      type: 'wipe',
      selection: { deviceIds: districtA.slice(0, 2) },
      confirmation: { password: 'operator-password-1234', deviceCount: 2 },
    });

    expect(response.status).toBe(403);
  });

  it('needs the typed device count', async () => {
    const response = await admin.post('/v1/bulk-jobs', {
      type: 'wipe',
      selection: { deviceIds: districtA.slice(0, 2) },
      confirmation: { password: ADMIN_PASSWORD, deviceCount: 3 },
    });

    expect(response.status).toBe(400);
    expect(response.body.field).toBe('body.confirmation.deviceCount');
    expect(response.body.message).toContain('2');
  });

  it('with password and count is queued and audited per device', async () => {
    const targets = districtA.slice(10, 12);
    const started = await admin.post('/v1/bulk-jobs', {
      type: 'wipe',
      selection: { deviceIds: targets },
      confirmation: { password: ADMIN_PASSWORD, deviceCount: 2 },
    });
    expect(started.status).toBe(200);
    await waitForState(admin, started.body.id, 'completed');

    const events = await server.ctx.store.audit.list(500);
    const wipes = events.filter((event) => event.action === 'device.command.wipe' && targets.includes(event.target_id ?? ''));
    expect(wipes).toHaveLength(2);
    expect(events.some((event) => event.action === 'bulk_job.started' && event.target_id === started.body.id)).toBe(true);
  });
});

describe('bulk bad input', () => {
  const cases: Array<{ name: string; body: Record<string, unknown>; status: number; field: string }> = [
    { name: 'no selection', body: { type: 'reboot', selection: {} }, status: 400, field: 'body.selection' },
    { name: 'both kinds', body: { type: 'reboot', selection: { filters: {}, deviceIds: ['x'] } }, status: 400, field: 'body.selection' },
    { name: 'empty match', body: { type: 'reboot', selection: { filters: { search: 'zzz-nothing' } } }, status: 400, field: 'body.selection' },
    { name: 'password reset', body: { type: 'passwordReset', selection: { filters: {} } }, status: 400, field: 'body.type' },
    { name: 'unknown filter', body: { type: 'reboot', selection: { filters: { colour: 'red' } } }, status: 400, field: 'body.selection.filters.colour' },
    { name: 'missing package', body: { type: 'clearAppData', selection: { filters: {} } }, status: 400, field: 'body.packageName' },
    { name: 'unknown device', body: { type: 'reboot', selection: { deviceIds: ['no-such-device'] } }, status: 404, field: 'body.selection.deviceIds.0' },
  ];

  it.each(cases)('$name gets $status naming $field', async ({ body, status, field }) => {
    const response = await operator.post('/v1/bulk-jobs', body);

    expect(response.status).toBe(status);
    expect(response.body.field).toBe(field);
  });

  it('unknown job gets a 404', async () => {
    const response = await operator.get('/v1/bulk-jobs/no-such-job');

    expect(response.status).toBe(404);
    expect(response.body.field).toBe('params.id');
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { TestServer } from '../support/server.js';
import { type ApiClient, signInAsAdmin, signInWithRole, startApiServer } from './support/client.js';
import { insertDevice } from './support/devices.js';
import { insertAppVersion, recordPushes } from './support/fixtures.js';

const MINUTE = 60_000;

describe('device list and detail', () => {
  let server: TestServer;
  let admin: ApiClient;
  let now: number;

  beforeAll(async () => {
    server = await startApiServer();
    admin = await signInAsAdmin(server);
    now = server.ctx.now();

    await insertDevice(server.ctx, { device_id: 'alpha', serial: 'SER-001', imei: '356938035643809', model: 'Galaxy A14', last_contact_at: now - MINUTE, battery_level: 80 });
    await insertDevice(server.ctx, { device_id: 'bravo', serial: 'SER-002', model: 'Tecno Spark', last_contact_at: now - 3 * 60 * MINUTE, battery_level: 15 });
    await insertDevice(server.ctx, { device_id: 'charlie', serial: 'SER-003', model: 'galaxy a05', enrolled_at: now - 2 * 24 * 60 * MINUTE });
    await insertDevice(server.ctx, { device_id: 'delta_100%', model: 'Nokia C21', last_contact_at: now - 2 * MINUTE });
  });
  afterAll(async () => {
    await server.dispose();
  });

  it('status follows the last contact', async () => {
    const response = await admin.get('/v1/devices');
    const statuses = Object.fromEntries(response.body.items.map((item: { deviceId: string; status: string }) => [item.deviceId, item.status]));

    expect(statuses).toEqual({ alpha: 'online', bravo: 'offline', charlie: 'never', 'delta_100%': 'online' });
  });

  it('fleet summary counts statuses', async () => {
    const response = await admin.get('/v1/fleet/summary');

    expect(response.status).toBe(200);
    expect(response.body).toEqual({ total: 4, online: 2, late: 0, offline: 1, neverContacted: 1, enrolledToday: 3 });
  });

  const ids = async (search: string): Promise<string[]> => {
    const response = await admin.get(`/v1/devices?search=${encodeURIComponent(search)}`);
    expect(response.status).toBe(200);
    return response.body.items.map((item: { deviceId: string }) => item.deviceId);
  };

  it('search matches the start of device id, serial, IMEI and model ignoring case', async () => {
    expect(await ids('GALAXY')).toEqual(['alpha', 'charlie']);
    expect(await ids('ser-002')).toEqual(['bravo']);
    expect(await ids('35693803')).toEqual(['alpha']);
    expect(await ids('BRA')).toEqual(['bravo']);
    expect(await ids('delta_100%')).toEqual(['delta_100%']);
    expect(await ids('a14')).toEqual(['alpha']);
    expect(await ids('100%')).toEqual(['delta_100%']);
    // The middle of a word does not match, and LIKE wildcards match only themselves.
    expect(await ids('rav')).toEqual([]);
    expect(await ids('14')).toEqual([]);
    expect(await ids('%')).toEqual([]);
    expect(await ids('delta_1000')).toEqual([]);
  });

  it('search matches the start of each word', async () => {
    const kono = await insertDevice(server.ctx, { device_id: 'chw-kono-001', serial: 'UG0042', model: 'Itel A70' });
    const kampala = await insertDevice(server.ctx, { device_id: 'UG-KAMPALA-0042', model: 'Tecno Spark_20' });
    try {
      expect(await ids('kono')).toEqual(['chw-kono-001']);
      // Serial SER-001 of alpha has the word too.
      expect(await ids('001')).toEqual(['alpha', 'chw-kono-001']);
      expect(await ids('0042')).toEqual(['UG-KAMPALA-0042']);
      expect(await ids('kampala')).toEqual(['UG-KAMPALA-0042']);
      expect(await ids('spark')).toEqual(['UG-KAMPALA-0042', 'bravo']);
      // Not the middle of a word, and not digits inside a longer run such as serial UG0042.
      expect(await ids('ono')).toEqual([]);
      expect(await ids('042')).toEqual([]);

      await server.ctx.store.devices.update(kono, { model: 'Infinix Hot 12' });
      expect(await ids('hot')).toEqual(['chw-kono-001']);
      expect(await ids('a70')).toEqual([]);
      expect(await ids('itel')).toEqual([]);
    } finally {
      await server.ctx.store.devices.deleteByPk(kono);
      await server.ctx.store.devices.deleteByPk(kampala);
    }
    expect(await ids('kono')).toEqual([]);
  });

  it('sorts by battery with missing values last', async () => {
    const response = await admin.get('/v1/devices?sort=battery&order=desc');

    const order = response.body.items.map((item: { deviceId: string }) => item.deviceId);
    expect(order.slice(0, 2)).toEqual(['alpha', 'bravo']);
    expect(order.slice(2).sort()).toEqual(['charlie', 'delta_100%']);
  });

  it('sorts by enrolment time', async () => {
    const response = await admin.get('/v1/devices?sort=enrolledAt&order=asc');

    expect(response.body.items[0].deviceId).toBe('charlie');
  });

  it('detail compares installed apps with the policy', async () => {
    const v153 = await insertAppVersion(server.ctx, 'com.dhis2', 153, '3.3.2');
    const v154 = await insertAppVersion(server.ctx, 'com.dhis2', 154, '3.4.0.1');
    const launcher = await insertAppVersion(server.ctx, 'com.hmdm.launcher', 6140, '6.14');
    const maps = await insertAppVersion(server.ctx, 'org.example.maps', 3, '1.2');
    expect(v153).not.toBe(v154);
    const policy = await admin.post('/v1/policies', {
      name: 'Detail policy',
      apps: [
        { packageName: 'com.dhis2', appVersionId: v154, action: 'install' },
        { packageName: 'com.hmdm.launcher', appVersionId: launcher, action: 'install' },
        { packageName: 'org.example.maps', appVersionId: maps, action: 'install' },
      ],
    });
    const pk = await insertDevice(server.ctx, {
      device_id: 'detail-device',
      policy_id: policy.body.id,
      info_json: JSON.stringify({ deviceId: 'detail-device', custom1: 'x' }),
      last_lat: 12.65,
      last_lon: -8,
      last_location_at: now,
    });
    await server.ctx.store.devices.saveInstalledApps(
      pk,
      [
        { packageName: 'com.dhis2', versionName: '3.3.2' },
        { packageName: 'com.hmdm.launcher', versionName: '6.14' },
        { packageName: 'org.unknown.app', versionName: '9.9' },
      ],
      now,
    );
    await server.ctx.store.locations.append(pk, { takenAt: now - MINUTE, lat: 12.6, lon: -8.1 }, now);

    const response = await admin.get(`/v1/devices/${pk}`);

    expect(response.status).toBe(200);
    expect(response.body.policyName).toBe('Detail policy');
    expect(response.body.installedApps).toEqual([
      { packageName: 'com.dhis2', versionName: '3.3.2', versionCode: 153, expectedVersionCode: 154, upToDate: false },
      { packageName: 'com.hmdm.launcher', versionName: '6.14', versionCode: 6140, expectedVersionCode: 6140, upToDate: true },
      { packageName: 'org.example.maps', versionName: null, versionCode: null, expectedVersionCode: 3, upToDate: false },
      { packageName: 'org.unknown.app', versionName: '9.9', versionCode: null, expectedVersionCode: null, upToDate: null },
    ]);
    expect(response.body.rawInfo).toEqual({ deviceId: 'detail-device', custom1: 'x' });
    expect(response.body.lastLocation).toEqual({ lat: 12.65, lon: -8, at: now });
    expect(response.body.recentLocations).toEqual([{ lat: 12.6, lon: -8.1, at: now - MINUTE }]);
    expect(response.body.commands).toEqual([]);
  });

  it('missing device is 404', async () => {
    const response = await admin.get('/v1/devices/no-such-device');

    expect(response.status).toBe(404);
    expect(response.body.field).toBe('params.id');
  });
});

describe('device changes and commands', () => {
  let server: TestServer;
  let operator: ApiClient;
  let admin: ApiClient;
  let pushes: ReturnType<typeof recordPushes>;

  beforeAll(async () => {
    server = await startApiServer();
    admin = await signInAsAdmin(server);
    operator = await signInWithRole(server, admin, 'operator');
    pushes = recordPushes(server.ctx);
  });
  afterAll(async () => {
    await server.dispose();
  });

  it('PATCH moves a device and wakes it', async () => {
    const policy = await admin.post('/v1/policies', { name: 'Moved to' });
    const unit = await admin.post('/v1/org-units', { id: 'kati', name: 'Kati' });
    const pk = await insertDevice(server.ctx, { device_id: 'mover' });
    pushes.length = 0;

    const response = await operator.patch(`/v1/devices/${pk}`, { policyId: policy.body.id, orgUnitId: unit.body.id });

    expect(response.status).toBe(200);
    expect(response.body.policyId).toBe(policy.body.id);
    expect(response.body.policyName).toBe('Moved to');
    expect(response.body.orgUnitId).toBe('kati');
    expect(pushes).toEqual([{ deviceIds: ['mover'], message: { messageType: 'configUpdated' } }]);
    const audit = await server.ctx.store.audit.list(5);
    expect(audit.some((event) => event.action === 'device.update' && event.target_id === pk)).toBe(true);
  });

  it('PATCH with a missing policy is 404 naming it', async () => {
    const pk = await insertDevice(server.ctx, { device_id: 'stay' });
    const response = await operator.patch(`/v1/devices/${pk}`, { policyId: 'no-such-policy' });

    expect(response.status).toBe(404);
    expect(response.body.field).toBe('body.policyId');
    expect(response.body.message).toContain('no-such-policy');
  });

  it('PATCH with nothing to change is 400', async () => {
    const pk = await insertDevice(server.ctx, { device_id: 'idle' });
    const response = await operator.patch(`/v1/devices/${pk}`, {});

    expect(response.status).toBe(400);
  });

  it('a repeated command updates the open one', async () => {
    const pk = await insertDevice(server.ctx, { device_id: 'locked', enrolment_generation: 3 });
    const first = await operator.post(`/v1/devices/${pk}/commands`, { type: 'lock', message: 'Return to the district office' });
    const second = await operator.post(`/v1/devices/${pk}/commands`, { type: 'lock', message: 'Call +223 20 00 00 00', expiresInHours: 24 });

    expect(first.status).toBe(200);
    expect(first.body.state).toBe('queued');
    expect(second.body.id).toBe(first.body.id);
    expect(second.body.expiresAt).toBeGreaterThan(first.body.createdAt);
    const open = await server.ctx.store.commands.listOpen(pk, 3);
    expect(open).toHaveLength(1);
    expect(JSON.parse(open[0]?.payload_json ?? '{}')).toEqual({ message: 'Call +223 20 00 00 00' });
    expect(open[0]?.generation).toBe(3);
  });

  it('unlock cancels the open lock', async () => {
    const pk = await insertDevice(server.ctx, { device_id: 'unlocked' });
    const lock = await operator.post(`/v1/devices/${pk}/commands`, { type: 'lock' });
    const unlock = await operator.post(`/v1/devices/${pk}/commands`, { type: 'unlock' });

    expect(unlock.status).toBe(200);
    const detail = await operator.get(`/v1/devices/${pk}`);
    const states = Object.fromEntries(detail.body.commands.map((command: { id: string; state: string }) => [command.id, command.state]));
    expect(states[lock.body.id]).toBe('cancelled');
    expect(states[unlock.body.id]).toBe('queued');
  });

  it('reboot is queued and wakes the device', async () => {
    const pk = await insertDevice(server.ctx, { device_id: 'rebooted' });
    pushes.length = 0;
    const response = await operator.post(`/v1/devices/${pk}/commands`, { type: 'reboot' });

    expect(response.status).toBe(200);
    expect(response.body.type).toBe('reboot');
    expect(response.body.createdBy).toBe(operator.username);
    expect(pushes.map((push) => push.deviceIds)).toEqual([['rebooted']]);
  });

  it('message on a reboot is 400', async () => {
    const pk = await insertDevice(server.ctx, { device_id: 'no-message' });
    const response = await operator.post(`/v1/devices/${pk}/commands`, { type: 'reboot', message: 'hello' });

    expect(response.status).toBe(400);
    expect(response.body.field).toBe('body.message');
  });

  it('wipe needs the re-entered password', async () => {
    const pk = await insertDevice(server.ctx, { device_id: 'not-wiped' });
    const response = await operator.post(`/v1/devices/${pk}/commands`, { type: 'wipe' });

    expect(response.status).toBe(400);
    expect(response.body.field).toBe('body.confirmation.password');
  });
});

describe('device list pagination', () => {
  const DEVICE_COUNT = 57;
  const PAGE = 10;
  let server: TestServer;
  let admin: ApiClient;
  let pks: string[];

  beforeAll(async () => {
    server = await startApiServer();
    admin = await signInAsAdmin(server);
    const now = server.ctx.now();
    pks = [];
    for (let index = 0; index < DEVICE_COUNT; index++) {
      pks.push(
        await insertDevice(server.ctx, {
          device_id: `device-${String(index).padStart(3, '0')}`,
          model: `Model ${index % 7}`,
          battery_level: index % 5 === 0 ? null : (index * 37) % 100,
          last_contact_at: index % 9 === 0 ? null : now - index * MINUTE,
          // Several devices share an enrolment time, so ties are broken by id.
          enrolled_at: now - Math.floor(index / 4) * MINUTE,
        }),
      );
    }
  });
  afterAll(async () => {
    await server.dispose();
  });

  /**
   * Pages through the list, and between pages moves some devices to the
   * front and others to the back of a lastContact order, as reports would.
   */
  async function pageWhileReporting(query: string): Promise<string[]> {
    const seen: string[] = [];
    let cursor: string | null = null;
    let round = 0;

    do {
      const path: string = cursor === null ? `/v1/devices?${query}&limit=${PAGE}` : `/v1/devices?cursor=${encodeURIComponent(cursor)}`;
      const response = await admin.get(path);
      expect(response.status).toBe(200);
      seen.push(...response.body.items.map((item: { id: string }) => item.id));
      cursor = response.body.nextCursor;

      round++;
      const now = server.ctx.now();
      for (let offset = 0; offset < 6; offset++) {
        const pk = pks[(round * 11 + offset * 7) % pks.length] ?? '';
        const lastContact = offset % 2 === 0 ? now + round * MINUTE : now - (1000 + round) * MINUTE;
        await server.ctx.store.devices.update(pk, { last_contact_at: lastContact, battery_level: (round * 13 + offset) % 100 });
      }
    } while (cursor !== null);

    return seen;
  }

  for (const query of [
    'sort=lastContact&order=desc',
    'sort=lastContact&order=asc',
    'sort=battery&order=asc',
    'sort=model&order=desc',
    'sort=deviceId&order=asc',
    'sort=enrolledAt&order=desc',
    'sort=enrolledAt&order=asc',
    // "0" starts the number word of every device id, device-000 to device-056.
    'search=0&sort=lastContact&order=desc',
    'search=0&sort=battery&order=asc',
    'search=0&sort=deviceId&order=desc',
    'search=0&sort=model&order=asc',
  ]) {
    it(`returns every device once: ${query}`, async () => {
      const seen = await pageWhileReporting(query);

      expect(seen).toHaveLength(DEVICE_COUNT);
      expect(new Set(seen).size).toBe(DEVICE_COUNT);
      expect([...seen].sort()).toEqual([...pks].sort());
    });
  }

  it('first page of a snapshot sort is in order', async () => {
    const response = await admin.get('/v1/devices?sort=lastContact&order=desc&limit=200');
    const contacts = response.body.items.map((item: { lastContactAt: number | null }) => item.lastContactAt);
    const known = contacts.filter((value: number | null) => value !== null);

    expect(known).toEqual([...known].sort((a, b) => b - a));
    expect(contacts.slice(known.length).every((value: number | null) => value === null)).toBe(true);
  });

  it('cursor with a different sort is 400', async () => {
    const first = await admin.get('/v1/devices?sort=deviceId&limit=5');
    const response = await admin.get(`/v1/devices?sort=lastContact&cursor=${encodeURIComponent(first.body.nextCursor)}`);

    expect(response.status).toBe(400);
    expect(response.body.field).toBe('query.sort');
  });

  it('tampered cursor is 400', async () => {
    const response = await admin.get('/v1/devices?cursor=not-a-cursor');

    expect(response.status).toBe(400);
    expect(response.body.field).toBe('query.cursor');
  });

  it('snapshot cursor expires after 15 minutes', async () => {
    const first = await admin.get('/v1/devices?sort=lastContact&limit=5');
    const realNow = server.ctx.now;
    server.ctx.now = () => realNow() + 16 * MINUTE;
    try {
      const response = await admin.get(`/v1/devices?cursor=${encodeURIComponent(first.body.nextCursor)}`);

      expect(response.status).toBe(410);
      expect(response.body.error).toBe('cursor_expired');
    } finally {
      server.ctx.now = realNow;
    }
  });

  it('expired list changes are purged', async () => {
    await admin.get('/v1/devices?sort=battery&limit=5');
    await server.ctx.store.devices.update(pks[3] ?? '', { battery_level: 99 });
    const before = await server.ctx.store.db.selectFrom('device_sort_changes').select('seq').execute();
    expect(before.length).toBeGreaterThan(0);

    const realNow = server.ctx.now;
    server.ctx.now = () => realNow() + 60 * MINUTE;
    try {
      const fresh = await admin.get('/v1/devices?sort=battery&limit=5');
      const after = await server.ctx.store.db.selectFrom('device_sort_changes').select('seq').execute();

      expect(fresh.status).toBe(200);
      expect(after).toEqual([]);
    } finally {
      server.ctx.now = realNow;
    }
  });

  it('stable sorts open no change log', async () => {
    await server.ctx.store.db.deleteFrom('device_list_activity').execute();
    const response = await admin.get('/v1/devices?sort=deviceId&limit=5');

    expect(response.body.nextCursor).not.toBeNull();
    expect(await server.ctx.store.db.selectFrom('device_list_activity').selectAll().execute()).toEqual([]);
  });

  it('bad list parameters are 400 naming the field', async () => {
    const stable = await admin.get('/v1/devices?sort=deviceId&limit=5');
    const changing = await admin.get('/v1/devices?sort=battery&limit=5');
    const stableState = JSON.parse(Buffer.from(stable.body.nextCursor, 'base64url').toString('utf8'));
    const changingState = JSON.parse(Buffer.from(changing.body.nextCursor, 'base64url').toString('utf8'));
    const encode = (state: unknown) => encodeURIComponent(Buffer.from(JSON.stringify(state)).toString('base64url'));
    const cases: Array<[string, string]> = [
      ['/v1/devices?sort=serial', 'query.sort'],
      ['/v1/devices?order=sideways', 'query.order'],
      ['/v1/devices?contactState=asleep', 'query.contactState'],
      ['/v1/devices?limit=500', 'query.limit'],
      ['/v1/devices?orgUnitId=', 'query.orgUnitId'],
      ['/v1/devices?cursor=bm90IGpzb24', 'query.cursor'],
      // A keyset cursor relabelled as a changing sort, and a change-log position that cannot exist.
      [`/v1/devices?cursor=${encode({ ...stableState, sort: 'battery' })}`, 'query.cursor'],
      [`/v1/devices?cursor=${encode({ ...changingState, changeSeq: -1 })}`, 'query.cursor'],
      [`/v1/devices?cursor=${encode({ ...changingState, value: { nested: true } })}`, 'query.cursor'],
      [`/v1/devices?order=desc&cursor=${encodeURIComponent(changing.body.nextCursor)}`, 'query.order'],
    ];

    for (const [path, field] of cases) {
      const response = await admin.get(path);
      expect(response.status, path).toBe(400);
      expect(response.body.field, path).toBe(field);
    }
  });
});

// Device-list pages (keyset paging, the change log, filters, search and the
// SQLite plan choice) against SQLite and PostgreSQL (a server when
// OUTPOST_TEST_DATABASE_URL is set, in-process PGlite otherwise).
import { Migrator, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { dialectOf, migrateToLatest, type Db } from '../../src/store/database.js';
import { migrationProvider } from '../../src/store/migrations/index.js';
import type { ListSortColumn, SortValue } from '../../src/store/repositories/device-list-queries.js';
import type { DeviceListFilter, SortOrder } from '../../src/store/repositories/devices.js';
import type { NewDevice } from '../../src/store/schema.js';
import { createStore, type Store } from '../../src/store/store.js';
import { DATABASE_BACKENDS } from '../support/database-backends.js';

const NOW = 1_700_000_000_000;
const MINUTE = 60_000;
// Above the matches up to which SQLite reads a filtered page through the
// filters' indexes (2,000), so both of its plans run.
const FLEET = 2_400;
const SORTS: ListSortColumn[] = ['device_id', 'enrolled_at', 'last_contact_at', 'battery_level', 'model'];
const CHANGING: ReadonlySet<ListSortColumn> = new Set(['last_contact_at', 'battery_level', 'model']);
const MODELS = ['SM-A145F', 'SM-A055F', 'Nokia C21', 'Pixel 6a', 'TECNO 100%_X'];

interface Seeded {
  id: string;
  device_id: string;
  serial: string;
  imei: string;
  model: string | null;
  org_unit_id: string;
  dhis2_user_id: string | null;
  enrolled_at: number;
  last_contact_at: number | null;
  battery_level: number | null;
}

/** Device n of the fleet: every attribute a filter or sort reads, with nulls and ties. */
const ORG_UNITS = ['clinic', 'district', 'other'];

function seededDevice(n: number): Seeded {
  const number = String(n).padStart(5, '0');
  return {
    id: `pk-${String((n * 7919) % FLEET).padStart(5, '0')}-${number}`,
    device_id: `dev-${number}`,
    serial: `RB${number}`,
    imei: `35${String(n * 13).padStart(13, '0')}`,
    model: n % 11 === 0 ? null : (MODELS[n % MODELS.length] ?? null),
    org_unit_id: ORG_UNITS[n % ORG_UNITS.length] ?? 'other',
    dhis2_user_id: n % 50 === 0 ? 'worker-1' : null,
    enrolled_at: NOW - Math.floor(n / 4) * MINUTE,
    last_contact_at: n % 9 === 0 ? null : NOW - (n % 400) * MINUTE,
    battery_level: n % 7 === 0 ? null : n % 101,
  };
}

/** Orders rows as the device list promises: non-null values by (value, id), nulls last by id, in byte order. */
function referenceOrder(rows: Seeded[], sort: ListSortColumn, order: SortOrder): Seeded[] {
  const sign = order === 'asc' ? 1 : -1;
  const compare = (a: string | number, b: string | number) =>
    typeof a === 'number' && typeof b === 'number' ? a - b : Buffer.compare(Buffer.from(String(a)), Buffer.from(String(b)));

  return [...rows].sort((a, b) => {
    const left = a[sort];
    const right = b[sort];
    if (left === null && right !== null) return 1;
    if (left !== null && right === null) return -1;
    const byValue = left === null || right === null ? 0 : compare(left, right);
    return byValue !== 0 ? sign * byValue : sign * compare(a.id, b.id);
  });
}

interface FilterCase {
  name: string;
  search: string | null;
  filter: DeviceListFilter;
  matches(device: Seeded): boolean;
}

const ONLINE_SINCE = NOW - 100 * MINUTE;
const LATE_SINCE = NOW - 300 * MINUTE;
const startsWith = (value: string | null, prefix: string) => value !== null && value.toLowerCase().startsWith(prefix.toLowerCase());

/** A letter or digit as the search splits words: ASCII ones and every character above U+007F. */
const isWordCharacter = (character: string | undefined) => character !== undefined && (/[A-Za-z0-9]/.test(character) || character.charCodeAt(0) > 127);

/** Reference of the search: some value, from the start of one of its words (or its own start) on, starts with `search`. */
function matchesWordStart(device: Pick<Seeded, 'device_id' | 'serial' | 'imei' | 'model'>, search: string): boolean {
  return [device.device_id, device.serial, device.imei, device.model].some((value) => {
    if (value === null) return false;
    for (let i = 0; i < value.length; i += 1) {
      const startsWord = i === 0 || (isWordCharacter(value[i]) && !isWordCharacter(value[i - 1]));
      if (startsWord && startsWith(value.slice(i), search)) return true;
    }
    return false;
  });
}

const FILTERS: FilterCase[] = [
  { name: 'none', search: null, filter: { scope: null }, matches: () => true },
  { name: 'search every device id', search: 'DEV-', filter: { scope: null }, matches: () => true },
  { name: 'search a model', search: 'sm-a055', filter: { scope: null }, matches: (d) => startsWith(d.model, 'sm-a055') },
  { name: 'search a device-id prefix', search: 'dev-012', filter: { scope: null }, matches: (d) => d.device_id.startsWith('dev-012') },
  { name: 'search a serial', search: 'rb00042', filter: { scope: null }, matches: (d) => d.serial === 'RB00042' },
  { name: 'search an IMEI prefix', search: '35000000000', filter: { scope: null }, matches: (d) => d.imei.startsWith('35000000000') },
  // 100 device ids (dev-00100 to dev-00199), read through the terms' index on SQLite.
  { name: 'search a word inside device ids', search: '001', filter: { scope: null }, matches: (d) => matchesWordStart(d, '001') },
  // Every device id, so SQLite walks the sort index and checks each device's terms.
  { name: 'search a word inside every device id', search: '0', filter: { scope: null }, matches: (d) => matchesWordStart(d, '0') },
  { name: 'search a word inside models', search: 'a055', filter: { scope: null }, matches: (d) => matchesWordStart(d, 'a055') },
  { name: 'org-unit subtree', search: null, filter: { scope: null, subtree: { paths: ['/root/district/'] } }, matches: (d) => d.org_unit_id !== 'other' },
  { name: 'scope of one clinic', search: null, filter: { scope: { paths: ['/root/district/clinic/'] } }, matches: (d) => d.org_unit_id === 'clinic' },
  { name: 'DHIS2 user', search: null, filter: { scope: null, dhis2UserId: 'worker-1' }, matches: (d) => d.dhis2_user_id === 'worker-1' },
  ...(['online', 'late', 'offline', 'never'] as const).map((state) => ({
    name: `contact state ${state}`,
    search: null,
    filter: { scope: null, contact: { state, onlineSince: ONLINE_SINCE, lateSince: LATE_SINCE } },
    matches: (d: Seeded) => contactStateOf(d.last_contact_at) === state,
  })),
  {
    name: 'search, subtree and contact together',
    search: 'sm-',
    filter: { scope: { paths: ['/root/district/'] }, contact: { state: 'online', onlineSince: ONLINE_SINCE, lateSince: LATE_SINCE } },
    matches: (d) => startsWith(d.model, 'sm-') && d.org_unit_id !== 'other' && contactStateOf(d.last_contact_at) === 'online',
  },
];

/** Builds a device outside the seeded fleet, with the searched columns given. */
function extraDevice(id: string, searched: Pick<NewDevice, 'device_id' | 'serial' | 'imei' | 'model'>, orgUnitId: string | null = 'clinic'): NewDevice {
  return { id, ...searched, org_unit_id: orgUnitId, enrolled_at: NOW, enrolment_generation: 1, created_at: NOW, updated_at: NOW };
}

async function searchTermsOf(db: Db, pk: string): Promise<string[]> {
  const result = await sql<{ term: string }>`select term from device_search_terms where device_pk = ${pk} order by term`.execute(db);
  return result.rows.map((row) => row.term);
}

function contactStateOf(lastContact: number | null): string {
  if (lastContact === null) return 'never';
  if (lastContact >= ONLINE_SINCE) return 'online';
  return lastContact >= LATE_SINCE ? 'late' : 'offline';
}

describe.each(DATABASE_BACKENDS)('device list pages on $name', (backend) => {
  let store: Store;
  let cleanup: () => Promise<void>;
  const fleet: Seeded[] = [];

  beforeAll(async () => {
    const opened = await backend.open();
    cleanup = opened.cleanup;
    await migrateToLatest(opened.db);
    store = createStore(opened.db);

    await store.orgUnits.insert({ id: 'root', name: 'Root', parentId: null }, NOW);
    await store.orgUnits.insert({ id: 'district', name: 'District', parentId: 'root' }, NOW);
    await store.orgUnits.insert({ id: 'clinic', name: 'Clinic', parentId: 'district' }, NOW);
    await store.orgUnits.insert({ id: 'other', name: 'Other', parentId: 'root' }, NOW);

    for (let n = 1; n <= FLEET; n += 1) fleet.push(seededDevice(n));
    // 500 rows of about 30 columns stay under SQLite's limit of bound values per statement.
    for (let start = 0; start < fleet.length; start += 500) {
      const rows: NewDevice[] = fleet
        .slice(start, start + 500)
        .map((device) => ({ ...device, enrolment_generation: 1, created_at: NOW, updated_at: NOW }));
      await store.db.insertInto('devices').values(rows).execute();
    }
  }, 60_000);
  afterAll(async () => {
    await cleanup();
  });

  async function readAll(sort: ListSortColumn, order: SortOrder, filterCase: FilterCase, limit: number, asOfChange: number | null) {
    const ids: string[] = [];
    let after: { value: SortValue; id: string } | null = null;
    for (;;) {
      const rows = await store.devices.listPage({ sort, order, search: filterCase.search, filter: filterCase.filter, after, limit: limit + 1, asOfChange });
      ids.push(...rows.slice(0, limit).map((row) => row.id));
      const last = rows[limit - 1];
      if (rows.length <= limit || !last) return ids;
      after = { value: last.sort_value, id: last.id };
    }
  }

  for (const filterCase of FILTERS) {
    it(`every sort and order is right: ${filterCase.name}`, async () => {
      const matching = fleet.filter((device) => filterCase.matches(device));
      expect(matching.length).toBeGreaterThan(0);

      for (const sort of SORTS) {
        for (const order of ['asc', 'desc'] as const) {
          const expected = referenceOrder(matching, sort, order).map((device) => device.id);
          // Large pages keep the test short; the first pages also run at the console's page size.
          const asOfChange = CHANGING.has(sort) ? await store.devices.openChangeLog(Date.now() + MINUTE) : null;
          const all = await readAll(sort, order, filterCase, 500, asOfChange);
          const firstPages = await readFirstPages(sort, order, filterCase, asOfChange);

          expect(all, `${sort} ${order}`).toEqual(expected);
          expect(firstPages, `${sort} ${order}, pages of 50`).toEqual(expected.slice(0, firstPages.length));
          expect(firstPages.length, `${sort} ${order}, pages of 50`).toBe(Math.min(150, expected.length));
        }
      }
    }, 120_000);
  }

  async function readFirstPages(sort: ListSortColumn, order: SortOrder, filterCase: FilterCase, asOfChange: number | null) {
    const ids: string[] = [];
    let after: { value: SortValue; id: string } | null = null;
    for (let page = 0; page < 3; page += 1) {
      const rows = await store.devices.listPage({ sort, order, search: filterCase.search, filter: filterCase.filter, after, limit: 51, asOfChange });
      ids.push(...rows.slice(0, 50).map((row) => row.id));
      const last = rows[49];
      if (rows.length <= 50 || !last) break;
      after = { value: last.sort_value, id: last.id };
    }
    return ids;
  }

  const search = async (text: string) => {
    const rows = await store.devices.listPageByStableKey({ sort: 'device_id', order: 'asc', search: text, after: null, limit: FLEET + 100 });
    return rows.map((row) => row.device_id);
  };

  it('search matches the start of device id, serial, IMEI or model', async () => {
    expect(await search('DEV-00042')).toEqual(['dev-00042']);
    expect(await search('rb0004')).toEqual(fleet.filter((d) => d.serial.startsWith('RB0004')).map((d) => d.device_id));
    expect(await search('350000000005460')).toEqual(['dev-00420']);
    expect((await search('nokia')).length).toBe(fleet.filter((d) => startsWith(d.model, 'nokia')).length);
    // A word inside a value matches from its start, but digits inside a longer run do not.
    expect(await search('00042')).toEqual(['dev-00042']);
    expect((await search('A055F')).length).toBe(fleet.filter((d) => d.model === 'SM-A055F').length);
    expect(await search('B00042')).toEqual([]);
    expect(await search('0000000005460')).toEqual([]);
    // LIKE wildcards match only themselves.
    expect((await search('tecno 100%_')).length).toBe(fleet.filter((d) => d.model === 'TECNO 100%_X').length);
    expect(await search('tecno 1000')).toEqual([]);
    expect(await search('dev_0')).toEqual([]);
    expect(await search('%')).toEqual([]);
  });

  it('search matches the start of each word', async () => {
    const pk = 'words-1';
    await store.devices.insert(extraDevice(pk, { device_id: 'chw-kono-001', serial: 'UG0042', imei: null, model: 'Tecno Spark_20' }));

    const found = async (text: string) => (await search(text)).includes('chw-kono-001');
    for (const text of ['kono', 'KONO', '001', 'chw', 'kono-00', 'spark', '20', 'spark_2', 'ug0042']) {
      expect(await found(text), text).toBe(true);
    }
    // Only the start of a word matches: not its middle, and not digits inside a longer run.
    for (const text of ['ono', 'hw', '01', 'park', '0042', 'kono 001']) {
      expect(await found(text), text).toBe(false);
    }
    await store.devices.deleteByPk(pk);
  });

  it('search follows a changed model', async () => {
    const pk = 'words-2';
    await store.devices.insert(extraDevice(pk, { device_id: 'chw-bo-7', serial: null, imei: null, model: 'Itel A70' }));
    const before = { itel: await search('itel'), a70: await search('a70') };

    await store.devices.update(pk, { model: 'Infinix Hot 12' });

    expect(before.itel).toContain('chw-bo-7');
    expect(before.a70).toContain('chw-bo-7');
    expect(await search('hot')).toContain('chw-bo-7');
    expect(await search('itel')).not.toContain('chw-bo-7');
    expect(await search('a70')).not.toContain('chw-bo-7');
    expect(await search('bo')).toContain('chw-bo-7');
    await store.devices.deleteByPk(pk);
  });

  it('deleted device leaves no search terms', async () => {
    const pk = 'words-3';
    await store.devices.insert(extraDevice(pk, { device_id: 'chw-moyamba-3', serial: 'R58M', imei: '356938035643809', model: 'Nokia C2' }));
    const before = await searchTermsOf(store.db, pk);

    await store.devices.deleteByPk(pk);

    expect(before).toContain('moyamba-3');
    expect(before).toContain('356938035643809');
    expect(await searchTermsOf(store.db, pk)).toEqual([]);
    expect(await search('moyamba')).toEqual([]);
  });

  // On SQLite the district (1,600 devices) is read through its index and
  // the searches for every device id (2,400) by walking the sort index.
  const reporting: FilterCase[] = [
    { name: 'district', search: null, filter: { scope: { paths: ['/root/district/'] } }, matches: (d) => d.org_unit_id !== 'other' },
    { name: 'every device id', search: 'dev-', filter: { scope: null }, matches: () => true },
    { name: 'a word in every device id', search: '0', filter: { scope: null }, matches: () => true },
    { name: 'a word in 100 device ids', search: '001', filter: { scope: null }, matches: (d) => matchesWordStart(d, '001') },
  ];
  for (const filterCase of reporting) for (const sort of SORTS) {
    for (const order of ['asc', 'desc'] as const) {
      it(`paging while devices report shows each once: ${filterCase.name}, ${sort} ${order}`, async () => {
        const before = await readAll(sort, order, filterCase, 1000, null);
        expect(before).toHaveLength(fleet.filter((device) => filterCase.matches(device)).length);
        const asOfChange = CHANGING.has(sort) ? await store.devices.openChangeLog(Date.now() + MINUTE) : null;
        const seen: string[] = [];
        let after: { value: SortValue; id: string } | null = null;
        let round = 0;

        for (;;) {
          const rows = await store.devices.listPage({ sort, order, search: filterCase.search, filter: filterCase.filter, after, limit: 61, asOfChange });
          seen.push(...rows.slice(0, 60).map((row) => row.id));
          const last = rows[59];
          if (rows.length <= 60 || !last) break;
          after = { value: last.sort_value, id: last.id };

          // Reports between pages: move devices ahead of and behind the cursor, twice for some.
          round += 1;
          for (let offset = 0; offset < 12; offset += 1) {
            const pk = before[(round * 37 + offset * 101) % before.length] ?? '';
            await store.devices.update(pk, {
              last_contact_at: offset % 3 === 0 ? null : NOW + (offset % 2 === 0 ? round : -1000 - round) * MINUTE,
              battery_level: offset % 4 === 0 ? null : (round * 17 + offset) % 101,
              model: offset % 5 === 0 ? `Changed ${round}` : MODELS[offset % MODELS.length],
            });
          }
        }

        expect(seen).toHaveLength(before.length);
        expect(new Set(seen).size).toBe(before.length);
        expect([...seen].sort()).toEqual([...before].sort());
        expect(seen).toEqual(before);
      }, 60_000);
    }
  }

  it('migration backfills terms and reverts', async () => {
    const opened = await backend.open();
    try {
      const db = opened.db;
      // On PostgreSQL the migrator looks for its table in the test's own schema only, as migrateToLatest does.
      const schema = dialectOf(db) === 'postgres' ? (await sql<{ name: string }>`select current_schema() as name`.execute(db)).rows[0]?.name : undefined;
      const migrator = new Migrator({ db, provider: migrationProvider, migrationTableSchema: schema });
      const { error } = await migrator.migrateTo('0010-device-list-indexes');
      expect(error).toBeUndefined();
      // No org unit: this database has none.
      await db.insertInto('devices').values(extraDevice('old-1', { device_id: 'chw-kono-001', serial: null, imei: null, model: 'Itel A70' }, null)).execute();
      await db.insertInto('devices').values(extraDevice('old-2', { device_id: 'UG-KAMPALA-0042', serial: 'R58M', imei: null, model: null }, null)).execute();

      await migrateToLatest(db);

      const migrated = createStore(db);
      const found = async (text: string) => {
        const rows = await migrated.devices.listPageByStableKey({ sort: 'device_id', order: 'asc', search: text, after: null, limit: 10 });
        return rows.map((row) => row.id);
      };
      expect(await searchTermsOf(db, 'old-1')).toEqual(['001', 'a70', 'chw-kono-001', 'itel a70', 'kono-001']);
      expect(await searchTermsOf(db, 'old-2')).toEqual(['0042', 'kampala-0042', 'r58m', 'ug-kampala-0042']);
      expect(await found('kono')).toEqual(['old-1']);
      expect(await found('0042')).toEqual(['old-2']);
      expect(await found('ono')).toEqual([]);

      // Migrating down drops the terms table and keeps the devices.
      const down = await migrator.migrateDown();
      expect(down.error).toBeUndefined();
      await expect(searchTermsOf(db, 'old-1')).rejects.toThrow();
      expect(await db.selectFrom('devices').select('id').orderBy('id').execute()).toEqual([{ id: 'old-1' }, { id: 'old-2' }]);
    } finally {
      await opened.cleanup();
    }
  });

  it('change log window extends past the request', async () => {
    await store.db.deleteFrom('device_list_activity').execute();
    const openUntil = Date.now() + MINUTE;
    const readWindow = async () => (await store.db.selectFrom('device_list_activity').select('open_until').execute()).map((row) => row.open_until);

    await store.devices.openChangeLog(openUntil);
    const first = await readWindow();
    await store.devices.openChangeLog(openUntil + MINUTE);
    const unchanged = await readWindow();
    await store.devices.openChangeLog(openUntil + 10 * MINUTE);
    const extended = await readWindow();

    expect(first).toEqual([openUntil + 5 * MINUTE]);
    expect(unchanged).toEqual(first);
    expect(extended).toEqual([openUntil + 15 * MINUTE]);
  });

  it('change log records updates only while a list is open', async () => {
    await store.db.deleteFrom('device_sort_changes').execute();
    await store.db.deleteFrom('device_list_activity').execute();
    const pk = fleet[0]?.id ?? '';

    await store.devices.update(pk, { last_contact_at: NOW + 5 * MINUTE });
    const closed = await store.db.selectFrom('device_sort_changes').selectAll().execute();
    await store.devices.openChangeLog(Date.now() + MINUTE);
    await store.devices.update(pk, { last_contact_at: NOW + 6 * MINUTE });
    await store.devices.update(pk, { agent_version: 'unrelated' });
    const open = await store.db.selectFrom('device_sort_changes').selectAll().execute();

    expect(closed).toEqual([]);
    expect(open.map((row) => [row.device_pk, row.last_contact_at])).toEqual([[pk, NOW + 5 * MINUTE]]);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startDhis2Standin, type Dhis2Standin } from '../support/dhis2-standin.js';

// The stand-in is itself code that tests depend on, so these checks keep
// its responses shaped like the recorded DHIS2 responses.

describe('DHIS2 stand-in', () => {
  let dhis2: Dhis2Standin;
  const get = (path: string, auth?: string) =>
    fetch(`${dhis2.url}${path}`, { headers: { Authorization: auth ?? `ApiToken ${dhis2.token}` } });

  beforeAll(async () => {
    dhis2 = await startDhis2Standin({ orgUnits: 10_000, users: 5_000 });
  });
  afterAll(async () => {
    await dhis2.close();
  });

  it('builds large trees with DHIS2-style uids and consistent paths', () => {
    expect(dhis2.orgUnits).toHaveLength(10_000);
    expect(dhis2.users).toHaveLength(5_000);
    const ids = new Set(dhis2.orgUnits.map((unit) => unit.id));
    expect(ids.size).toBe(10_000);
    for (const unit of dhis2.orgUnits) {
      expect(unit.id).toMatch(/^[A-Za-z][A-Za-z0-9]{10}$/);
      expect(unit.path.endsWith(`/${unit.id}`)).toBe(true);
      expect(unit.path.split('/').length - 1).toBe(unit.level);
    }
  });

  it('pages units with a pager and honours fields', async () => {
    const res = await get('/api/organisationUnits?fields=id,name,path,parent[id]&page=2&pageSize=1000');
    const body = (await res.json()) as { pager: { page: number; pageCount: number; total: number }; organisationUnits: Record<string, unknown>[] };
    expect(body.pager).toMatchObject({ page: 2, pageCount: 10, total: 10_000 });
    expect(body.organisationUnits).toHaveLength(1000);
    expect(Object.keys(body.organisationUnits[0]!).sort()).toEqual(expect.arrayContaining(['id', 'name', 'path']));
    expect(body.organisationUnits[0]).not.toHaveProperty('level');
  });

  it('answers only changed objects after a lastUpdated filter', async () => {
    const before = new Date(Date.now() - 1000).toISOString().replace('Z', '');
    dhis2.disableUser(dhis2.users[100]!.id);
    const res = await get(`/api/users?fields=id,disabled&paging=false&filter=lastUpdated:gt:${before}`);
    const body = (await res.json()) as { users: { id: string; disabled: boolean }[] };
    expect(body.users).toEqual([{ id: dhis2.users[100]!.id, disabled: true }]);
  });

  it('accepts the token and Basic auth, and refuses a wrong token', async () => {
    expect((await get('/api/me?fields=id,username')).status).toBe(200);
    expect((await get('/api/me', 'ApiToken wrong')).status).toBe(401);
    dhis2.setPassword('chw00001', 'District1!');
    const basic = `Basic ${Buffer.from('chw00001:District1!').toString('base64')}`;
    const me = (await (await get('/api/me?fields=username,organisationUnits[id,path],userGroups[id]', basic)).json()) as Record<string, unknown>;
    expect(me.username).toBe('chw00001');
    expect(me.organisationUnits).toHaveLength(1);
    const [unit] = me.organisationUnits as { id: string; path?: string }[];
    expect(unit!.path).toBe(dhis2.orgUnits.find((candidate) => candidate.id === unit!.id)!.path);
  });

  it('reports the chosen version with unknown extra fields', async () => {
    dhis2.setVersion('2.43');
    const info = (await (await get('/api/system/info')).json()) as Record<string, unknown>;
    expect(info.version).toBe('2.43.1');
    expect(info).toHaveProperty('futureSettings');
  });

  it('fails a page once, then serves it', async () => {
    dhis2.failPageOnce('users', 3);
    expect((await get('/api/users?page=3&pageSize=100')).status).toBe(500);
    expect((await get('/api/users?page=3&pageSize=100')).status).toBe(200);
  });

  it('keeps APK_DISTRIBUTION with DHIS2 dataStore semantics', async () => {
    const versions = (await (await get('/api/dataStore/APK_DISTRIBUTION/versions')).json()) as { versions: unknown[] };
    expect(versions.versions).toHaveLength(3);
    const post = await fetch(`${dhis2.url}/api/dataStore/APK_DISTRIBUTION/versions`, {
      method: 'POST',
      headers: { Authorization: `ApiToken ${dhis2.token}`, 'content-type': 'application/json' },
      body: '{"versions":[]}',
    });
    expect(post.status).toBe(409);
  });
});

import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

import { parseFields, pickFields } from './dhis2-fields.js';
import {
  BASE_TIME,
  buildOrgUnits,
  buildUserGroups,
  buildUsers,
  formatDhis2Date,
  readFixture,
  standinUid,
  type StandinOrgUnit,
  type StandinUser,
  type StandinUserGroup,
} from './dhis2-standin-data.js';
import { applyFilters, authKind, dataStoreCall, sendError, sendJson, unitJson, userJson, type AuthKind } from './dhis2-standin-http.js';

export { standinUid, type StandinOrgUnit, type StandinUser, type StandinUserGroup };

/**
 * A DHIS2 server for tests: real HTTP on 127.0.0.1, responses built from the
 * recorded responses in test/fixtures/dhis2, and controls to make it fail.
 *
 *   const dhis2 = await startDhis2Standin({ orgUnits: 10_000, users: 5_000 });
 *   await fetch(`${dhis2.url}/api/me`, { headers: { Authorization: `ApiToken ${dhis2.token}` } });
 *   dhis2.disableUser(dhis2.users[10].id);
 *   await dhis2.close();
 */
export interface Dhis2Standin {
  /** Base URL without a trailing slash, e.g. http://127.0.0.1:41234. */
  readonly url: string;
  /** The personal access token that authenticates as the recorded admin. */
  readonly token: string;
  readonly orgUnits: StandinOrgUnit[];
  readonly users: StandinUser[];
  readonly userGroups: StandinUserGroup[];
  /** Every request received, oldest first. */
  readonly requests: StandinRequest[];
  /** One of '2.38' … '2.43', or a full version string such as '2.41.3'. */
  setVersion(version: string): void;
  /** Accepts Basic auth for this user with this password. */
  setPassword(username: string, password: string): void;
  /** Replaces the valid token; the old one then gets 401. */
  setToken(token: string, userId?: string): void;
  disableUser(id: string, disabled?: boolean): void;
  /** Changes a user's fields and stamps lastUpdated. */
  changeUser(id: string, change: Partial<Omit<StandinUser, 'id' | 'lastUpdated'>>): void;
  removeUser(id: string): void;
  /** Renames or moves a unit; moving rewrites the paths of its descendants, as DHIS2 does. */
  changeOrgUnit(id: string, change: { name?: string; parentId?: string; closedDate?: string | null }): void;
  addOrgUnit(parentId: string, name: string): StandinOrgUnit;
  /** Removes a leaf unit. */
  removeOrgUnit(id: string): void;
  /** Makes the next request for this page of this list fail with 500, once. */
  failPageOnce(resource: ListResource, page: number): void;
  /** 'html': every API call returns a login page; 'hang': calls never get a response. */
  setMode(mode: StandinMode): void;
  readDataStore(namespace: string, key: string): unknown;
  writeDataStore(namespace: string, key: string, value: unknown): void;
  deleteDataStore(namespace: string, key: string): void;
  close(): Promise<void>;
}

export type ListResource = 'organisationUnits' | 'users' | 'userGroups';
export type StandinMode = 'normal' | 'html' | 'hang';

export interface StandinRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  auth: AuthKind;
  body: string;
}

export interface StandinOptions {
  /** Total org units (at least the 166 recorded ones are kept in order). */
  orgUnits?: number;
  /** Total users, the recorded admin and 50 recorded users first. */
  users?: number;
  version?: string;
  token?: string;
}

const FULL_VERSIONS: Record<string, string> = {
  '2.38': '2.38.7',
  '2.39': '2.39.6',
  '2.40': '2.40.2.2',
  '2.41': '2.41.3',
  '2.42': '2.42.1',
  '2.43': '2.43.1',
};

export const DEFAULT_STANDIN_TOKEN = 'd2p_standinTokenForOutpostTestsOnly0123456789abcd';

export async function startDhis2Standin(options: StandinOptions = {}): Promise<Dhis2Standin> {
  const orgUnits = buildOrgUnits(options.orgUnits ?? 166);
  const userGroups = buildUserGroups();
  const users = buildUsers(options.users ?? 51, orgUnits, userGroups);
  const state = new StandinState(orgUnits, users, userGroups, options);

  const sockets = new Set<Socket>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => state.handle(req, Buffer.concat(chunks).toString('utf8'), res));
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  // A stand-in left open by a failed test must not keep the test process alive.
  server.unref();
  const { port } = server.address() as AddressInfo;

  return state.api(`http://127.0.0.1:${port}`, async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
}

class StandinState {
  version: string;
  token: string;
  tokenUserId: string;
  mode: StandinMode = 'normal';
  clock = BASE_TIME;
  readonly passwords = new Map<string, string>();
  readonly failures: { resource: ListResource; page: number }[] = [];
  readonly requests: StandinRequest[] = [];
  readonly dataStore = new Map<string, unknown>();

  constructor(
    readonly orgUnits: StandinOrgUnit[],
    readonly users: StandinUser[],
    readonly userGroups: StandinUserGroup[],
    options: StandinOptions,
  ) {
    this.version = FULL_VERSIONS[options.version ?? '2.40'] ?? options.version ?? '2.40.2.2';
    this.token = options.token ?? DEFAULT_STANDIN_TOKEN;
    this.tokenUserId = users[0]!.id;
    this.dataStore.set('APK_DISTRIBUTION/latestVersion', readFixture('apk-distribution-latest.json'));
    this.dataStore.set('APK_DISTRIBUTION/versions', readFixture('apk-distribution-versions.json'));
  }

  /** Stamps a change: strictly later than any earlier change and never before the wall clock. */
  tick(): number {
    this.clock = Math.max(this.clock + 1, Date.now());
    return this.clock;
  }

  api(url: string, close: () => Promise<void>): Dhis2Standin {
    const self = this;
    return {
      url,
      get token() {
        return self.token;
      },
      orgUnits: this.orgUnits,
      users: this.users,
      userGroups: this.userGroups,
      requests: this.requests,
      setVersion: (version) => {
        this.version = FULL_VERSIONS[version] ?? version;
      },
      setPassword: (username, password) => this.passwords.set(username, password),
      setToken: (token, userId) => {
        this.token = token;
        this.tokenUserId = userId ?? this.tokenUserId;
      },
      disableUser: (id, disabled = true) => this.changeUser(id, { disabled }),
      changeUser: (id, change) => this.changeUser(id, change),
      removeUser: (id) => {
        this.users.splice(this.users.indexOf(this.user(id)), 1);
      },
      changeOrgUnit: (id, change) => this.changeOrgUnit(id, change),
      addOrgUnit: (parentId, name) => {
        const parent = this.unit(parentId);
        const id = standinUid(`added-${this.orgUnits.length}-${name}`);
        const unit: StandinOrgUnit = {
          ...parent,
          id,
          name,
          code: null,
          level: parent.level + 1,
          path: `${parent.path}/${id}`,
          parentId,
          lastUpdated: this.tick(),
        };
        this.orgUnits.push(unit);
        return unit;
      },
      removeOrgUnit: (id) => {
        if (this.orgUnits.some((unit) => unit.parentId === id)) throw new Error(`unit ${id} has children`);
        this.orgUnits.splice(this.orgUnits.indexOf(this.unit(id)), 1);
      },
      failPageOnce: (resource, page) => this.failures.push({ resource, page }),
      setMode: (mode) => {
        this.mode = mode;
      },
      readDataStore: (namespace, key) => this.dataStore.get(`${namespace}/${key}`),
      writeDataStore: (namespace, key, value) => this.dataStore.set(`${namespace}/${key}`, value),
      deleteDataStore: (namespace, key) => this.dataStore.delete(`${namespace}/${key}`),
      close,
    };
  }

  user(id: string): StandinUser {
    const user = this.users.find((candidate) => candidate.id === id);
    if (!user) throw new Error(`no stand-in user ${id}`);
    return user;
  }

  unit(id: string): StandinOrgUnit {
    const unit = this.orgUnits.find((candidate) => candidate.id === id);
    if (!unit) throw new Error(`no stand-in org unit ${id}`);
    return unit;
  }

  changeUser(id: string, change: Partial<StandinUser>): void {
    Object.assign(this.user(id), change, { lastUpdated: this.tick() });
  }

  changeOrgUnit(id: string, change: { name?: string; parentId?: string; closedDate?: string | null }): void {
    const unit = this.unit(id);
    if (change.name !== undefined) unit.name = change.name;
    if (change.closedDate !== undefined) unit.closedDate = change.closedDate;
    if (change.parentId !== undefined && change.parentId !== unit.parentId) {
      const parent = this.unit(change.parentId);
      const oldPath = unit.path;
      unit.parentId = parent.id;
      unit.path = `${parent.path}/${unit.id}`;
      unit.level = parent.level + 1;
      // DHIS2 rewrites descendants' paths on a move without stamping them.
      for (const other of this.orgUnits) {
        if (other.path.startsWith(`${oldPath}/`)) {
          other.path = unit.path + other.path.slice(oldPath.length);
          other.level = other.path.split('/').length - 1;
        }
      }
    }
    unit.lastUpdated = this.tick();
  }

  handle(req: http.IncomingMessage, body: string, res: http.ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://standin');
    const auth = authKind(req.headers.authorization);
    this.requests.push({ method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, auth, body });

    if (this.mode === 'hang') return;
    if (this.mode === 'html') {
      res.writeHead(200, { 'content-type': 'text/html;charset=UTF-8' });
      res.end('<!DOCTYPE html><html><head><title>DHIS 2</title></head><body><form action="login">Sign in</form></body></html>');
      return;
    }

    const caller = this.authenticate(req.headers.authorization);
    if (!caller) {
      sendError(res, 401, 'Unauthorized', 'Account is not authenticated');
      return;
    }

    try {
      this.route(req.method ?? 'GET', url, body, caller, res);
    } catch (error) {
      sendError(res, 500, 'Internal Server Error', (error as Error).message);
    }
  }

  authenticate(header: string | undefined): StandinUser | null {
    if (!header) return null;
    const token = /^ApiToken (.+)$/.exec(header);
    if (token) {
      return token[1] === this.token ? (this.users.find((user) => user.id === this.tokenUserId) ?? null) : null;
    }
    const basic = /^Basic (.+)$/.exec(header);
    if (!basic) return null;
    const decoded = Buffer.from(basic[1]!, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    const username = decoded.slice(0, colon);
    const user = this.users.find((candidate) => candidate.username === username);
    if (!user || user.disabled || this.passwords.get(username) !== decoded.slice(colon + 1)) return null;
    return user;
  }

  route(method: string, url: URL, body: string, caller: StandinUser, res: http.ServerResponse): void {
    // DHIS2 accepts /api/41/… as well as /api/….
    const path = url.pathname.replace(/^\/api\/\d{2}\//, '/api/').replace(/\/$/, '');
    const fields = parseFields(url.searchParams.get('fields'));

    if (method === 'GET' && path === '/api/system/info') {
      sendJson(res, 200, this.systemInfo());
      return;
    }
    if (method === 'GET' && path === '/api/me') {
      const full = this.userJson(caller, true, this.unitIndex());
      sendJson(res, 200, pickFields(full, fields));
      return;
    }
    const list = /^\/api\/(organisationUnits|users|userGroups)(?:\/([A-Za-z0-9]{11}))?$/.exec(path);
    if (method === 'GET' && list) {
      this.sendList(list[1] as ListResource, list[2], url.searchParams, res);
      return;
    }
    const store = /^\/api\/dataStore\/([^/]+)\/([^/]+)$/.exec(path);
    if (store) {
      dataStoreCall(this.dataStore, method, `${store[1]}/${store[2]}`, body, res);
      return;
    }
    sendError(res, 404, 'Not Found', `No endpoint ${method} ${path}`);
  }

  systemInfo(): Record<string, unknown> {
    const recorded = this.version.startsWith('2.43')
      ? readFixture<Record<string, unknown>>('system-info-2.43-snapshot.json')
      : readFixture<Record<string, unknown>>('system-info.json');
    return {
      ...recorded,
      version: this.version,
      serverDate: formatDhis2Date(Date.now()),
      serverTimeZoneId: 'Etc/UTC',
      // Fields a later DHIS2 might add; clients must ignore them.
      clusterHostname: 'standin',
      futureSettings: { standinField: true, nested: [1, 2, 3] },
    };
  }

  sendList(resource: ListResource, id: string | undefined, query: URLSearchParams, res: http.ServerResponse): void {
    const fields = parseFields(query.get('fields') ?? (id ? null : 'id,displayName'));
    const all = this.fullList(resource);

    if (id) {
      const one = all.find((item) => item.id === id);
      if (one) sendJson(res, 200, pickFields(one, fields));
      else sendError(res, 404, 'Not Found', `${resource} with id ${id} could not be found.`);
      return;
    }

    let items: Record<string, unknown>[];
    try {
      items = applyFilters(all, query.getAll('filter'));
    } catch (error) {
      sendError(res, 400, 'Bad Request', (error as Error).message);
      return;
    }
    items.sort((a, b) => String(a.id).localeCompare(String(b.id)));

    if (query.get('paging') === 'false') {
      sendJson(res, 200, { [resource]: pickFields(items, fields) });
      return;
    }

    const page = Math.max(1, Number(query.get('page') ?? '1') || 1);
    const pageSize = Math.max(1, Number(query.get('pageSize') ?? '50') || 50);
    const failure = this.failures.findIndex((rule) => rule.resource === resource && rule.page === page);
    if (failure >= 0) {
      this.failures.splice(failure, 1);
      sendError(res, 500, 'Internal Server Error', 'could not serialize access due to concurrent update');
      return;
    }

    const pageCount = Math.max(1, Math.ceil(items.length / pageSize));
    const pager: Record<string, unknown> = { page, total: items.length, pageSize, pageCount };
    if (page < pageCount) {
      const next = new URLSearchParams(query);
      next.set('page', String(page + 1));
      pager.nextPage = `/${resource}?${next.toString()}`;
    }
    const slice = items.slice((page - 1) * pageSize, page * pageSize);
    sendJson(res, 200, { pager, [resource]: pickFields(slice, fields) });
  }

  fullList(resource: ListResource): Record<string, unknown>[] {
    if (resource === 'organisationUnits') {
      const children = new Map<string, { id: string }[]>();
      for (const unit of this.orgUnits) {
        if (unit.parentId) children.set(unit.parentId, [...(children.get(unit.parentId) ?? []), { id: unit.id }]);
      }
      return this.orgUnits.map((unit) => unitJson(unit, children.get(unit.id) ?? []));
    }
    if (resource === 'users') {
      const units = this.unitIndex();
      return this.users.map((user) => this.userJson(user, false, units));
    }
    return this.userGroups.map((group) => ({
      id: group.id,
      name: group.name,
      displayName: group.name,
      lastUpdated: formatDhis2Date(group.lastUpdated),
      users: this.users.filter((user) => user.userGroupIds.includes(group.id)).map((user) => ({ id: user.id })),
    }));
  }

  unitIndex(): Map<string, StandinOrgUnit> {
    return new Map(this.orgUnits.map((unit) => [unit.id, unit]));
  }

  userJson(user: StandinUser, me: boolean, units: Map<string, StandinOrgUnit>): Record<string, unknown> {
    return userJson(user, units, { version: this.version, me, admin: user.id === this.users[0]!.id });
  }
}

import type http from 'node:http';

import {
  BASE_TIME,
  formatDhis2Date,
  parseDhis2Date,
  type StandinOrgUnit,
  type StandinUser,
} from './dhis2-standin-data.js';

// JSON shapes, filters and dataStore semantics of the DHIS2 stand-in,
// modelled on the recorded responses in test/fixtures/dhis2.

export type AuthKind = 'token' | 'basic' | 'none';

/** Builds a unit as /api/organisationUnits returns it with every field. */
export function unitJson(unit: StandinOrgUnit, children: { id: string }[]): Record<string, unknown> {
  return {
    id: unit.id,
    name: unit.name,
    displayName: unit.name,
    shortName: unit.name,
    code: unit.code ?? undefined,
    level: unit.level,
    path: unit.path,
    parent: unit.parentId ? { id: unit.parentId } : undefined,
    openingDate: unit.openingDate,
    closedDate: unit.closedDate ?? undefined,
    created: formatDhis2Date(BASE_TIME - 86_400_000),
    lastUpdated: formatDhis2Date(unit.lastUpdated),
    children,
  };
}

/** Builds a user as /api/users or /api/me returns it with every field, for one DHIS2 version. */
export function userJson(
  user: StandinUser,
  units: Map<string, StandinOrgUnit>,
  options: { version: string; me: boolean; admin: boolean },
): Record<string, unknown> {
  const ref = (id: string) => ({ id, path: units.get(id)?.path, displayName: units.get(id)?.name });
  const json: Record<string, unknown> = {
    id: user.id,
    username: user.username,
    firstName: user.firstName,
    surname: user.surname,
    name: `${user.firstName} ${user.surname}`.trim(),
    displayName: `${user.firstName} ${user.surname}`.trim(),
    email: user.email ?? undefined,
    disabled: user.disabled,
    lastLogin: user.lastLogin === null ? undefined : formatDhis2Date(user.lastLogin),
    lastUpdated: formatDhis2Date(user.lastUpdated),
    organisationUnits: user.orgUnitIds.map(ref),
    dataViewOrganisationUnits: [],
    teiSearchOrganisationUnits: [],
    userGroups: user.userGroupIds.map((id) => ({ id })),
    userRoles: user.userRoleIds.map((id) => ({ id })),
  };
  // Before 2.42 DHIS2 also nested the account fields in userCredentials.
  if (!/^2\.(4[2-9]|[5-9]\d)/.test(options.version)) {
    json.userCredentials = { username: user.username, disabled: user.disabled, lastLogin: json.lastLogin };
  }
  if (options.me) json.authorities = options.admin ? ['ALL'] : [];
  return json;
}

/** Handles one dataStore call as DHIS2 does: POST creates (409 when present), PUT replaces (404 when absent). */
export function dataStoreCall(store: Map<string, unknown>, method: string, key: string, body: string, res: http.ServerResponse): void {
  const [namespace, name] = key.split('/');
  const exists = store.has(key);
  if (method === 'GET') {
    if (exists) sendJson(res, 200, store.get(key));
    else sendError(res, 404, 'Not Found', `Key '${name}' not found in namespace '${namespace}'`);
    return;
  }
  if (method !== 'PUT' && method !== 'POST' && method !== 'DELETE') {
    sendError(res, 405, 'Method Not Allowed', `Request method '${method}' is not supported`);
    return;
  }
  if (method === 'DELETE') {
    store.delete(key);
    sendJson(res, 200, { httpStatus: 'OK', httpStatusCode: 200, status: 'OK', message: `Key '${name}' deleted from namespace '${namespace}'` });
    return;
  }
  if (method === 'POST' && exists) {
    sendError(res, 409, 'Conflict', `Key '${name}' already exists in namespace '${namespace}'`);
    return;
  }
  if (method === 'PUT' && !exists) {
    sendError(res, 404, 'Not Found', `Key '${name}' not found in namespace '${namespace}'`);
    return;
  }
  try {
    store.set(key, JSON.parse(body));
  } catch {
    sendError(res, 400, 'Bad Request', 'The data is not valid JSON.');
    return;
  }
  const status = method === 'POST' ? 201 : 200;
  sendJson(res, status, { httpStatus: status === 201 ? 'Created' : 'OK', httpStatusCode: status, status: 'OK', message: `Key '${name}' saved` });
}


export function authKind(header: string | undefined): AuthKind {
  if (header?.startsWith('ApiToken ')) return 'token';
  if (header?.startsWith('Basic ')) return 'basic';
  return 'none';
}

export function applyFilters(items: Record<string, unknown>[], filters: string[]): Record<string, unknown>[] {
  let result = items;
  for (const filter of filters) {
    const [property, operator, ...rest] = filter.split(':');
    const operand = rest.join(':');
    if (!property || !operator) throw new Error(`Invalid filter: ${filter}`);

    if (property === 'lastUpdated' && (operator === 'gt' || operator === 'ge')) {
      const since = parseDhis2Date(operand);
      if (Number.isNaN(since)) throw new Error(`Invalid date in filter: ${operand}`);
      result = result.filter((item) => {
        const at = parseDhis2Date(String(item.lastUpdated));
        return operator === 'gt' ? at > since : at >= since;
      });
    } else if (property === 'id' && operator === 'in') {
      const ids = new Set(operand.replace(/^\[|\]$/g, '').split(','));
      result = result.filter((item) => ids.has(String(item.id)));
    } else if (operator === 'eq') {
      result = result.filter((item) => String(item[property]) === operand);
    } else {
      throw new Error(`Unsupported filter in the stand-in: ${filter}`);
    }
  }
  return result;
}

export function sendJson(res: http.ServerResponse, status: number, value: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json;charset=UTF-8' });
  res.end(JSON.stringify(value));
}

export function sendError(res: http.ServerResponse, status: number, httpStatus: string, message: string): void {
  sendJson(res, status, { httpStatus, httpStatusCode: status, status: 'ERROR', message });
}

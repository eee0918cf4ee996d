// Role-by-route table generated from the OpenAPI document: every admin
// route, for no session and for each role, gets the status the role rules
// in docs/admin-api.md give. A route added later is checked without an edit.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type ApiClient, signInAsAdmin, signInWithRole, startApiServer } from '../admin-api/support/client.js';
import { TEST_ADMIN_PASSWORD, type TestServer } from '../support/server.js';
import { fetchOperations, fillPath, minimalValue, type Operation } from './support/openapi-operations.js';

type Role = 'viewer' | 'operator' | 'admin';
type Requirement = 'none' | 'session' | Role;

const RANK: Record<Role, number> = { viewer: 0, operator: 1, admin: 2 };

// No such record exists: a caller without the role must get 403 before
// any lookup, so the role check, not a 404, decides.
const MISSING_ID = 'missing-id';

/**
 * Returns the minimum a route needs, from the role rules of docs/admin-api.md:
 * viewers read, operators also change devices and send commands, and admins
 * change everything else and list users. A route may state its role in an
 * `x-role` OpenAPI extension, which then wins.
 */
export function requirementOf(operation: Operation): Requirement {
  if (operation.public) return 'none';
  if (operation.declaredRole) return operation.declaredRole as Role;
  if (operation.path.includes('/auth/')) return 'session';
  if (operation.method === 'GET' || operation.method === 'HEAD') return operation.path.includes('/users') ? 'admin' : 'viewer';
  return operation.path.startsWith('/api/v1/devices') ? 'operator' : 'admin';
}

interface Caller {
  name: Role | 'no session';
  client: ApiClient;
  password: string;
}

describe('role table from OpenAPI', () => {
  let server: TestServer;
  let operations: Operation[];
  let callers: Caller[];

  beforeAll(async () => {
    server = await startApiServer();
    operations = await fetchOperations(server.listenUrl);
    const admin = await signInAsAdmin(server);
    callers = [
      { name: 'no session', client: new (admin.constructor as new (server: TestServer) => ApiClient)(server), password: '' },
      { name: 'viewer', client: await signInWithRole(server, admin, 'viewer'), password: 'viewer-password-1234' },
      { name: 'operator', client: await signInWithRole(server, admin, 'operator'), password: 'operator-password-1234' },
      { name: 'admin', client: admin, password: TEST_ADMIN_PASSWORD },
    ];
  });
  afterAll(async () => {
    await server?.dispose();
  });

  it('covers the documented routes', () => {
    expect(operations.length).toBeGreaterThan(20);
    expect(operations.map((operation) => `${operation.method} ${operation.path}`)).toContain('POST /api/v1/apps/upload');
  });

  it('every route and role', async () => {
    const mismatches: string[] = [];

    for (const operation of operations) {
      const requirement = requirementOf(operation);
      if (requirement === 'none') continue;

      for (const caller of callers) {
        const status = await send(caller, operation);
        const expected = expectedStatus(requirement, caller.name);
        const matches = expected === 'allowed' ? status !== 401 && status !== 403 && status < 500 : status === expected;
        if (!matches) {
          mismatches.push(`${operation.method} ${operation.path} as ${caller.name}: expected ${expected}, got ${status} (needs ${requirement})`);
        }
        // Logout ends the session the check used; sign in again for the next route.
        if (operation.path.endsWith('/auth/logout') && caller.name !== 'no session' && caller.client.username) {
          await caller.client.login(caller.client.username, caller.password);
        }
      }
    }
    expect(mismatches).toEqual([]);
  });
});

function expectedStatus(requirement: Requirement, caller: Role | 'no session'): number | 'allowed' {
  if (caller === 'no session') return 401;
  if (requirement === 'session' || requirement === 'none') return 'allowed';
  return RANK[caller] >= RANK[requirement] ? 'allowed' : 403;
}

async function send(caller: Caller, operation: Operation): Promise<number> {
  const path = fillPath(operation.path.replace(/^\/api/, ''), MISSING_ID);
  if (operation.path.endsWith('/apps/upload')) {
    const response = await caller.client.request(operation.method, path, {
      raw: Buffer.from('PK\u0003\u0004 not an apk'),
      contentType: 'application/vnd.android.package-archive',
    });
    return response.status;
  }
  const options = operation.jsonBody ? { json: minimalValue(operation.jsonBody) } : {};
  return (await caller.client.request(operation.method, path, options)).status;
}

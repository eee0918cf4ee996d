// A DHIS2 user who signed in to Outpost and was then disabled in DHIS2
// stays in the synced directory. Every sync after the one that ended the
// user's sessions wrote another "access ended" audit entry, although there
// was nothing left to end. With syncs every 15 minutes, that is 96 entries
// a day per former user.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { runDhis2Sync } from '../../src/services/admin/dhis2-sync.js';
import { ApiClient, signInAsAdmin, startApiServer } from '../admin-api/support/client.js';
import { DHIS2_PASSWORD, prepareDhis2SignIn, type Dhis2SignInWorld } from '../admin-api/support/dhis2-sign-in.js';
import type { TestServer } from '../support/server.js';

let server: TestServer;
let world: Dhis2SignInWorld;

beforeAll(async () => {
  server = await startApiServer();
  world = await prepareDhis2SignIn(server.ctx, await signInAsAdmin(server));
});

afterAll(async () => {
  await world?.dhis2.close();
  await server.dispose();
});

async function endedEvents(): Promise<number> {
  const events = await server.ctx.store.audit.list(1000);
  return events.filter((event) => event.action === 'auth.dhis2_access_ended').length;
}

describe('a DHIS2 user disabled after signing in', () => {
  it('gets one access-ended audit entry, not one per sync', async () => {
    const signedIn = await new ApiClient(server).request('POST', '/v1/auth/dhis2-login', {
      json: { username: world.worker.username, password: DHIS2_PASSWORD },
    });
    expect(signedIn.status).toBe(200);

    world.dhis2.disableUser(world.worker.id);
    for (let sync = 0; sync < 3; sync += 1) {
      const run = await runDhis2Sync(server.ctx, { trigger: 'manual', actor: 'test', full: true });
      expect(run.state).toBe('succeeded');
    }

    expect(await endedEvents()).toBe(1);
  });
});

// Property tests of every admin route in the OpenAPI document, sent as a
// signed-in admin with the CSRF token, so requests get past the session
// check into validation and the services.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { AdminSession } from './support/admin-session.js';
import { propertyTimeoutMs } from './support/fuzz-settings.js';
import { startFuzzServer, type FuzzServer } from './support/fuzz-server.js';
import { assertRoutesHold, FuzzTally } from './support/property.js';
import { bytesRequest, jsonRequest, pathRequest, type IdPools } from './support/request-arbitraries.js';
import { adminRoutes, fetchOpenApi, type RouteSpec } from './support/routes.js';

describe('admin routes under fuzzing', () => {
  let fuzz: FuzzServer;
  let routes: RouteSpec[];
  let session: AdminSession;
  let pools: IdPools;
  const tally = new FuzzTally();

  beforeAll(async () => {
    fuzz = await startFuzzServer();
    routes = adminRoutes(await fetchOpenApi(fuzz.http, fuzz.prefix));
    session = new AdminSession(fuzz.http, fuzz.admin);
    const { ids } = fuzz;
    // Routes name every resource `id`, so each gets ids of every kind.
    pools = { id: [...ids.devicePks, ...ids.policyIds, ...ids.tokenIds, ...ids.appVersionIds, ...ids.orgUnitIds] };
  });

  afterAll(async () => {
    console.info(`admin fuzzing: ${tally.summary()}`);
    await fuzz?.close();
  });

  const send = (request: Parameters<AdminSession['send']>[0]) => session.send(request);

  it('OpenAPI lists the admin routes', () => {
    // A document without routes would make every property below pass vacuously.
    expect(routes.length).toBeGreaterThan(20);
    expect(routes.some((route) => route.path.endsWith('/apps/upload'))).toBe(true);
  });

  it('schema-shaped JSON bodies', async () => {
    await assertRoutesHold(fuzz, routes, (route) => jsonRequest(route, '', pools), send, tally);
  }, propertyTimeoutMs());

  it('random bytes and content types', async () => {
    await assertRoutesHold(fuzz, routes, (route) => bytesRequest(route, '', pools), send, tally);
  }, propertyTimeoutMs());

  it('random paths and query strings', async () => {
    await assertRoutesHold(fuzz, routes, (route) => pathRequest(route, fuzz.prefix), send, tally);
  }, propertyTimeoutMs());
});

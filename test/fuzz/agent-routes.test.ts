// Property tests of every agent route: whatever a phone, or anyone who can
// reach the agent routes, sends, Outpost responds below 500 within the
// timeout and leaves the database sound.
import { afterAll, beforeAll, describe, it } from 'vitest';

import { propertyTimeoutMs } from './support/fuzz-settings.js';
import { startFuzzServer, type FuzzServer } from './support/fuzz-server.js';
import { assertRoutesHold, FuzzTally } from './support/property.js';
import { bytesRequest, jsonRequest, pathRequest, type IdPools } from './support/request-arbitraries.js';
import { AGENT_ROUTES } from './support/routes.js';

describe('agent routes under fuzzing', () => {
  let fuzz: FuzzServer;
  let pools: IdPools;
  const tally = new FuzzTally();

  beforeAll(async () => {
    fuzz = await startFuzzServer();
    pools = {
      deviceId: fuzz.ids.deviceIds,
      appVersionId: fuzz.ids.appVersionIds,
      fileName: fuzz.ids.fileNames,
    };
  });

  afterAll(async () => {
    console.info(`agent fuzzing: ${tally.summary()}`);
    await fuzz?.close();
  });

  const send = (request: Parameters<FuzzServer['http']['send']>[0]) => fuzz.http.send(request);

  it('schema-shaped JSON bodies', async () => {
    await assertRoutesHold(fuzz, AGENT_ROUTES, (route) => jsonRequest(route, fuzz.prefix, pools), send, tally);
  }, propertyTimeoutMs());

  it('random bytes and content types', async () => {
    await assertRoutesHold(fuzz, AGENT_ROUTES, (route) => bytesRequest(route, fuzz.prefix, pools), send, tally);
  }, propertyTimeoutMs());

  it('random paths and query strings', async () => {
    await assertRoutesHold(fuzz, AGENT_ROUTES, (route) => pathRequest(route, fuzz.prefix), send, tally);
  }, propertyTimeoutMs());
});

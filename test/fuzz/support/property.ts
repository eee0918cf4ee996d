// Runs one fuzz property: every generated request must get a response below
// 500 within the timeout, and the server must pass its invariants after.
import fc, { type Arbitrary } from 'fast-check';

import { assertParameters } from './fuzz-settings.js';
import { checkServerInvariants, type FuzzServer } from './fuzz-server.js';
import { expectNoServerError, type RawRequest, type RawResponse } from './http.js';
import type { RouteSpec } from './routes.js';

export type Send = (request: RawRequest) => Promise<RawResponse>;

/** Requests sent and statuses seen, printed after the run so a report can state what was reached. */
export class FuzzTally {
  private readonly statuses = new Map<number, number>();
  requests = 0;

  record(status: number): void {
    this.requests += 1;
    this.statuses.set(status, (this.statuses.get(status) ?? 0) + 1);
  }

  summary(): string {
    const counts = [...this.statuses.entries()].sort(([a], [b]) => a - b).map(([status, count]) => `${status}: ${count}`);
    return `${this.requests} requests; statuses ${counts.join(', ')}`;
  }
}

/** Asserts the no-5xx, no-hang and invariant properties over requests built for `routes`. */
export async function assertRoutesHold(
  fuzz: FuzzServer,
  routes: RouteSpec[],
  build: (route: RouteSpec) => Arbitrary<RawRequest>,
  send: Send,
  tally: FuzzTally,
): Promise<void> {
  const requests = fc.constantFrom(...routes).chain(build);
  await fc.assert(
    fc.asyncProperty(requests, async (request) => {
      const response = await send(request);
      tally.record(response.status);
      expectNoServerError(request, response);
    }),
    assertParameters(),
  );
  await checkServerInvariants(fuzz);
}

import { describe, expect, it } from 'vitest';

import type { AppContext } from '../../../src/context.js';
import { LongPollHub } from '../../../src/push/long-poll-hub.js';
import { notifyConfigChanged } from '../../../src/services/agent/notify.js';

function contextWithHub(): { ctx: AppContext; hub: LongPollHub } {
  const hub = new LongPollHub();
  return { ctx: { push: hub } as unknown as AppContext, hub };
}

describe('notifyConfigChanged', () => {
  it('queues one configUpdated per device', async () => {
    const { ctx, hub } = contextWithHub();

    notifyConfigChanged(ctx, ['phone-1', 'phone-2']);
    notifyConfigChanged(ctx, ['phone-1']);

    const signal = new AbortController().signal;
    expect(await hub.waitForMessages('phone-1', 10, signal)).toEqual([{ messageType: 'configUpdated' }]);
    expect(await hub.waitForMessages('phone-2', 10, signal)).toEqual([{ messageType: 'configUpdated' }]);
  });

  it('does nothing for an empty list', () => {
    const { ctx, hub } = contextWithHub();

    notifyConfigChanged(ctx, []);

    expect(hub.openPollCount()).toBe(0);
  });
});

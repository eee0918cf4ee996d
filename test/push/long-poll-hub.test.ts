import { describe, expect, it } from 'vitest';

import { LongPollHub } from '../../src/push/long-poll-hub.js';

const CONFIG_UPDATED = { messageType: 'configUpdated' };

describe('LongPollHub', () => {
  it('answers a held poll when notified', async () => {
    const hub = new LongPollHub();
    const poll = hub.waitForMessages('phone-1', 10_000, new AbortController().signal);

    hub.notify(['phone-1'], CONFIG_UPDATED);

    expect(await poll).toEqual([CONFIG_UPDATED]);
    expect(hub.openPollCount()).toBe(0);
  });

  it('coalesces repeated messages while queued', async () => {
    const hub = new LongPollHub();
    hub.notify(['phone-1'], CONFIG_UPDATED);
    hub.notify(['phone-1'], CONFIG_UPDATED);
    hub.notify(['phone-1'], { messageType: 'runApp', payload: { pkg: 'com.dhis2' } });

    const messages = await hub.waitForMessages('phone-1', 10, new AbortController().signal);

    expect(messages).toEqual([CONFIG_UPDATED, { messageType: 'runApp', payload: { pkg: 'com.dhis2' } }]);
  });

  it('answers empty after the hold', async () => {
    const hub = new LongPollHub();

    const messages = await hub.waitForMessages('phone-1', 20, new AbortController().signal);

    expect(messages).toEqual([]);
    expect(hub.openPollCount()).toBe(0);
  });

  it('releases a poll whose client aborted', async () => {
    const hub = new LongPollHub();
    const controller = new AbortController();
    const poll = hub.waitForMessages('phone-1', 10_000, controller.signal);
    expect(hub.openPollCount()).toBe(1);

    controller.abort();

    expect(await poll).toEqual([]);
    expect(hub.openPollCount()).toBe(0);
  });

  it('keeps messages for a device that is not polling', async () => {
    const hub = new LongPollHub();
    hub.notify(['phone-2'], CONFIG_UPDATED);

    const other = await hub.waitForMessages('phone-1', 10, new AbortController().signal);
    const own = await hub.waitForMessages('phone-2', 10, new AbortController().signal);

    expect(other).toEqual([]);
    expect(own).toEqual([CONFIG_UPDATED]);
  });

  it('gives messages to the newest of two polls', async () => {
    const hub = new LongPollHub();
    const stale = hub.waitForMessages('phone-1', 10_000, new AbortController().signal);
    const fresh = hub.waitForMessages('phone-1', 10_000, new AbortController().signal);

    hub.notify(['phone-1'], CONFIG_UPDATED);

    expect(await stale).toEqual([]);
    expect(await fresh).toEqual([CONFIG_UPDATED]);
  });

  it('answers every held poll on close', async () => {
    const hub = new LongPollHub();
    const poll = hub.waitForMessages('phone-1', 10_000, new AbortController().signal);

    hub.close();

    expect(await poll).toEqual([]);
    expect(hub.openPollCount()).toBe(0);
  });
});

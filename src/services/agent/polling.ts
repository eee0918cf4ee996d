import type { AppContext } from '../../context.js';
import type { PushMessage } from '../../push/push-hub.js';

// A long poll arrives every few minutes per device. Writing the contact
// time at most once a minute keeps the online status exact to a minute,
// without a database write for every poll.
const CONTACT_WRITE_INTERVAL_MS = 60_000;

/**
 * Waits up to holdMs for push messages to the device and returns them, or
 * null at once when no device has the id. An aborted signal ends the wait
 * with an empty list.
 */
export async function waitForPush(
  ctx: AppContext,
  deviceId: string,
  holdMs: number,
  signal: AbortSignal,
): Promise<PushMessage[] | null> {
  const device = await ctx.store.devices.findByDeviceId(deviceId);
  if (!device) return null;

  const now = ctx.now();
  if (device.last_contact_at === null || now - device.last_contact_at >= CONTACT_WRITE_INTERVAL_MS) {
    await ctx.store.devices.update(device.id, { last_contact_at: now });
  }
  return ctx.push.waitForMessages(deviceId, holdMs, signal);
}

/** Queues again the messages taken for a poll whose client disconnected. */
export function requeuePush(ctx: AppContext, deviceId: string, messages: readonly PushMessage[]): void {
  for (const message of messages) ctx.push.notify([deviceId], message);
}

import type { AppContext } from '../../context.js';

/** Message type that makes the agent fetch its configuration again. */
export const CONFIG_UPDATED = 'configUpdated';

/**
 * Tells each device that its configuration changed, so it syncs at once
 * instead of at its next scheduled check. Repeated calls before the device
 * polls are coalesced by the push hub into one message.
 */
export function notifyConfigChanged(ctx: AppContext, deviceIds: readonly string[]): void {
  if (deviceIds.length === 0) return;
  ctx.push.notify(deviceIds, { messageType: CONFIG_UPDATED });
}

import type { AppContext } from '../../context.js';
import type { DeviceLogUpload } from '../../domain/agent-reports.js';

/** A remote-log rule in the agent's field names. */
export interface AgentLogRule {
  packageId: string;
  logLevel: number;
  filter: string;
}

// One log line is one event; a longer message is a dump, and keeping it
// whole would multiply storage for every line kept.
const MAX_LOG_MESSAGE_CHARS = 4096;

/** Returns the log rules of the device's policy and of every policy, or null for an unknown device. */
export async function logRulesFor(ctx: AppContext, deviceId: string): Promise<AgentLogRule[] | null> {
  const device = await ctx.store.devices.findByDeviceId(deviceId);
  if (!device) return null;

  const rules = await ctx.store.deviceLogs.listRules(device.policy_id);
  return rules.map((rule) => ({ packageId: rule.package_name, logLevel: rule.log_level, filter: rule.filter }));
}

/** Stores uploaded log lines; returns how many, or null for an unknown device. */
export async function storeDeviceLogs(
  ctx: AppContext,
  deviceId: string,
  lines: DeviceLogUpload,
): Promise<number | null> {
  const device = await ctx.store.devices.findByDeviceId(deviceId);
  if (!device) return null;

  await ctx.store.deviceLogs.append(
    device.id,
    lines.map((line) => ({
      loggedAt: line.timestamp,
      logLevel: line.logLevel,
      packageName: line.packageId,
      message: truncate(line.message),
    })),
    ctx.now(),
  );
  return lines.length;
}

function truncate(message: string): string {
  if (message.length <= MAX_LOG_MESSAGE_CHARS) return message;
  return `${message.slice(0, MAX_LOG_MESSAGE_CHARS)}…`;
}

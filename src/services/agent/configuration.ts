import type { AppContext } from '../../context.js';
import type { OpenCommand } from '../../domain/agent-commands.js';
import { buildServerConfig, parsePolicySettings, type BuiltConfig, type ServerConfig } from '../../domain/agent-config.js';
import type { AgentDeviceView } from '../../store/repositories/agent-device-view.js';
import type { FetchedPolicy } from '../../store/repositories/policy-state.js';
import type { CommandRow, DeviceRow } from '../../store/schema.js';
import { fetchedPolicyOf, fetchNeedsRecord, readDeviceOverrides, recordPolicyFetch } from '../admin/policy-tracking.js';
import {
  decideDeviceApps,
  hasRolloutWrites,
  recordRolloutOutcomes,
  type DeviceAppDecisions,
} from '../rollouts/rollout-delivery.js';
import { applyLostMode, recordCommandDelivery } from './command-delivery.js';
import { policyConfigCacheOf, type PolicyConfigPart } from './policy-config-cache.js';
import { inContextTransaction } from './transaction.js';

/**
 * Returns the configuration of a known device id and records the sync, or
 * null when no device has that id.
 */
export async function syncConfiguration(ctx: AppContext, deviceId: string, ip: string): Promise<ServerConfig | null> {
  const view = await ctx.store.devices.findForAgent(deviceId, ctx.now());
  if (!view) return null;
  return deliverView(ctx, view, ip);
}

/**
 * Builds the device's configuration from its policy, the policy's apps as
 * rollouts and pins adjust them, and its open commands, then records the
 * delivery: queued commands become sent, replaced ones are settled, and the
 * contact times are updated.
 */
export async function deliverConfiguration(ctx: AppContext, device: DeviceRow, ip: string): Promise<ServerConfig> {
  const view = await ctx.store.devices.findForAgent(device.device_id, ctx.now());
  // A record deleted since the caller read it gets the configuration of
  // the row the caller passed, and the writes below change no row.
  return deliverView(ctx, view ?? detachedView(device), ip);
}

async function deliverView(ctx: AppContext, view: AgentDeviceView, ip: string): Promise<ServerConfig> {
  const now = ctx.now();
  const device = view.device;
  const part = device.policy_id ? await policyConfigCacheOf(ctx.store).policyPart(ctx.store, device.policy_id, view.configGeneration) : undefined;
  const decisions = part ? await decideApps(ctx, device, part, now) : { apps: [], outcomes: [] };
  const commands = view.hasOpenCommands ? await ctx.store.commands.listOpen(device.id, device.enrolment_generation, now) : [];
  const overrides = readDeviceOverrides(view.overrides);

  const built = buildServerConfig({
    settings: part?.settings ?? parsePolicySettings(null),
    overrides: overrides.overrides,
    apps: decisions.apps,
    commands: commands.map(toOpenCommand),
    mqttAvailable: ctx.config.mqtt.mode !== 'off',
  });
  logLeftOut(ctx, device, part, built);
  applyLostMode(built.config, device);

  // Left-out overrides count as revision 0, so the device shows pending, not applied.
  const fetchedRevision = built.ignoredOverridesReason === null ? overrides.revision : 0;
  const fetched = fetchedPolicyOf(part?.policy, fetchedRevision, built.config.applications);
  await recordDelivery(ctx, view, { built, commands, decisions, fetched, ip }, now);
  return built.config;
}

/** The writes of one delivery, each skipped when it would change nothing. */
interface DeliveryWrites {
  built: BuiltConfig;
  commands: readonly CommandRow[];
  decisions: DeviceAppDecisions;
  fetched: FetchedPolicy;
  ip: string;
}

/**
 * Writes the delivery in one transaction, or as the contact update alone
 * when that is all that changes, as for most syncs.
 */
async function recordDelivery(ctx: AppContext, view: AgentDeviceView, writes: DeliveryWrites, now: number): Promise<void> {
  const device = view.device;
  const contact = { last_contact_at: now, last_config_at: now, external_ip: writes.ip };
  const needsFetch = fetchNeedsRecord(device, view.policyState, writes.fetched);
  if (writes.commands.length === 0 && !needsFetch && !hasRolloutWrites(writes.decisions.outcomes)) {
    await ctx.store.devices.update(device.id, contact);
    return;
  }

  await inContextTransaction(ctx, async (trxCtx) => {
    const store = trxCtx.store;
    await recordRolloutOutcomes(trxCtx, device.id, writes.decisions.outcomes, now);
    if (writes.commands.length > 0) {
      const delivery = writes.built.commands;
      await store.commands.markSent(delivery.deliveredIds, now);
      for (const state of ['confirmed', 'cancelled', 'failed'] as const) {
        const ids = delivery.settled.filter((entry) => entry.state === state).map((entry) => entry.id);
        await store.commands.settleOpen(ids, state, now);
      }
      await recordCommandDelivery(trxCtx, device, writes.commands, delivery, now);
    }
    await store.devices.update(device.id, contact);
    await recordPolicyFetch(trxCtx, device, view.policyState, writes.fetched, now);
  });
}

async function decideApps(ctx: AppContext, device: DeviceRow, part: PolicyConfigPart, now: number): Promise<DeviceAppDecisions> {
  // The installed versions matter only to entries that name a version.
  const versioned = part.apps.some((app) => app.input.action === 'install' && app.policyVersion !== null);
  const installed = versioned ? await ctx.store.devices.listInstalledApps(device.id) : [];
  const installedNames = new Map(installed.map((app) => [app.package_name, app.version_name]));
  return decideDeviceApps(ctx, device, part, installedNames, now);
}

function logLeftOut(ctx: AppContext, device: DeviceRow, part: PolicyConfigPart | undefined, built: BuiltConfig): void {
  if (built.ignoredOverridesReason !== null) {
    ctx.logger.warn({ deviceId: device.device_id, reason: built.ignoredOverridesReason }, 'device overrides left out of the configuration');
  }
  if (built.skippedPackages.length > 0) {
    ctx.logger.warn(
      { deviceId: device.device_id, policyId: part?.policy.id, packages: built.skippedPackages },
      'policy apps left out of the configuration: their app version no longer exists',
    );
  }
}

/**
 * Returns a view of a record that is gone: no overrides, no tracking row,
 * and a generation no cache entry carries, so the policy is read afresh.
 */
function detachedView(device: DeviceRow): AgentDeviceView {
  return { device, configGeneration: Number.NaN, overrides: null, policyState: null, hasOpenCommands: true };
}

function toOpenCommand(row: CommandRow): OpenCommand {
  return {
    id: row.id,
    type: row.type,
    // listOpen returns only queued and sent commands.
    state: row.state === 'queued' ? 'queued' : 'sent',
    payload: parsePayload(row.payload_json),
  };
}

function parsePayload(payloadJson: string | null): unknown {
  if (payloadJson === null) return null;
  try {
    return JSON.parse(payloadJson) as unknown;
  } catch {
    return null;
  }
}

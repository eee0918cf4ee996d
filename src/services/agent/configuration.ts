import type { AppContext } from '../../context.js';
import type { OpenCommand } from '../../domain/agent-commands.js';
import {
  buildServerConfig,
  parsePolicySettings,
  type PolicyAppInput,
  type ServerConfig,
} from '../../domain/agent-config.js';
import type { CommandRow, DeviceRow } from '../../store/schema.js';
import { loadDeviceOverrides, recordPolicyFetch } from '../admin/policy-tracking.js';
import { applyRolloutDecisions, type ResolvedPolicyApp } from '../rollouts/rollout-delivery.js';
import { appDownloadUrl } from './app-urls.js';
import { applyLostMode, recordCommandDelivery } from './command-delivery.js';

/**
 * Returns the configuration of a known device id and records the sync, or
 * null when no device has that id.
 */
export async function syncConfiguration(ctx: AppContext, deviceId: string, ip: string): Promise<ServerConfig | null> {
  const device = await ctx.store.devices.findByDeviceId(deviceId);
  if (!device) return null;
  return deliverConfiguration(ctx, device, ip);
}

/**
 * Builds the device's configuration from its policy, the policy's apps as
 * rollouts and pins adjust them, and its open commands, then records the delivery: queued commands become
 * sent, replaced ones are settled, and the contact times are updated.
 */
export async function deliverConfiguration(ctx: AppContext, device: DeviceRow, ip: string): Promise<ServerConfig> {
  const now = ctx.now();
  const policy = device.policy_id ? await ctx.store.policies.findById(device.policy_id) : undefined;
  const apps = policy ? await applyRolloutDecisions(ctx, device, await resolvePolicyApps(ctx, policy.id)) : [];
  const commands = await ctx.store.commands.listOpen(device.id, device.enrolment_generation, now);
  const overrides = await loadDeviceOverrides(ctx, device.id);

  const built = buildServerConfig({
    settings: parsePolicySettings(policy?.settings_json ?? null),
    overrides: overrides.overrides,
    apps,
    commands: commands.map(toOpenCommand),
    mqttAvailable: ctx.config.mqtt.mode !== 'off',
  });
  if (built.ignoredOverridesReason !== null) {
    ctx.logger.warn({ deviceId: device.device_id, reason: built.ignoredOverridesReason }, 'device overrides left out of the configuration');
  }
  if (built.skippedPackages.length > 0) {
    ctx.logger.warn(
      { deviceId: device.device_id, policyId: policy?.id, packages: built.skippedPackages },
      'policy apps left out of the configuration: their app version no longer exists',
    );
  }

  await ctx.store.commands.markSent(built.commands.deliveredIds, now);
  for (const state of ['confirmed', 'cancelled', 'failed'] as const) {
    const ids = built.commands.settled.filter((entry) => entry.state === state).map((entry) => entry.id);
    await ctx.store.commands.settleOpen(ids, state, now);
  }
  await recordCommandDelivery(ctx, device, commands, built.commands, now);
  applyLostMode(built.config, device);
  await ctx.store.devices.update(device.id, { last_contact_at: now, last_config_at: now, external_ip: ip });
  // Left-out overrides count as revision 0, so the device shows pending, not applied.
  const fetchedRevision = built.ignoredOverridesReason === null ? overrides.revision : 0;
  await recordPolicyFetch(ctx, device, policy, fetchedRevision, built.config.applications, now);
  return built.config;
}

async function resolvePolicyApps(ctx: AppContext, policyId: string): Promise<ResolvedPolicyApp[]> {
  const rows = await ctx.store.policies.listApps(policyId);
  const resolved: ResolvedPolicyApp[] = [];

  for (const row of rows) {
    const input: PolicyAppInput = {
      packageName: row.package_name,
      action: row.action,
      showIcon: row.show_icon === 1,
      runAfterInstall: row.run_after_install === 1,
      screenOrder: row.screen_order,
      version: null,
    };

    const versionId = row.action === 'install' ? row.app_version_id : null;
    const version = versionId ? await ctx.store.apps.findVersion(versionId) : undefined;
    if (version) {
      const app = await ctx.store.apps.findAppByPackage(row.package_name);
      input.version = {
        versionCode: Number(version.version_code),
        versionName: version.version_name,
        name: version.label ?? app?.label ?? row.package_name,
        url: appDownloadUrl(ctx.config, version.id, version.file_name),
      };
    }
    resolved.push({ input, policyVersion: version ?? null });
  }
  return resolved;
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

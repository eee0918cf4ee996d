import { requireFleetScope, requireRole, type Caller } from '../../auth/caller.js';
import type { AppContext } from '../../context.js';
import { NotFoundError, UnprocessableError } from '../../domain/errors.js';
import type { DeviceScope } from '../../domain/rollout-scope.js';
import { newId } from '../../store/ids.js';
import { visibleDevicePks } from '../admin/device-scope.js';
import { notifyConfigChanged } from '../agent/notify.js';
import { toPin, type Pin } from './rollout-model.js';
import { checkScope } from './scope-check.js';

export interface PinInput {
  packageName: string;
  /** Devices in scope are never offered a higher versionCode. */
  maxVersionCode: number;
  scope?: Partial<DeviceScope>;
  reason?: string;
}

export async function listPins(ctx: AppContext, caller: Caller): Promise<Pin[]> {
  requireRole(caller, 'viewer');

  const pins: Pin[] = [];
  for (const pin of (await ctx.store.pins.list()).map(toPin)) {
    // Pinned devices outside the caller's scope are left out of the view.
    pins.push({ ...pin, scope: { ...pin.scope, deviceIds: await visibleDevicePks(ctx, caller, pin.scope.deviceIds) } });
  }
  return pins;
}

/**
 * Creates a pin and wakes the package's devices, so none keeps an offer
 * above it. Devices that already run a higher version keep it: Android
 * cannot downgrade without erasing app data.
 */
export async function createPin(ctx: AppContext, caller: Caller, input: PinInput): Promise<Pin> {
  requireRole(caller, 'admin');
  requireFleetScope(caller, 'Changing version pins');

  const app = await ctx.store.apps.findAppByPackage(input.packageName);
  if (!app) {
    throw new UnprocessableError(
      'package_has_no_versions',
      `Package ${input.packageName} has no uploaded versions, so there is nothing to pin; check the package name.`,
      'body.packageName',
    );
  }
  const scope: DeviceScope = {
    policyIds: input.scope?.policyIds ?? [],
    orgUnitIds: input.scope?.orgUnitIds ?? [],
    deviceIds: input.scope?.deviceIds ?? [],
  };
  await checkScope(ctx, scope, 'body.scope');

  const now = ctx.now();
  const id = newId();
  await ctx.store.pins.insert({
    id,
    package_name: input.packageName,
    max_version_code: input.maxVersionCode,
    scope_json: JSON.stringify(scope),
    reason: input.reason ?? '',
    created_at: now,
    created_by: caller.username,
  });
  await ctx.store.audit.record(
    { actor: caller.username, action: 'pin.create', targetType: 'pin', targetId: id, details: { ...input, scope } },
    now,
  );
  await wakePackageDevices(ctx, input.packageName);

  const row = await ctx.store.pins.findById(id);
  if (!row) throw new Error(`Pin ${id} vanished right after it was inserted`);
  return toPin(row);
}

export async function deletePin(ctx: AppContext, caller: Caller, id: string): Promise<void> {
  requireRole(caller, 'admin');
  requireFleetScope(caller, 'Changing version pins');

  const row = await ctx.store.pins.findById(id);
  if (!row || !(await ctx.store.pins.delete(id))) throw new NotFoundError(`Pin ${id} was not found. Take the id from the pin list.`, 'params.id');

  await ctx.store.audit.record(
    { actor: caller.username, action: 'pin.delete', targetType: 'pin', targetId: id, details: { packageName: row.package_name, maxVersionCode: Number(row.max_version_code) } },
    ctx.now(),
  );
  await wakePackageDevices(ctx, row.package_name);
}

async function wakePackageDevices(ctx: AppContext, packageName: string): Promise<void> {
  const devices = await ctx.store.rollouts.listDevicesInstalling(packageName);
  notifyConfigChanged(ctx, devices.map((device) => device.device_id));
}

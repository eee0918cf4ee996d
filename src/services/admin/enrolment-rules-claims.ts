import { requireRole, type Caller } from '../../auth/caller.js';
import type { AppContext } from '../../context.js';
import { NotFoundError } from '../../domain/errors.js';
import { loadDeviceForCaller } from './device-access.js';
import { orgUnitVisibleTo } from './device-scope.js';

/** A device whose id a second phone used, as the console shows it. */
export interface DeviceIdClaimView {
  devicePk: string;
  deviceId: string;
  /** Serial and IMEI of the enrolled phone, which the record keeps. */
  enrolledSerial: string | null;
  enrolledImei: string | null;
  /** Serial, IMEI and address the other phone reported in its latest claim. */
  claimantSerial: string | null;
  claimantImei: string | null;
  claimantIp: string | null;
  firstClaimedAt: number;
  lastClaimedAt: number;
  claimCount: number;
}

// The console shows open claims on one page; more than 500 at once means a
// misconfigured QR batch, which the audit trail shows in full.
const MAX_CLAIMS_LISTED = 500;

/** Lists the devices in the caller's scope whose id another phone has used, latest claim first. */
export async function listDeviceIdClaims(ctx: AppContext, caller: Caller): Promise<DeviceIdClaimView[]> {
  requireRole(caller, 'viewer');

  const claims = await ctx.store.deviceIdClaims.list(MAX_CLAIMS_LISTED);
  const views: DeviceIdClaimView[] = [];
  for (const claim of claims) {
    const device = await ctx.store.devices.findByPk(claim.device_pk);
    if (!device || !(await orgUnitVisibleTo(ctx, caller, device.org_unit_id))) continue;
    views.push({
      devicePk: device.id,
      deviceId: device.device_id,
      enrolledSerial: device.serial,
      enrolledImei: device.imei,
      claimantSerial: claim.claimant_serial,
      claimantImei: claim.claimant_imei,
      claimantIp: claim.claimant_ip,
      firstClaimedAt: claim.first_claimed_at,
      lastClaimedAt: claim.last_claimed_at,
      claimCount: claim.claim_count,
    });
  }
  return views;
}

/**
 * Clears the flag once the manager has dealt with the other phone, for
 * example by enrolling it under its own id. A new claim flags the device again.
 */
export async function dismissDeviceIdClaim(ctx: AppContext, caller: Caller, id: string): Promise<void> {
  requireRole(caller, 'operator');

  const device = await loadDeviceForCaller(ctx, caller, id);
  if (!(await ctx.store.deviceIdClaims.remove(device.id))) {
    throw new NotFoundError(`Device ${id} has no claim by another phone to dismiss.`, 'params.id');
  }
  await ctx.store.audit.record(
    { actor: caller.username, action: 'device.id_claim_dismissed', targetType: 'device', targetId: device.id, details: { deviceId: device.device_id } },
    ctx.now(),
  );
}

import type { AppContext } from '../../context.js';
import type { DeviceInfo } from '../../domain/agent-reports.js';
import { usableHardwareId, usableHardwareIds } from '../../domain/hardware-id.js';
import type { DeviceRow } from '../../store/schema.js';
import { readEnrolmentRules } from '../admin/enrolment-rules.js';
import { recomputeEffectivePolicies } from '../admin/org-unit-policy-resolution.js';
import { isPreregistered } from '../admin/preregistered-devices.js';
import { inTransaction } from './transaction.js';

/**
 * Merges a just-enrolled record into the older record of the same phone.
 *
 * A phone that was factory reset and enrolled again under a new device id
 * gets a new record at enrolment, because its serial and IMEI are not known
 * until its first report. When that first report names a serial or IMEI
 * stored on an older record, the older record takes over the new device id
 * with the next enrolment generation, and the new record is deleted. The
 * older record keeps its history; it takes the new enrolment's policy, org
 * unit and token, because they are the manager's latest choice.
 *
 * Only a record that has never reported is merged: two long-lived records
 * sharing a serial (cheap phones sometimes report the same one) stay apart.
 * Returns the record that now carries the device id.
 *
 * NOTE: commands queued on the new record before its first report (a
 * window of seconds) are deleted with it.
 */
export async function mergeIntoEarlierRecord(
  ctx: AppContext,
  reporter: DeviceRow,
  info: DeviceInfo,
): Promise<DeviceRow> {
  if (reporter.enrolment_generation !== 1 || reporter.last_info_at !== null) return reporter;

  const hardwareIds = usableHardwareIds([info.serial, info.imei, info.imei2]);
  if (hardwareIds.length === 0) return reporter;

  const merged = await inTransaction(ctx, async (store) => {
    const candidates = await store.devices.listOthersByHardwareId(hardwareIds, reporter.id);
    const earlier = candidates.find((candidate) => candidate.created_at <= reporter.created_at);
    if (!earlier) return null;

    const now = ctx.now();
    const generation = earlier.enrolment_generation + 1;
    await store.devices.deleteByPk(reporter.id);
    await store.devices.update(earlier.id, {
      device_id: reporter.device_id,
      enrolment_generation: generation,
      policy_id: reporter.policy_id,
      enrolment_policy_id: reporter.enrolment_policy_id,
      org_unit_id: reporter.org_unit_id,
      ...(reporter.dhis2_user_id !== null && { dhis2_user_id: reporter.dhis2_user_id }),
      enrolment_token_id: reporter.enrolment_token_id,
      enrolled_at: reporter.enrolled_at,
      last_contact_at: reporter.last_contact_at,
      last_config_at: reporter.last_config_at,
      external_ip: reporter.external_ip,
      updated_at: now,
    });
    await store.commands.expireOtherGenerations(earlier.id, generation, now);
    // The earlier record keeps its own policy, which beats the one the new enrolment brought.
    await recomputeEffectivePolicies(store, now, { devicePk: earlier.id });

    await store.audit.record(
      {
        actor: `device:${reporter.device_id}`,
        action: 'device.rebound',
        targetType: 'device',
        targetId: earlier.id,
        details: {
          deviceId: reporter.device_id,
          previousDeviceId: earlier.device_id,
          generation,
          matchedBy: 'hardwareId',
          removedDevicePk: reporter.id,
        },
      },
      now,
    );
    return { earlier, device: await store.devices.findByPk(earlier.id) };
  });

  if (!merged?.device) return reporter;

  ctx.logger.info(
    {
      deviceId: reporter.device_id,
      previousDeviceId: merged.earlier.device_id,
      devicePk: merged.device.id,
      removedDevicePk: reporter.id,
      generation: merged.device.enrolment_generation,
    },
    'device re-bound to its earlier record by serial or IMEI',
  );
  return merged.device;
}

/** Outcome of checking who sent a device report. */
export type ReporterVerdict = 'accepted' | 'claimed-by-other-phone' | 'not-preregistered';

/**
 * Checks that a device report comes from a phone the record may belong to,
 * before anything in the report is stored.
 *
 * - A report whose serial or IMEIs all differ from those the record stored
 *   since its latest enrolment comes from a second phone using the same
 *   device id. It is rejected, recorded as a claim on the record and
 *   audited, and the record stays as it was.
 * - The first report after an enrolment with a QR code may name another
 *   phone than before: the manager's QR code re-enrolled the id, for
 *   example on a replacement phone.
 * - A report without a usable serial or IMEI is accepted. Android 10 and
 *   later hide both from an agent that is not device owner, so such a
 *   phone cannot be identified, and rejecting it would lock out real phones.
 * - The first report of a new enrolment is rejected, and its record
 *   deleted, when the enrolment rules require a pre-registered serial or
 *   IMEI and the phone reports none of the listed ones.
 */
export async function checkReporter(ctx: AppContext, reporter: DeviceRow, info: DeviceInfo, ip: string): Promise<ReporterVerdict> {
  const reported = hardwareOf(info.serial, [info.imei, info.imei2]);

  const reportedSinceEnrolment = reporter.last_info_at !== null && reporter.last_info_at >= reporter.enrolled_at;
  if (reportedSinceEnrolment && isOtherPhone(hardwareOf(reporter.serial, [reporter.imei, reporter.imei2]), reported)) {
    await recordClaim(ctx, reporter, reported, ip);
    return 'claimed-by-other-phone';
  }

  const newEnrolment = reporter.enrolment_generation === 1 && reporter.last_info_at === null;
  if (newEnrolment && (await readEnrolmentRules(ctx.store)).requirePreregistered) {
    const candidates = usableHardwareIds([reporter.device_id, ...allOf(reported)]);
    if (!(await isPreregistered(ctx.store, candidates))) {
      await rejectUnlistedPhone(ctx, reporter, reported, ip);
      return 'not-preregistered';
    }
  }
  return 'accepted';
}

interface HardwareIds {
  serial: string | null;
  imeis: string[];
}

function hardwareOf(serial: string | null | undefined, imeis: ReadonlyArray<string | null | undefined>): HardwareIds {
  return { serial: usableHardwareId(serial), imeis: usableHardwareIds(imeis) };
}

function allOf(ids: HardwareIds): string[] {
  return ids.serial === null ? ids.imeis : [ids.serial, ...ids.imeis];
}

/**
 * Returns whether two sets of hardware ids belong to different phones: no
 * value is shared, and at least one kind (serial, IMEIs) is known on both
 * sides. A phone that once reported only its IMEI and now only its serial
 * shares no kind, so it is not taken for another phone.
 */
function isOtherPhone(stored: HardwareIds, reported: HardwareIds): boolean {
  const storedValues = new Set(allOf(stored));
  if (allOf(reported).some((value) => storedValues.has(value))) return false;

  const serialsDiffer = stored.serial !== null && reported.serial !== null;
  const imeisDiffer = stored.imeis.length > 0 && reported.imeis.length > 0;
  return serialsDiffer || imeisDiffer;
}

async function recordClaim(ctx: AppContext, device: DeviceRow, reported: HardwareIds, ip: string): Promise<void> {
  const now = ctx.now();
  const claim = { serial: reported.serial, imei: reported.imeis[0] ?? null, ip };

  await inTransaction(ctx, async (store) => {
    await store.deviceIdClaims.record(device.id, claim, now);
    await store.audit.record(
      {
        actor: `device:${device.device_id}`,
        action: 'device.id_claimed',
        targetType: 'device',
        targetId: device.id,
        details: {
          deviceId: device.device_id,
          enrolledSerial: device.serial,
          enrolledImei: device.imei,
          claimantSerial: claim.serial,
          claimantImei: claim.imei,
          ip,
        },
      },
      now,
    );
  });
  ctx.logger.warn(
    { deviceId: device.device_id, devicePk: device.id, claimantSerial: claim.serial, ip },
    'device report rejected: another phone uses the device id of an enrolled phone',
  );
}

async function rejectUnlistedPhone(ctx: AppContext, device: DeviceRow, reported: HardwareIds, ip: string): Promise<void> {
  const now = ctx.now();
  const reason = allOf(reported).length === 0 ? 'no serial or IMEI reported' : 'serial and IMEI not pre-registered';

  await inTransaction(ctx, async (store) => {
    await store.devices.deleteByPk(device.id);
    await store.audit.record(
      {
        actor: `device:${device.device_id}`,
        action: 'device.enrol_rejected',
        targetType: 'device',
        targetId: device.id,
        details: { deviceId: device.device_id, reason, serial: reported.serial, imeis: reported.imeis, ip },
      },
      now,
    );
  });
  ctx.logger.warn({ deviceId: device.device_id, devicePk: device.id, reason, ip }, 'enrolment rejected at the first device report');
}

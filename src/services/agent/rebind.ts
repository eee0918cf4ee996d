import type { AppContext } from '../../context.js';
import type { DeviceInfo } from '../../domain/agent-reports.js';
import { usableHardwareIds } from '../../domain/hardware-id.js';
import type { DeviceRow } from '../../store/schema.js';
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
      org_unit_id: reporter.org_unit_id,
      enrolment_token_id: reporter.enrolment_token_id,
      enrolled_at: reporter.enrolled_at,
      last_contact_at: reporter.last_contact_at,
      last_config_at: reporter.last_config_at,
      external_ip: reporter.external_ip,
      updated_at: now,
    });
    await store.commands.expireOtherGenerations(earlier.id, generation, now);

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

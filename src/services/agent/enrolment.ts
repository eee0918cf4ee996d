import type { AppContext } from '../../context.js';
import { deviceIdProblem } from '../../domain/device-id.js';
import { enrolmentTokenProblem } from '../../domain/enrolment-token.js';
import { usableHardwareId } from '../../domain/hardware-id.js';
import { newId } from '../../store/ids.js';
import type { DeviceRow, DeviceUpdate, EnrolmentTokenRow, PolicyRow } from '../../store/schema.js';
import type { Store } from '../../store/store.js';
import { enrolmentClosedReason, readEnrolmentRules } from '../admin/enrolment-rules.js';
import { tokenFingerprint } from '../admin/enrolment-tokens.js';
import { recomputeEffectivePolicies } from '../admin/org-unit-policy-resolution.js';
import { inTransaction } from './transaction.js';

export interface EnrolmentRequest {
  /** Device id from the URL, already percent-decoded. */
  deviceId: string;
  /** The enrol body's `configuration`: the QR's com.hmdm.CONFIG, an enrolment token id. */
  tokenId: string | null;
  ip: string;
}

export type EnrolmentResult =
  | { outcome: 'enrolled' | 're-enrolled' | 'rebound' | 'unchanged'; device: DeviceRow }
  | { outcome: 'rejected'; reason: string };

/**
 * Enrols the phone behind an enrol request, or re-enrols it.
 *
 * - A known device id with a valid enrolment token is a re-enrolment after
 *   a factory reset: the same record gets the next enrolment generation and
 *   the token's policy and org unit.
 * - A known device id without a valid token gets its configuration
 *   unchanged. The request carries no credential, so it must not expire
 *   queued commands such as a lock on a stolen phone.
 * - An unknown id equal to a known record's serial or IMEI re-binds that
 *   record to the id, so one phone never gets a second record. Serials and
 *   IMEIs are printed on boxes, so this too needs a valid token.
 * - Any other id needs a valid enrolment token and creates a device with
 *   the token's policy and org unit, generation 1.
 */
export async function enrolDevice(ctx: AppContext, request: EnrolmentRequest): Promise<EnrolmentResult> {
  const idProblem = deviceIdProblem(request.deviceId);
  const idReason = `Device id ${JSON.stringify(request.deviceId)} ${idProblem}. Enter another device id.`;
  const result: EnrolmentResult = idProblem
    ? { outcome: 'rejected', reason: idReason }
    : await inTransaction(ctx, (store) => enrolInStore(ctx, store, request));

  logResult(ctx, request, result);
  return result;
}

async function enrolInStore(ctx: AppContext, store: Store, request: EnrolmentRequest): Promise<EnrolmentResult> {
  const now = ctx.now();
  const byId = await store.devices.findByDeviceId(request.deviceId);
  const hardwareId = byId ? null : usableHardwareId(request.deviceId);
  const byHardware = hardwareId ? await store.devices.findByHardwareId([hardwareId]) : undefined;
  const known = byId ?? byHardware;

  const token = request.tokenId ? await store.enrolment.findById(request.tokenId) : undefined;
  // Closed enrolment rules make a known phone's code count for nothing, and
  // stop any other phone before the code loses a use.
  const closedReason = token ? enrolmentClosedReason(await readEnrolmentRules(store), now) : null;
  if (closedReason && byId) return keepEnrolment(store, byId, request, now);
  if (closedReason && token) return rejectByRules(store, request, token, closedReason, now);

  const grant = token ? await tokenGrant(store, token, request.deviceId, now) : null;

  const granted = grant && 'policy' in grant ? grant : null;
  if (byId && !granted) return keepEnrolment(store, byId, request, now);
  if (known && granted) return reEnrol(store, known, request, granted, now);
  if (known) {
    return {
      outcome: 'rejected',
      reason: 'This id is the serial or IMEI of an enrolled phone; re-binding it needs a current enrolment QR code.',
    };
  }

  if (!request.tokenId) {
    return { outcome: 'rejected', reason: 'The enrol request carries no enrolment code; scan an enrolment QR code.' };
  }
  if (!token || !grant) {
    return { outcome: 'rejected', reason: 'The enrolment code is not known to this server; scan a current QR code.' };
  }
  if ('problem' in grant) {
    return { outcome: 'rejected', reason: `Cannot enrol: ${grant.problem}. Scan a current QR code.` };
  }
  return createDevice(store, request, grant, now);
}

/**
 * Rejects an enrolment with a known code that the server-wide rules stop,
 * and audits it. Rejections for unknown codes are only logged, because
 * anyone can send them and they would flood the audit trail.
 */
async function rejectByRules(
  store: Store,
  request: EnrolmentRequest,
  token: EnrolmentTokenRow,
  problem: string,
  now: number,
): Promise<EnrolmentResult> {
  await store.audit.record(
    {
      actor: `device:${request.deviceId}`,
      action: 'device.enrol_rejected',
      targetType: 'enrolment_token',
      targetId: tokenFingerprint(token.id),
      details: { deviceId: request.deviceId, reason: problem, ip: request.ip },
    },
    now,
  );
  return { outcome: 'rejected', reason: `Cannot enrol: ${problem}. Ask the MDM manager when enrolment opens.` };
}

type TokenGrant = { token: EnrolmentTokenRow; policy: PolicyRow } | { problem: string };

/** Checks the token and takes one of its uses; returns its policy, or why it cannot be used. */
async function tokenGrant(store: Store, token: EnrolmentTokenRow, deviceId: string, now: number): Promise<TokenGrant> {
  const problem = enrolmentTokenProblem(
    {
      revokedAt: token.revoked_at,
      expiresAt: token.expires_at,
      usesLeft: token.uses_left,
      presetDeviceId: token.preset_device_id,
    },
    deviceId,
    now,
  );
  if (problem) return { problem };

  const policy = await store.policies.findById(token.policy_id);
  if (!policy) return { problem: 'the policy of the enrolment code no longer exists' };

  // The conditional update takes the use atomically, so two phones cannot both take the last one.
  if (token.uses_left !== null && !(await store.enrolment.consumeUse(token.id))) {
    return { problem: 'the enrolment code has no uses left' };
  }
  return { token, policy };
}

async function createDevice(
  store: Store,
  request: EnrolmentRequest,
  grant: { token: EnrolmentTokenRow; policy: PolicyRow },
  now: number,
): Promise<EnrolmentResult> {
  const pk = newId();
  await store.devices.insert({
    id: pk,
    device_id: request.deviceId,
    policy_id: grant.policy.id,
    enrolment_policy_id: grant.policy.id,
    policy_source: 'enrolment',
    dhis2_user_id: grant.token.dhis2_user_id,
    org_unit_id: grant.token.org_unit_id,
    enrolment_generation: 1,
    enrolment_token_id: grant.token.id,
    enrolled_at: now,
    last_contact_at: now,
    external_ip: request.ip,
    created_at: now,
    updated_at: now,
  });
  // A policy assigned to the token's org unit or above beats the token's own.
  await recomputeEffectivePolicies(store, now, { devicePk: pk });

  await store.audit.record(
    {
      actor: `device:${request.deviceId}`,
      action: 'device.enrolled',
      targetType: 'device',
      targetId: pk,
      details: {
        deviceId: request.deviceId,
        generation: 1,
        policyId: grant.policy.id,
        orgUnitId: grant.token.org_unit_id,
        tokenId: grant.token.id,
      },
    },
    now,
  );

  const device = await store.devices.findByPk(pk);
  if (!device) throw new Error(`Device ${pk} vanished right after its insert`);
  return { outcome: 'enrolled', device };
}

/** Handles an enrol request of a known device without a valid token by updating only its contact time. */
async function keepEnrolment(store: Store, device: DeviceRow, request: EnrolmentRequest, now: number): Promise<EnrolmentResult> {
  await store.devices.update(device.id, { last_contact_at: now, external_ip: request.ip, updated_at: now });
  await store.audit.record(
    {
      actor: `device:${request.deviceId}`,
      action: 'device.enrol_without_code',
      targetType: 'device',
      targetId: device.id,
      details: { deviceId: request.deviceId, generation: device.enrolment_generation, ip: request.ip, codeGiven: request.tokenId !== null },
    },
    now,
  );

  const current = await store.devices.findByPk(device.id);
  if (!current) throw new Error(`Device ${device.id} vanished during its enrolment`);
  return { outcome: 'unchanged', device: current };
}

async function reEnrol(
  store: Store,
  known: DeviceRow,
  request: EnrolmentRequest,
  grant: { token: EnrolmentTokenRow; policy: PolicyRow },
  now: number,
): Promise<EnrolmentResult> {
  const generation = known.enrolment_generation + 1;
  const changes: DeviceUpdate = {
    device_id: request.deviceId,
    enrolment_generation: generation,
    enrolled_at: now,
    last_contact_at: now,
    external_ip: request.ip,
    updated_at: now,
    policy_id: grant.policy.id,
    enrolment_policy_id: grant.policy.id,
    org_unit_id: grant.token.org_unit_id,
    enrolment_token_id: grant.token.id,
    ...(grant.token.dhis2_user_id !== null && { dhis2_user_id: grant.token.dhis2_user_id }),
  };

  await store.devices.update(known.id, changes);
  await recomputeEffectivePolicies(store, now, { devicePk: known.id });
  // Commands queued for the phone before its wipe must never run on the new installation.
  await store.commands.expireOtherGenerations(known.id, generation, now);

  const rebound = known.device_id !== request.deviceId;
  await store.audit.record(
    {
      actor: `device:${request.deviceId}`,
      action: rebound ? 'device.rebound' : 'device.re-enrolled',
      targetType: 'device',
      targetId: known.id,
      details: {
        deviceId: request.deviceId,
        previousDeviceId: known.device_id,
        generation,
        matchedBy: rebound ? 'hardwareId' : 'deviceId',
        policyId: grant.policy.id,
        tokenId: grant.token.id,
      },
    },
    now,
  );

  const device = await store.devices.findByPk(known.id);
  if (!device) throw new Error(`Device ${known.id} vanished during its re-enrolment`);
  return { outcome: rebound ? 'rebound' : 're-enrolled', device };
}

function logResult(ctx: AppContext, request: EnrolmentRequest, result: EnrolmentResult): void {
  // Token ids are enrolment credentials, so logs carry only their start.
  const tokenHint = request.tokenId ? `${request.tokenId.slice(0, 4)}…` : null;

  if (result.outcome === 'rejected') {
    ctx.logger.warn(
      { deviceId: request.deviceId, tokenHint, ip: request.ip, reason: result.reason },
      'enrolment rejected',
    );
    return;
  }

  const device = result.device;
  ctx.logger.info(
    {
      deviceId: device.device_id,
      devicePk: device.id,
      generation: device.enrolment_generation,
      policyId: device.policy_id,
      tokenHint,
      outcome: result.outcome,
    },
    'device enrolled',
  );
}

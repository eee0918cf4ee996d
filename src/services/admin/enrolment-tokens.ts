import { createHash } from 'node:crypto';

import { requireRole, type Caller } from '../../auth/caller.js';
import { routePrefix } from '../../config.js';
import type { AppContext } from '../../context.js';
import { deviceIdProblem } from '../../domain/device-id.js';
import { InvalidInputError, NotFoundError } from '../../domain/errors.js';
import type { DeviceIdSource, WifiSecurityType } from '../../domain/provisioning.js';
import { newToken } from '../../store/ids.js';
import type { EnrolmentTokenRow } from '../../store/schema.js';
import { keepVisible, orgUnitVisibleTo } from './device-scope.js';
import { findPolicyOrThrow } from './policies.js';

export interface EnrolmentTokenInput {
  policyId: string;
  orgUnitId?: string | null;
  /** DHIS2 user uid the enrolled phone is assigned to. */
  dhis2UserId?: string | null;
  presetDeviceId?: string | null;
  deviceIdSource?: DeviceIdSource | null;
  label?: string;
  expiresInHours?: number;
  maxUses?: number | null;
  wifiSsid?: string;
  wifiPassword?: string;
  wifiSecurity?: WifiSecurityType;
  useMobileData?: boolean;
}

export interface EnrolmentTokenView {
  id: string;
  policyId: string;
  policyName: string | null;
  orgUnitId: string | null;
  dhis2UserId: string | null;
  presetDeviceId: string | null;
  deviceIdSource: DeviceIdSource | null;
  label: string;
  expiresAt: number | null;
  usesLeft: number | null;
  revokedAt: number | null;
  createdAt: number;
  qrJsonUrl: string;
  qrPngUrl: string;
}

/** QR options kept with a token, in qr_options_json. */
export interface TokenQrOptions {
  deviceIdSource: DeviceIdSource | null;
  wifi: { ssid: string; password: string | null; security: WifiSecurityType } | null;
  useMobileData: boolean;
}

/** A week covers a distribution and training session; longer-lived tokens are asked for explicitly. */
export const DEFAULT_TOKEN_HOURS = 7 * 24;
export const MAX_TOKEN_HOURS = 365 * 24;
export const MAX_TOKEN_LABEL_LENGTH = 200;
/** WPA passphrases have 8 to 63 characters (IEEE 802.11i). */
const WPA_PASSWORD_LENGTH = { min: 8, max: 63 };

export async function listEnrolmentTokens(ctx: AppContext, caller: Caller): Promise<EnrolmentTokenView[]> {
  requireRole(caller, 'viewer');

  // A caller limited to some org units sees the tokens that enrol into them.
  const rows = await keepVisible(ctx, caller, await ctx.store.enrolment.list(), (row) => row.org_unit_id);
  const policyNames = new Map((await ctx.store.policies.list()).map((policy) => [policy.id, policy.name]));
  return rows.map((row) => toTokenView(ctx, row, policyNames.get(row.policy_id) ?? null));
}

/** Creates an enrolment token: the unguessable value a QR code gives the agent as its configuration. */
export async function createEnrolmentToken(ctx: AppContext, caller: Caller, input: EnrolmentTokenInput): Promise<EnrolmentTokenView> {
  requireRole(caller, 'admin');

  const policy = await findPolicyOrThrow(ctx, input.policyId, 'body.policyId');
  const orgUnitId = input.orgUnitId ?? null;
  if (orgUnitId !== null && !(await ctx.store.orgUnits.findById(orgUnitId))) {
    throw new NotFoundError(`Org unit ${orgUnitId} was not found. Choose one from the org unit list.`, 'body.orgUnitId');
  }
  if (!(await orgUnitVisibleTo(ctx, caller, orgUnitId))) {
    throw new NotFoundError(
      orgUnitId === null
        ? 'You may enrol phones only into your org units: choose an orgUnitId inside your scope.'
        : `Org unit ${orgUnitId} lies outside the org units you may manage. Choose a unit inside your scope.`,
      'body.orgUnitId',
    );
  }
  const dhis2UserId = input.dhis2UserId ?? null;
  if (dhis2UserId !== null && !(await ctx.store.assignments.findDhis2UserByUid(dhis2UserId))) {
    throw new NotFoundError(
      `DHIS2 user ${dhis2UserId} was not found. Synchronise DHIS2 users, then choose one from the list.`,
      'body.dhis2UserId',
    );
  }

  const identity = checkDeviceIdentity(input);
  const qrOptions: TokenQrOptions = {
    deviceIdSource: identity.deviceIdSource,
    wifi: checkWifi(input),
    useMobileData: input.useMobileData ?? false,
  };
  const label = (input.label ?? '').trim();
  if (label.length > MAX_TOKEN_LABEL_LENGTH) {
    throw new InvalidInputError(`The label is longer than ${MAX_TOKEN_LABEL_LENGTH} characters; shorten it.`, 'body.label');
  }
  const hours = input.expiresInHours ?? DEFAULT_TOKEN_HOURS;
  if (!Number.isInteger(hours) || hours < 1 || hours > MAX_TOKEN_HOURS) {
    throw new InvalidInputError(`Invalid expiresInHours ${hours}: give a whole number from 1 to ${MAX_TOKEN_HOURS}.`, 'body.expiresInHours');
  }

  const id = newToken();
  const now = ctx.now();
  await ctx.store.enrolment.insert(
    {
      id,
      policyId: policy.id,
      orgUnitId,
      presetDeviceId: identity.presetDeviceId,
      label,
      expiresAt: now + hours * 3_600_000,
      usesLeft: identity.maxUses,
      createdBy: caller.username,
      qrOptions: { ...qrOptions },
    },
    now,
  );
  if (dhis2UserId !== null) await ctx.store.assignments.setTokenUser(id, dhis2UserId);
  await ctx.store.audit.record(
    {
      actor: caller.username,
      action: 'enrolment.token.create',
      targetType: 'enrolment_token',
      targetId: tokenFingerprint(id),
      details: { policyId: policy.id, orgUnitId, dhis2UserId, label, expiresInHours: hours, maxUses: identity.maxUses, wifiSsid: qrOptions.wifi?.ssid ?? null },
    },
    now,
  );
  return toTokenView(ctx, await findTokenOrThrow(ctx, id), policy.name);
}

/** Revokes a token so no further device can enrol with it; revoking twice keeps the first time. */
export async function revokeEnrolmentToken(ctx: AppContext, caller: Caller, id: string): Promise<EnrolmentTokenView> {
  requireRole(caller, 'admin');

  const token = await findTokenForCaller(ctx, caller, id);
  if (token.revoked_at === null) {
    const now = ctx.now();
    await ctx.store.enrolment.revoke(id, now);
    await ctx.store.audit.record(
      { actor: caller.username, action: 'enrolment.token.revoke', targetType: 'enrolment_token', targetId: tokenFingerprint(id), details: { label: token.label } },
      now,
    );
  }

  const policy = await ctx.store.policies.findById(token.policy_id);
  return toTokenView(ctx, await findTokenOrThrow(ctx, id), policy?.name ?? null);
}

/**
 * Finds a token the caller may use: a caller limited to some org units
 * gets the same NotFoundError for a token of another unit as for a missing one.
 */
export async function findTokenForCaller(ctx: AppContext, caller: Caller, id: string): Promise<EnrolmentTokenRow> {
  const token = await findTokenOrThrow(ctx, id);
  if (!(await orgUnitVisibleTo(ctx, caller, token.org_unit_id))) {
    throw new NotFoundError('Enrolment token not found. Take the token from the enrolment token list.', 'params.id');
  }
  return token;
}

export async function findTokenOrThrow(ctx: AppContext, id: string): Promise<EnrolmentTokenRow> {
  const token = await ctx.store.enrolment.findById(id);
  if (!token) throw new NotFoundError('Enrolment token not found. Take the token from the enrolment token list.', 'params.id');
  return token;
}

/**
 * Returns a short, non-secret reference to a token for the audit trail. The
 * token itself enrols devices, so it is never written there.
 */
export function tokenFingerprint(id: string): string {
  return `sha256:${createHash('sha256').update(id, 'utf8').digest('hex').slice(0, 16)}`;
}

export function readQrOptions(row: EnrolmentTokenRow): TokenQrOptions {
  const stored = row.qr_options_json === null ? {} : (JSON.parse(row.qr_options_json) as Partial<TokenQrOptions>);
  return { deviceIdSource: stored.deviceIdSource ?? null, wifi: stored.wifi ?? null, useMobileData: stored.useMobileData ?? false };
}

function checkDeviceIdentity(input: EnrolmentTokenInput) {
  const presetDeviceId = input.presetDeviceId ?? null;
  const deviceIdSource = input.deviceIdSource ?? null;
  if (presetDeviceId === null) return { presetDeviceId, deviceIdSource, maxUses: input.maxUses ?? null };

  if (deviceIdSource !== null) {
    throw new InvalidInputError('Send presetDeviceId or deviceIdSource, not both: a preset id replaces the derived one.', 'body.deviceIdSource');
  }
  const problem = deviceIdProblem(presetDeviceId);
  if (problem) throw new InvalidInputError(`Invalid presetDeviceId "${presetDeviceId}": it ${problem}.`, 'body.presetDeviceId');
  if (input.maxUses !== undefined && input.maxUses !== null && input.maxUses > 1) {
    throw new InvalidInputError('A token with a presetDeviceId enrols one phone; set maxUses to 1 or leave it out.', 'body.maxUses');
  }
  return { presetDeviceId, deviceIdSource, maxUses: 1 };
}

function checkWifi(input: EnrolmentTokenInput): TokenQrOptions['wifi'] {
  if (input.wifiSsid === undefined) {
    if (input.wifiPassword !== undefined || input.wifiSecurity !== undefined) {
      throw new InvalidInputError('wifiPassword and wifiSecurity need a wifiSsid; add the network name.', 'body.wifiSsid');
    }
    return null;
  }

  const password = input.wifiPassword ?? null;
  const security = input.wifiSecurity ?? (password === null ? 'NONE' : 'WPA');
  if (security === 'NONE' && password !== null) {
    throw new InvalidInputError('An open network (wifiSecurity NONE) takes no wifiPassword; remove it or set wifiSecurity.', 'body.wifiPassword');
  }
  if (security === 'WPA' && (password === null || password.length < WPA_PASSWORD_LENGTH.min || password.length > WPA_PASSWORD_LENGTH.max)) {
    throw new InvalidInputError(
      `A WPA network needs a wifiPassword of ${WPA_PASSWORD_LENGTH.min} to ${WPA_PASSWORD_LENGTH.max} characters.`,
      'body.wifiPassword',
    );
  }
  return { ssid: input.wifiSsid, password, security };
}

function toTokenView(ctx: AppContext, row: EnrolmentTokenRow, policyName: string | null): EnrolmentTokenView {
  const base = `${routePrefix(ctx.config)}/api/v1/enrolment/tokens/${row.id}`;
  return {
    id: row.id,
    policyId: row.policy_id,
    policyName,
    orgUnitId: row.org_unit_id,
    dhis2UserId: row.dhis2_user_id,
    presetDeviceId: row.preset_device_id,
    deviceIdSource: readQrOptions(row).deviceIdSource,
    label: row.label,
    expiresAt: row.expires_at,
    usesLeft: row.uses_left,
    revokedAt: row.revoked_at,
    createdAt: row.created_at,
    qrJsonUrl: `${base}/qr.json`,
    qrPngUrl: `${base}/qr.png`,
  };
}

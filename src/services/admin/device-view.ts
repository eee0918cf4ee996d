import type { AppContext } from '../../context.js';
import { contactState, type ContactState, type ContactThresholds } from '../../domain/contact-state.js';
import type { DeviceListRow } from '../../store/repositories/devices.js';
import type { CommandRow } from '../../store/schema.js';
import { currentContactThresholds } from './contact-state.js';

export interface DeviceSummary {
  id: string;
  deviceId: string;
  serial: string | null;
  imei: string | null;
  model: string | null;
  androidVersion: string | null;
  agentVersion: string | null;
  batteryLevel: number | null;
  batteryCharging: string | null;
  policyId: string | null;
  policyName: string | null;
  orgUnitId: string | null;
  /** DHIS2 user uid of the health worker, and the username when the DHIS2 sync has stored that user. */
  dhis2UserId: string | null;
  dhis2Username: string | null;
  enrolmentGeneration: number;
  enrolledAt: number;
  lastContactAt: number | null;
  /** Contact state at the time of the request; see domain/contact-state.ts. */
  status: ContactState;
  lastLocation: { lat: number; lon: number; at: number } | null;
}

export interface CommandView {
  id: string;
  type: string;
  state: string;
  createdBy: string | null;
  createdAt: number;
  updatedAt: number;
  expiresAt: number | null;
}

/**
 * Maps a device row to the list shape, with its contact state as of
 * ctx.now(). Callers that loaded the thresholds (loadContactThresholds) pass
 * them; others get the ones this process read last.
 */
export function toDeviceSummary(
  ctx: AppContext,
  row: DeviceListRow,
  thresholds: ContactThresholds = currentContactThresholds(ctx),
): DeviceSummary {
  const { last_lat: lat, last_lon: lon, last_location_at: at } = row;

  return {
    id: row.id,
    deviceId: row.device_id,
    serial: row.serial,
    imei: row.imei,
    model: row.model,
    androidVersion: row.android_version,
    agentVersion: row.agent_version,
    batteryLevel: row.battery_level,
    batteryCharging: row.battery_charging,
    policyId: row.policy_id,
    policyName: row.policy_name,
    orgUnitId: row.org_unit_id,
    dhis2UserId: row.dhis2_user_id,
    dhis2Username: row.dhis2_username ?? null,
    enrolmentGeneration: row.enrolment_generation,
    enrolledAt: row.enrolled_at,
    lastContactAt: row.last_contact_at,
    status: contactState(row.last_contact_at, ctx.now(), thresholds),
    lastLocation: lat !== null && lon !== null && at !== null ? { lat, lon, at } : null,
  };
}

export function toCommandView(row: CommandRow): CommandView {
  return {
    id: row.id,
    type: row.type,
    state: row.state,
    createdBy: row.created_by,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    expiresAt: row.expires_at,
  };
}

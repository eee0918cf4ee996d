import { randomUUID } from 'node:crypto';

import type { AppContext } from '../../../src/context.js';
import type { NewDevice } from '../../../src/store/schema.js';

/**
 * Inserts a device row as enrolment would, without the agent protocol.
 * Returns its primary key.
 */
export async function insertDevice(ctx: AppContext, fields: Partial<NewDevice> & { device_id: string }): Promise<string> {
  const id = fields.id ?? randomUUID();
  const now = ctx.now();
  await ctx.store.devices.insert({
    serial: null,
    imei: null,
    imei2: null,
    model: null,
    android_version: null,
    sdk_level: null,
    cpu: null,
    agent_package: null,
    agent_version: null,
    launcher_type: null,
    mdm_mode: null,
    battery_level: null,
    battery_charging: null,
    policy_id: null,
    org_unit_id: null,
    enrolment_generation: 1,
    enrolment_token_id: null,
    enrolled_at: now,
    last_contact_at: null,
    last_config_at: null,
    last_info_at: null,
    last_lat: null,
    last_lon: null,
    last_location_at: null,
    external_ip: null,
    info_json: null,
    created_at: now,
    updated_at: now,
    ...fields,
    id,
  });
  return id;
}

import type { AppContext } from '../../../src/context.js';
import { startDhis2Standin, type Dhis2Standin, type StandinUser } from '../../support/dhis2-standin.js';
import type { ApiClient } from './client.js';
import { insertDevice } from './devices.js';

export const DHIS2_PASSWORD = 'District-Pass-2024';

export interface Dhis2SignInWorld {
  dhis2: Dhis2Standin;
  /** A DHIS2 user in the mapped group, working in `district`. */
  worker: StandinUser;
  /** A DHIS2 user in no mapped group. */
  outsider: StandinUser;
  district: { id: string; name: string };
  otherDistrict: { id: string; name: string };
  groupId: string;
}

/**
 * Starts the DHIS2 stand-in, connects Outpost to it, copies its org-unit
 * tree into Outpost as a sync would, turns sign-in with DHIS2 on with one
 * group mapped to operator, and puts a phone in each of two districts.
 */
export async function prepareDhis2SignIn(ctx: AppContext, admin: ApiClient): Promise<Dhis2SignInWorld> {
  const dhis2 = await startDhis2Standin();
  const saved = await admin.put('/v1/dhis2/connection', { baseUrl: dhis2.url, token: dhis2.token });
  if (saved.status !== 200) throw new Error(`saving the DHIS2 connection failed: ${saved.status} ${JSON.stringify(saved.body)}`);

  const units = [...dhis2.orgUnits].sort((a, b) => a.level - b.level);
  for (const unit of units) await ctx.store.orgUnits.insert({ id: unit.id, name: unit.name, parentId: unit.parentId });
  const districts = units.filter((unit) => unit.level === 2);
  const [district, otherDistrict] = [districts[0]!, districts[1]!];
  const clinic = units.find((unit) => unit.parentId === district.id) ?? district;

  const groupId = dhis2.userGroups[0]!.id;
  const [worker, outsider] = [dhis2.users[1]!, dhis2.users[2]!];
  dhis2.changeUser(worker.id, { orgUnitIds: [district.id], userGroupIds: [groupId], disabled: false });
  dhis2.changeUser(outsider.id, { orgUnitIds: [district.id], userGroupIds: [], disabled: false });
  dhis2.setPassword(worker.username, DHIS2_PASSWORD);
  dhis2.setPassword(outsider.username, DHIS2_PASSWORD);

  const settings = await admin.put('/v1/auth/dhis2-login/settings', { enabled: true, groupRoles: [{ groupId, role: 'operator' }] });
  if (settings.status !== 200) throw new Error(`saving the sign-in settings failed: ${settings.status} ${JSON.stringify(settings.body)}`);

  await insertDevice(ctx, { device_id: 'district-phone', org_unit_id: clinic.id, model: 'In scope' });
  await insertDevice(ctx, { device_id: 'other-district-phone', org_unit_id: otherDistrict.id, model: 'Out of scope' });
  await insertDevice(ctx, { device_id: 'unit-less-phone', org_unit_id: null });

  return {
    dhis2,
    worker: dhis2.users.find((user) => user.id === worker.id)!,
    outsider: dhis2.users.find((user) => user.id === outsider.id)!,
    district: { id: district.id, name: district.name },
    otherDistrict: { id: otherDistrict.id, name: otherDistrict.name },
    groupId,
  };
}

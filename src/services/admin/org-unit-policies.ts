import { requireRole, type Caller } from '../../auth/caller.js';
import type { AppContext } from '../../context.js';
import { NotFoundError } from '../../domain/errors.js';
import { notifyConfigChanged } from '../agent/notify.js';
import { keepVisible, orgUnitVisibleTo } from './device-scope.js';
import { recomputeEffectivePolicies } from './org-unit-policy-resolution.js';
import { findPolicyOrThrow } from './policies.js';

export interface OrgUnitPolicyView {
  orgUnitId: string;
  orgUnitName: string | null;
  orgUnitPath: string | null;
  policyId: string;
  policyName: string | null;
  createdAt: number;
  createdBy: string | null;
}

/** Lists the policies assigned to org units the caller may see. */
export async function listOrgUnitPolicies(ctx: AppContext, caller: Caller): Promise<OrgUnitPolicyView[]> {
  requireRole(caller, 'viewer');

  const rows = await keepVisible(ctx, caller, await ctx.store.orgUnitPolicies.list(), (row) => row.org_unit_id);
  return rows.map((row) => ({
    orgUnitId: row.org_unit_id,
    orgUnitName: row.org_unit_name,
    orgUnitPath: row.org_unit_path,
    policyId: row.policy_id,
    policyName: row.policy_name,
    createdAt: row.created_at,
    createdBy: row.created_by,
  }));
}

/**
 * Gives an org unit a policy for its subtree, or removes it with null.
 * Devices whose effective policy changes are woken to fetch it. A caller
 * limited to some units may assign only inside them.
 */
export async function setOrgUnitPolicy(
  ctx: AppContext,
  caller: Caller,
  orgUnitId: string,
  policyId: string | null,
): Promise<{ orgUnitId: string; policyId: string | null; devicesChanged: number }> {
  requireRole(caller, 'admin');

  const unit = await ctx.store.orgUnits.findById(orgUnitId);
  if (!unit || !(await orgUnitVisibleTo(ctx, caller, orgUnitId))) {
    throw new NotFoundError(`Org unit ${orgUnitId} was not found. Choose one from the org unit list.`, 'params.id');
  }
  if (policyId !== null) await findPolicyOrThrow(ctx, policyId, 'body.policyId');

  const now = ctx.now();
  const previous = (await ctx.store.orgUnitPolicies.find(orgUnitId)) ?? null;
  if (policyId === null) await ctx.store.orgUnitPolicies.remove(orgUnitId);
  else await ctx.store.orgUnitPolicies.set(orgUnitId, policyId, caller.username, now);

  const changed = await recomputeEffectivePolicies(ctx.store, now, { subtreePath: unit.path });
  await ctx.store.audit.record(
    {
      actor: caller.username,
      action: policyId === null ? 'org_unit.policy_remove' : 'org_unit.policy_set',
      targetType: 'org_unit',
      targetId: orgUnitId,
      details: { policyId: { from: previous, to: policyId }, devicesChanged: changed.length },
    },
    now,
  );
  notifyConfigChanged(ctx, changed);
  return { orgUnitId, policyId, devicesChanged: changed.length };
}

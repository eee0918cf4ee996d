import { requireFleetScope, requireRole, type Caller } from '../../auth/caller.js';
import type { AppContext } from '../../context.js';
import { ConflictError, NotFoundError } from '../../domain/errors.js';
import { defaultPolicySettings } from '../../domain/policy-settings.js';
import type { PolicyRow } from '../../store/schema.js';
import { settingsView, toPolicyView, type PolicySettingsView, type PolicyView } from './policy-view.js';

export async function listPolicies(ctx: AppContext, caller: Caller): Promise<PolicyView[]> {
  requireRole(caller, 'viewer');

  const rows = await ctx.store.policies.list();
  const deviceCounts = await ctx.store.devices.countPerPolicy();
  const states = await ctx.store.policyState.countByPolicy();
  return Promise.all(rows.map((row) => toPolicyView(ctx, row, deviceCounts.get(row.id) ?? 0, states.get(row.id))));
}

/** Returns the settings a new policy starts with, so the console's form never restates them. */
export function getDefaultPolicySettings(caller: Caller): PolicySettingsView {
  requireRole(caller, 'viewer');
  return settingsView(defaultPolicySettings()).settings;
}

export async function getPolicy(ctx: AppContext, caller: Caller, id: string): Promise<PolicyView> {
  requireRole(caller, 'viewer');

  const row = await findPolicyOrThrow(ctx, id);
  const deviceCounts = await ctx.store.devices.countPerPolicy();
  const states = await ctx.store.policyState.countByPolicy();
  return toPolicyView(ctx, row, deviceCounts.get(id) ?? 0, states.get(id));
}

/**
 * Deletes a policy that no device uses and no live enrolment token names.
 * Revoked, expired and used-up tokens of the policy are deleted with it.
 */
export async function deletePolicy(ctx: AppContext, caller: Caller, id: string): Promise<void> {
  requireRole(caller, 'admin');
  requireFleetScope(caller, 'Deleting a policy');

  const row = await findPolicyOrThrow(ctx, id);
  // A device's own policy counts too: deleting it would leave the device's choice dangling.
  const devices = await ctx.store.orgUnitPolicies.countDevicesNaming(id);
  const now = ctx.now();
  const tokens = await ctx.store.enrolment.countActiveByPolicy(id, now);
  if (devices > 0 || tokens > 0) {
    throw new ConflictError(
      'policy_in_use',
      `Policy "${row.name}" is used by ${devices} device(s) and ${tokens} live enrolment token(s). ` +
        'Move the devices to another policy and revoke the tokens, then delete it.',
    );
  }

  const deletedTokens = await ctx.store.enrolment.deleteInactiveByPolicy(id, now);
  await ctx.store.orgUnitPolicies.forgetEnrolmentPolicy(id);
  await ctx.store.policies.delete(id);
  await ctx.store.audit.record(
    { actor: caller.username, action: 'policy.delete', targetType: 'policy', targetId: id, details: { name: row.name, deletedTokens } },
    now,
  );
}

export async function findPolicyOrThrow(ctx: AppContext, id: string, field = 'params.id'): Promise<PolicyRow> {
  const row = await ctx.store.policies.findById(id);
  if (!row) throw new NotFoundError(`Policy ${id} was not found. Choose a policy from the policy list.`, field);
  return row;
}

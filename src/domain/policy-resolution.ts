/** Source of a device's effective policy. */
export type PolicySource =
  | { kind: 'device' }
  | { kind: 'org_unit'; orgUnitId: string }
  | { kind: 'enrolment' }
  | { kind: 'none' };

export interface PolicyInputs {
  /** Policy set on the device itself. */
  explicitPolicyId: string | null;
  /** Policy of the enrolment token the device last enrolled with. */
  enrolmentPolicyId: string | null;
  /** Path of the device's org unit ('/root/district/clinic/'), or null. */
  orgUnitPath: string | null;
}

export interface ResolvedPolicy {
  policyId: string | null;
  source: PolicySource;
}

/** Splits an org unit path into its unit ids, root first. */
export function unitIdsOfPath(path: string): string[] {
  return path.split('/').filter((segment) => segment !== '');
}

/**
 * Picks a device's effective policy: its own policy first, then the
 * assignment of the closest org unit on its path (its own unit, then the
 * parent, up to the root), then the policy it enrolled with.
 *
 * @example
 * resolvePolicy({ explicitPolicyId: null, enrolmentPolicyId: 'p0', orgUnitPath: '/r/d/c/' }, new Map([['d', 'p1']]));
 * // → { policyId: 'p1', source: { kind: 'org_unit', orgUnitId: 'd' } }
 */
export function resolvePolicy(inputs: PolicyInputs, unitPolicies: ReadonlyMap<string, string>): ResolvedPolicy {
  if (inputs.explicitPolicyId !== null) return { policyId: inputs.explicitPolicyId, source: { kind: 'device' } };

  const unitIds = inputs.orgUnitPath === null ? [] : unitIdsOfPath(inputs.orgUnitPath);
  for (const unitId of unitIds.reverse()) {
    const policyId = unitPolicies.get(unitId);
    if (policyId !== undefined) return { policyId, source: { kind: 'org_unit', orgUnitId: unitId } };
  }

  if (inputs.enrolmentPolicyId !== null) return { policyId: inputs.enrolmentPolicyId, source: { kind: 'enrolment' } };
  return { policyId: null, source: { kind: 'none' } };
}

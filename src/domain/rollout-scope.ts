/**
 * Devices a rollout or pin applies to. Policy and org-unit filters combine:
 * a device must match each filter that is non-empty, and an org unit covers
 * its whole subtree. Listed device ids always match. A scope with no filter
 * and no device id covers every device.
 */
export interface DeviceScope {
  policyIds: readonly string[];
  /** Org units whose subtrees are in scope. */
  orgUnitIds: readonly string[];
  /** Device record ids; for a rollout these are pilots, selected from its first stage. */
  deviceIds: readonly string[];
}

/** Device fields that scope matching reads. */
export interface ScopedDevice {
  /** Device record id. */
  id: string;
  policyId: string | null;
  /** Path of the device's org unit, e.g. '/root/district/', or null without one. */
  orgUnitPath: string | null;
}

/**
 * Tells whether a device is in scope. `orgUnitPaths` maps the scope's org
 * unit ids to their paths; an id missing from it matches nothing.
 */
export function scopeIncludes(scope: DeviceScope, device: ScopedDevice, orgUnitPaths: ReadonlyMap<string, string>): boolean {
  if (scope.deviceIds.includes(device.id)) return true;

  const hasFilters = scope.policyIds.length > 0 || scope.orgUnitIds.length > 0;
  if (!hasFilters) return scope.deviceIds.length === 0;

  const policyMatches = scope.policyIds.length === 0 || (device.policyId !== null && scope.policyIds.includes(device.policyId));
  const orgUnitMatches = scope.orgUnitIds.length === 0 || scope.orgUnitIds.some((id) => isUnder(device.orgUnitPath, orgUnitPaths.get(id)));
  return policyMatches && orgUnitMatches;
}

function isUnder(devicePath: string | null, scopePath: string | undefined): boolean {
  return devicePath !== null && scopePath !== undefined && devicePath.startsWith(scopePath);
}

/** Returns an empty scope: every device. */
export function wholeFleetScope(): DeviceScope {
  return { policyIds: [], orgUnitIds: [], deviceIds: [] };
}

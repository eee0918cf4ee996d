import { requireRole, type Caller } from '../../auth/caller.js';
import type { AppContext } from '../../context.js';
import { COMPLIANCE_ISSUES, type ComplianceIssue, type PolicyState } from '../../domain/compliance.js';
import type { DeviceComplianceFacts } from '../../store/repositories/compliance.js';
import { evaluateDevice, loadVersionCatalogue, type DeviceCompliance } from './compliance-evaluate.js';
import { loadDeviceForCaller } from './device-access.js';
import { keepVisible } from './device-scope.js';

export interface ComplianceSummary {
  total: number;
  compliant: number;
  needsAttention: number;
  byIssue: Record<ComplianceIssue, number>;
  byPolicyState: Record<PolicyState, number>;
}

export interface ComplianceQuery {
  issue?: ComplianceIssue;
  policyState?: PolicyState;
  policyId?: string;
  /** True lists only devices with at least one issue. */
  needsAttention?: boolean;
  limit?: number;
  offset?: number;
}

export const COMPLIANCE_PAGE_DEFAULT = 50;

const POLICY_STATES: readonly PolicyState[] = ['applied', 'pending', 'never-fetched', 'no-policy'];

export async function getDeviceCompliance(ctx: AppContext, caller: Caller, devicePk: string): Promise<DeviceCompliance> {
  requireRole(caller, 'viewer');

  const device = await loadDeviceForCaller(ctx, caller, devicePk);
  const [fact] = await ctx.store.compliance.listFacts(device.id);
  const installed = await ctx.store.compliance.listInstalledApps([device.id]);
  return evaluateDevice(fact!, new Map(installed.map((app) => [app.package_name, app.version_name])), await loadVersionCatalogue(ctx, [fact!]));
}

/** Counts devices by compliance issue and by policy state. */
export async function getComplianceSummary(ctx: AppContext, caller: Caller): Promise<ComplianceSummary> {
  requireRole(caller, 'viewer');

  const devices = await evaluateFleet(ctx, caller);
  const byIssue = Object.fromEntries(COMPLIANCE_ISSUES.map((issue) => [issue, 0])) as Record<ComplianceIssue, number>;
  const byPolicyState = Object.fromEntries(POLICY_STATES.map((state) => [state, 0])) as Record<PolicyState, number>;
  let compliant = 0;

  for (const device of devices) {
    if (device.compliant) compliant += 1;
    byPolicyState[device.policy.state] += 1;
    for (const issue of device.issues) byIssue[issue] += 1;
  }
  return { total: devices.length, compliant, needsAttention: devices.length - compliant, byIssue, byPolicyState };
}

/** Lists device compliance, filtered, ordered by device id, a page at a time. */
export async function listDeviceCompliance(
  ctx: AppContext,
  caller: Caller,
  query: ComplianceQuery,
): Promise<{ total: number; items: DeviceCompliance[] }> {
  requireRole(caller, 'viewer');

  const devices = (await evaluateFleet(ctx, caller)).filter(
    (device) =>
      (query.issue === undefined || device.issues.includes(query.issue)) &&
      (query.policyState === undefined || device.policy.state === query.policyState) &&
      (query.policyId === undefined || device.policy.policyId === query.policyId) &&
      (query.needsAttention !== true || !device.compliant),
  );
  const offset = query.offset ?? 0;
  const limit = query.limit ?? COMPLIANCE_PAGE_DEFAULT;
  return { total: devices.length, items: devices.slice(offset, offset + limit) };
}

/**
 * Evaluates every device in the caller's org-unit scope in memory, from one
 * query per table.
 * NOTE: the cost grows with the fleet on every request; it was only run on
 * test fleets of a few hundred devices.
 */
async function evaluateFleet(ctx: AppContext, caller: Caller): Promise<DeviceCompliance[]> {
  const facts = await keepVisible(ctx, caller, await ctx.store.compliance.listFacts(), (fact) => fact.org_unit_id);
  const installed = installedByDevice(await ctx.store.compliance.listInstalledApps(null));
  const catalogue = await loadVersionCatalogue(ctx, facts);
  return facts.map((fact: DeviceComplianceFacts) => evaluateDevice(fact, installed.get(fact.id) ?? new Map(), catalogue));
}

function installedByDevice(rows: { device_pk: string; package_name: string; version_name: string | null }[]) {
  const byDevice = new Map<string, Map<string, string | null>>();
  for (const row of rows) {
    const apps = byDevice.get(row.device_pk) ?? new Map<string, string | null>();
    apps.set(row.package_name, row.version_name);
    byDevice.set(row.device_pk, apps);
  }
  return byDevice;
}

import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';

import type { AppContext } from '../../context.js';
import { COMPLIANCE_ISSUES } from '../../domain/compliance.js';
import { getComplianceSummary, getDeviceCompliance, listDeviceCompliance } from '../../services/admin/compliance.js';
import { IdParams, Nullable, responses, tagged } from '../schemas.js';
import { callerOf } from '../session.js';

// One page carries at most 500 devices, so a dashboard request stays small.
const MAX_COMPLIANCE_PAGE = 500;

const IssueSchema = Type.Union(COMPLIANCE_ISSUES.map((issue) => Type.Literal(issue)), {
  description:
    'no-policy, never-fetched, policy-pending (runs an older version or has not reported since fetching the current one), ' +
    'apps-not-current, not-device-owner, device-admin-off, paid-settings-unsupported (kiosk settings on the open-source agent).',
});
const PolicyStateSchema = Type.Union(
  ['applied', 'pending', 'never-fetched', 'no-policy'].map((state) => Type.Literal(state)),
  { description: 'applied means fetched and reported after the fetch; the API never calls an unfetched version applied.' },
);
const NotReported = Type.Literal('not reported by this agent');

const AppComplianceSchema = Type.Object({
  packageName: Type.String(),
  action: Type.Union([Type.Literal('install'), Type.Literal('remove')]),
  targetVersionCode: Nullable(Type.Integer()),
  targetVersionName: Nullable(Type.String()),
  installedVersionName: Nullable(Type.String()),
  installedVersionCode: Nullable(Type.Integer()),
  state: Type.Union(
    ['current', 'outdated', 'missing', 'unknown-version', 'removal-pending', 'removed'].map((state) => Type.Literal(state)),
  ),
});

const PermissionsSchema = Type.Object({
  deviceAdmin: Nullable(Type.Boolean()),
  drawOverlays: Nullable(Type.Boolean()),
  usageStats: Nullable(Type.Boolean()),
  accessibility: Nullable(Type.Boolean()),
});

export const DeviceComplianceSchema = Type.Object({
  devicePk: Type.String(),
  deviceId: Type.String(),
  model: Nullable(Type.String()),
  lastContactAt: Nullable(Type.Integer()),
  compliant: Type.Boolean(),
  issues: Type.Array(IssueSchema),
  policy: Type.Object({
    policyId: Nullable(Type.String()),
    policyName: Nullable(Type.String()),
    state: PolicyStateSchema,
    currentVersion: Nullable(Type.Integer()),
    fetchedVersion: Nullable(Type.Integer()),
    appliedVersion: Nullable(Type.Integer()),
    fetchedCurrent: Type.Boolean(),
    overrideRevision: Type.Integer(),
    appliedOverrideRevision: Nullable(Type.Integer()),
    fetchedAt: Nullable(Type.Integer({ description: 'When the device first fetched its current configuration; a sync that fetches the same configuration again leaves it.' })),
    appliedAt: Nullable(Type.Integer()),
  }),
  apps: Nullable(Type.Array(AppComplianceSchema, { description: 'App entries of the last fetched configuration; null before any fetch.' })),
  deviceOwner: Nullable(Type.Boolean({ description: 'mdmMode of the last report; null when never reported.' })),
  password: Type.Object({ required: Nullable(Type.String()), reported: NotReported }),
  restrictions: Type.Object({
    required: Type.Array(
      Type.Object({
        key: Type.String(),
        known: Type.Boolean(),
        minSdk: Nullable(Type.Integer()),
        unsupportedByAndroid: Type.Boolean(),
      }),
    ),
    reported: NotReported,
  }),
  paidSettings: Type.Object({
    state: Type.Union([Type.Literal('none'), Type.Literal('unsupported'), Type.Literal('unverified')]),
    settings: Type.Array(Type.String()),
  }),
  capabilities: Type.Object({
    launcherType: Nullable(Type.String()),
    agentVersion: Nullable(Type.String()),
    androidVersion: Nullable(Type.String()),
    sdkLevel: Nullable(Type.Integer()),
    permissions: Nullable(PermissionsSchema),
  }),
});

const countsOf = (keys: readonly string[]) => Type.Object(Object.fromEntries(keys.map((key) => [key, Type.Integer()])));

const SummarySchema = Type.Object({
  total: Type.Integer(),
  compliant: Type.Integer(),
  needsAttention: Type.Integer(),
  byIssue: countsOf(COMPLIANCE_ISSUES),
  byPolicyState: countsOf(['applied', 'pending', 'never-fetched', 'no-policy']),
});

const ListQuery = Type.Object(
  {
    issue: Type.Optional(IssueSchema),
    policyState: Type.Optional(PolicyStateSchema),
    policyId: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    needsAttention: Type.Optional(Type.Boolean()),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_COMPLIANCE_PAGE, default: 50 })),
    offset: Type.Optional(Type.Integer({ minimum: 0, default: 0 })),
  },
  { additionalProperties: false },
);
type ListQueryType = Static<typeof ListQuery>;

export function registerComplianceRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get(
    '/compliance/summary',
    {
      schema: tagged('compliance', {
        summary: 'Device counts by compliance issue and by policy state',
        response: responses({ 200: SummarySchema }),
      }),
    },
    async (request) => getComplianceSummary(ctx, callerOf(request)),
  );

  app.get<{ Querystring: ListQueryType }>(
    '/compliance/devices',
    {
      schema: tagged('compliance', {
        summary: 'Device compliance, filtered, ordered by device id',
        querystring: ListQuery,
        response: responses({ 200: Type.Object({ total: Type.Integer(), items: Type.Array(DeviceComplianceSchema) }) }),
      }),
    },
    async (request) => listDeviceCompliance(ctx, callerOf(request), request.query as Parameters<typeof listDeviceCompliance>[2]),
  );

  app.get<{ Params: Static<typeof IdParams> }>(
    '/devices/:id/compliance',
    {
      schema: tagged('compliance', {
        summary: 'Compliance of one device',
        params: IdParams,
        response: responses({ 200: DeviceComplianceSchema }),
      }),
    },
    async (request) => getDeviceCompliance(ctx, callerOf(request), request.params.id),
  );
}

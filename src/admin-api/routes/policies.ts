import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';

import type { AppContext } from '../../context.js';
import { PolicySettingsSchema } from '../../domain/policy-settings.js';
import { RESTRICTION_CATALOG } from '../../domain/restriction-catalog.js';
import { deletePolicy, getDefaultPolicySettings, getPolicy, listPolicies } from '../../services/admin/policies.js';
import {
  createPolicy,
  MAX_POLICY_DESCRIPTION_LENGTH,
  MAX_POLICY_NAME_LENGTH,
  PACKAGE_NAME_PATTERN,
  updatePolicy,
} from '../../services/admin/policy-save.js';
import { listPolicyVersions } from '../../services/admin/policy-versions.js';
import { IdParams, Nullable, responses, tagged } from '../schemas.js';
import { callerOf } from '../session.js';

const ActionSchema = Type.Union([Type.Literal('install'), Type.Literal('remove')]);

// Policies list a few dozen apps; 500 entries is far past any real policy.
const MAX_POLICY_APPS = 500;

/** Settings as responses show them: without the admin-panel password hash. */
export const PolicySettingsViewSchema = Type.Omit(PolicySettingsSchema, ['adminPasswordMd5']);

const PolicyDeviceCountsSchema = Type.Object(
  {
    applied: Type.Integer({ description: 'Fetched the current version and reported after the fetch.' }),
    pending: Type.Integer({ description: 'Run an older version, or fetched the current one without a report since.' }),
    neverFetched: Type.Integer({ description: 'Never fetched a configuration.' }),
  },
  { description: "The policy's devices by where they stand with the current version." },
);

const PolicySchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  description: Type.String(),
  version: Type.Integer({ description: 'Incremented on each save.' }),
  settings: PolicySettingsViewSchema,
  adminPasswordSet: Type.Boolean({ description: 'Whether an admin-panel password is set; the password and its hash are never returned.' }),
  unknownRestrictions: Type.Array(Type.String(), {
    description: 'Keys of extraRestrictions: not in the restriction catalogue, applied as given.',
  }),
  paidAgentSettings: Type.Array(Type.String(), {
    description: 'Settings in use that only a paid agent build applies; the open-source agent ignores them.',
  }),
  devices: PolicyDeviceCountsSchema,
  apps: Type.Array(
    Type.Object({
      packageName: Type.String(),
      appVersionId: Nullable(Type.String()),
      versionCode: Nullable(Type.Integer()),
      versionName: Nullable(Type.String()),
      action: ActionSchema,
    }),
  ),
  deviceCount: Type.Integer(),
  updatedAt: Type.Integer(),
});

const PolicyBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: MAX_POLICY_NAME_LENGTH }),
    description: Type.Optional(Type.String({ maxLength: MAX_POLICY_DESCRIPTION_LENGTH })),
    settings: Type.Optional(
      Type.Partial(PolicySettingsViewSchema, {
        additionalProperties: false,
        description: 'Settings to set; the others take their defaults.',
      }),
    ),
    adminPassword: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 200,
        description: 'Agent admin-panel password; stored only as its MD5. Left out, the policy keeps its password.',
      }),
    ),
    expectedVersion: Type.Optional(
      Type.Integer({
        minimum: 1,
        description:
          'On PUT, the version the change started from. If the policy was saved since, the save is rejected with 409, so another manager\'s change is not overwritten.',
      }),
    ),
    clearAdminPassword: Type.Optional(
      Type.Boolean({ description: "True removes the password, so the agent uses its built-in one." }),
    ),
    apps: Type.Optional(
      Type.Array(
        Type.Object(
          {
            packageName: Type.String({ pattern: PACKAGE_NAME_PATTERN, maxLength: 255 }),
            appVersionId: Type.Optional(Nullable(Type.String({ minLength: 1, maxLength: 200 }))),
            action: ActionSchema,
          },
          { additionalProperties: false },
        ),
        { maxItems: MAX_POLICY_APPS },
      ),
    ),
  },
  { additionalProperties: false },
);
type PolicyBodyType = Static<typeof PolicyBody>;

const PolicyVersionSchema = Type.Object({
  version: Type.Integer(),
  current: Type.Boolean(),
  createdAt: Type.Integer(),
  createdBy: Nullable(Type.String()),
  settings: PolicySettingsViewSchema,
  adminPasswordSet: Type.Boolean(),
  apps: Type.Array(
    Type.Object({ packageName: Type.String(), appVersionId: Nullable(Type.String()), action: ActionSchema }),
  ),
  appliedDevices: Type.Integer({ description: 'Devices of the policy whose last applied version is this one.' }),
});

const RestrictionSchema = Type.Object({
  key: Type.String({ description: 'Android user-restriction key, as UserManager defines it.' }),
  label: Type.String(),
  blocks: Type.String({ description: "What it stops the phone's user from doing." }),
  minSdk: Nullable(Type.Integer({ description: 'API level that introduced it; null when not checked.' })),
  group: Type.String(),
});

export function registerPolicyRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get(
    '/policies',
    { schema: tagged('policies', { summary: 'List policies', response: responses({ 200: Type.Array(PolicySchema) }) }) },
    async (request) => listPolicies(ctx, callerOf(request)),
  );

  app.post<{ Body: PolicyBodyType }>(
    '/policies',
    { schema: tagged('policies', { summary: 'Create a policy', body: PolicyBody, response: responses({ 201: PolicySchema }) }) },
    async (request, reply) => {
      const policy = await createPolicy(ctx, callerOf(request), request.body);
      return reply.code(201).send(policy);
    },
  );

  app.get(
    '/policies/defaults',
    {
      schema: tagged('policies', {
        summary: 'The settings a new policy starts with',
        response: responses({ 200: PolicySettingsViewSchema }),
      }),
    },
    async (request) => getDefaultPolicySettings(callerOf(request)),
  );

  app.get<{ Params: Static<typeof IdParams> }>(
    '/policies/:id',
    { schema: tagged('policies', { summary: 'One policy', params: IdParams, response: responses({ 200: PolicySchema }) }) },
    async (request) => getPolicy(ctx, callerOf(request), request.params.id),
  );

  app.put<{ Params: Static<typeof IdParams>; Body: PolicyBodyType }>(
    '/policies/:id',
    {
      schema: tagged('policies', {
        summary: 'Replace a policy, saving it as a new version',
        params: IdParams,
        body: PolicyBody,
        response: responses({ 200: PolicySchema }),
      }),
    },
    async (request) => updatePolicy(ctx, callerOf(request), request.params.id, request.body),
  );

  app.get<{ Params: Static<typeof IdParams> }>(
    '/policies/:id/versions',
    {
      schema: tagged('policies', {
        summary: 'Saved versions of a policy, newest first, with the devices that applied each',
        params: IdParams,
        response: responses({ 200: Type.Array(PolicyVersionSchema) }),
      }),
    },
    async (request) => listPolicyVersions(ctx, callerOf(request), request.params.id),
  );

  app.get(
    '/restrictions',
    {
      schema: tagged('policies', {
        summary: 'The restriction catalogue: Android user restrictions offered as named switches',
        response: responses({ 200: Type.Array(RestrictionSchema) }),
      }),
    },
    async () => RESTRICTION_CATALOG,
  );

  app.delete<{ Params: Static<typeof IdParams> }>(
    '/policies/:id',
    { schema: tagged('policies', { summary: 'Delete an unused policy', params: IdParams, response: responses({ 204: Type.Null() }) }) },
    async (request, reply) => {
      await deletePolicy(ctx, callerOf(request), request.params.id);
      return reply.code(204).send();
    },
  );
}

import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';

import type { AppContext } from '../../context.js';
import { PolicySettingsSchema } from '../../domain/policy-settings.js';
import { deletePolicy, getPolicy, listPolicies } from '../../services/admin/policies.js';
import {
  createPolicy,
  MAX_POLICY_DESCRIPTION_LENGTH,
  MAX_POLICY_NAME_LENGTH,
  PACKAGE_NAME_PATTERN,
  updatePolicy,
} from '../../services/admin/policy-save.js';
import { IdParams, Nullable, responses, tagged } from '../schemas.js';
import { callerOf } from '../session.js';

const ActionSchema = Type.Union([Type.Literal('install'), Type.Literal('remove')]);

// Policies list a few dozen apps; 500 entries is far past any real policy.
const MAX_POLICY_APPS = 500;

const PolicySchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  description: Type.String(),
  version: Type.Integer({ description: 'Incremented on each save.' }),
  settings: PolicySettingsSchema,
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
      Type.Partial(PolicySettingsSchema, {
        additionalProperties: false,
        description: 'Settings to set; the others take their defaults.',
      }),
    ),
    adminPassword: Type.Optional(
      Type.String({ minLength: 1, maxLength: 200, description: 'Agent admin-panel password; stored only as its MD5.' }),
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

  app.delete<{ Params: Static<typeof IdParams> }>(
    '/policies/:id',
    { schema: tagged('policies', { summary: 'Delete an unused policy', params: IdParams, response: responses({ 204: Type.Null() }) }) },
    async (request, reply) => {
      await deletePolicy(ctx, callerOf(request), request.params.id);
      return reply.code(204).send();
    },
  );
}

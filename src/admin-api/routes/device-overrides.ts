import { Type, type Static, type TSchema } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';

import type { AppContext } from '../../context.js';
import { PolicyOverridesSchema } from '../../domain/policy-rules.js';
import { getDeviceOverrides, saveDeviceOverrides } from '../../services/admin/device-overrides.js';
import { IdParams, Nullable, responses, tagged } from '../schemas.js';
import { callerOf } from '../session.js';
import { PolicySettingsViewSchema } from './policies.js';

/**
 * Copies a schema without its `default` keywords. The response serializer
 * fills in defaults for missing properties, which would show every setting
 * as overridden.
 */
function withoutDefaults(schema: TSchema): TSchema {
  return JSON.parse(JSON.stringify(schema), (key, value: unknown) => (key === 'default' ? undefined : value)) as TSchema;
}

const OverridesSchema = Type.Object({
  devicePk: Type.String(),
  policyId: Nullable(Type.String()),
  overrides: withoutDefaults(PolicyOverridesSchema),
  revision: Type.Integer({ description: 'Incremented on each change; 0 before the first.' }),
  updatedAt: Nullable(Type.Integer()),
  updatedBy: Nullable(Type.String()),
  policySettings: PolicySettingsViewSchema,
  effective: PolicySettingsViewSchema,
  ignoredOverridesReason: Nullable(
    Type.String({
      description: 'Why the configuration leaves the overrides out, because with the current policy they break a rule; null when they apply.',
    }),
  ),
});

// A list setting such as restrictions replaces the policy's list; an empty
// settings object clears the overrides.
const OverridesBody = Type.Object({ settings: PolicyOverridesSchema }, { additionalProperties: false });

export function registerDeviceOverrideRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get<{ Params: Static<typeof IdParams> }>(
    '/devices/:id/overrides',
    {
      schema: tagged('devices', {
        summary: "The device's setting overrides and its effective settings",
        params: IdParams,
        response: responses({ 200: OverridesSchema }),
      }),
    },
    async (request) => getDeviceOverrides(ctx, callerOf(request), request.params.id),
  );

  app.put<{ Params: Static<typeof IdParams>; Body: { settings: Static<typeof PolicyOverridesSchema> } }>(
    '/devices/:id/overrides',
    {
      schema: tagged('devices', {
        summary: "Replace the device's setting overrides and wake the device",
        params: IdParams,
        body: OverridesBody,
        response: responses({ 200: OverridesSchema }),
      }),
    },
    async (request) => saveDeviceOverrides(ctx, callerOf(request), request.params.id, request.body.settings),
  );

  app.delete<{ Params: Static<typeof IdParams> }>(
    '/devices/:id/overrides',
    {
      schema: tagged('devices', {
        summary: "Clear the device's setting overrides and wake the device",
        params: IdParams,
        response: responses({ 200: OverridesSchema }),
      }),
    },
    async (request) => saveDeviceOverrides(ctx, callerOf(request), request.params.id, {}),
  );
}

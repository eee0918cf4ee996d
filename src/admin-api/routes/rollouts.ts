import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';

import type { AppContext } from '../../context.js';
import type { RolloutAction } from '../../domain/rollout-plan.js';
import { changeRolloutState, getRollout, listRollouts, retryFailedDevices } from '../../services/rollouts/rollout-control.js';
import { createRollout } from '../../services/rollouts/rollout-create.js';
import { getRolloutProgress } from '../../services/rollouts/rollout-progress.js';
import { PACKAGE_NAME_PATTERN } from '../../services/admin/policy-save.js';
import { IdParams, Nullable, responses, tagged } from '../schemas.js';
import { callerOf } from '../session.js';
import { ScopeBody, ScopeSchema } from './scope-schema.js';

const StateSchema = Type.Union([
  Type.Literal('draft'),
  Type.Literal('running'),
  Type.Literal('paused'),
  Type.Literal('halted'),
  Type.Literal('complete'),
]);
const DeviceStatusSchema = Type.Union([
  Type.Literal('pending'),
  Type.Literal('downloading'),
  Type.Literal('installed'),
  Type.Literal('failed'),
  Type.Literal('incompatible'),
]);

const StageSchema = Type.Object(
  {
    startsAt: Type.Integer({ minimum: 0, description: 'Start time, milliseconds since the epoch; rising from stage to stage.' }),
    percent: Type.Number({ exclusiveMinimum: 0, maximum: 100, description: 'Share of in-scope devices; rising from stage to stage.' }),
    failureThreshold: Type.Number({ minimum: 0, maximum: 100, description: 'Failure percentage above which the rollout halts.' }),
  },
  { additionalProperties: false },
);

const RolloutSchema = Type.Object({
  id: Type.String(),
  packageName: Type.String(),
  appVersionId: Type.String(),
  targetVersionCode: Type.Integer(),
  targetVersionName: Nullable(Type.String()),
  state: StateSchema,
  scope: ScopeSchema,
  stages: Type.Array(StageSchema),
  currentStage: Type.Integer({ description: 'Index of the last stage that has started; -1 before the first.' }),
  signerChanged: Type.Boolean(),
  warnings: Type.Array(Type.String(), { description: 'Each starts with a code, e.g. "signer_changed: …".' }),
  haltReason: Nullable(Type.String()),
  createdAt: Type.Integer(),
  createdBy: Nullable(Type.String()),
  updatedAt: Type.Integer(),
});

const RolloutBody = Type.Object(
  {
    packageName: Type.String({ pattern: PACKAGE_NAME_PATTERN, maxLength: 255 }),
    appVersionId: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    versionCode: Type.Optional(Type.Integer({ minimum: 1 })),
    scope: Type.Optional(ScopeBody),
    stages: Type.Array(StageSchema, { description: 'At least one stage; at most 20.' }),
    start: Type.Optional(Type.Boolean({ description: 'Start at once instead of saving a draft.' })),
  },
  { additionalProperties: false },
);

const HaltBody = Type.Object({ reason: Type.Optional(Type.String({ maxLength: 500 })) }, { additionalProperties: false });
const RetryBody = Type.Object(
  { deviceIds: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 200 }), { maxItems: 10_000, description: 'Device record ids; all failed devices when absent.' })) },
  { additionalProperties: false },
);

const StageCounts = {
  pending: Type.Integer(),
  downloading: Type.Integer(),
  installed: Type.Integer(),
  failed: Type.Integer(),
  incompatible: Type.Integer(),
};

const ProgressSchema = Type.Object({
  rolloutId: Type.String(),
  state: StateSchema,
  currentStage: Type.Integer(),
  devicesInScope: Type.Integer(),
  stages: Type.Array(
    Type.Object({ index: Type.Integer(), startsAt: Type.Integer(), percent: Type.Number(), failureThreshold: Type.Number(), started: Type.Boolean(), devices: Type.Integer(), ...StageCounts }),
  ),
  totals: Type.Object({ ...StageCounts, notSelected: Type.Integer() }),
  dataCost: Type.Object({
    apkBytes: Type.Integer(),
    devicesToDownload: Type.Integer(),
    estimatedBytes: Type.Integer({ description: 'APK size × devicesToDownload.' }),
    servedBytes: Type.Integer({ description: 'Bytes of the target sent to in-scope devices.' }),
  }),
  devices: Type.Object({
    items: Type.Array(
      Type.Object({
        id: Type.String(),
        deviceId: Type.String(),
        stage: Type.Integer(),
        pilot: Type.Boolean(),
        status: Type.Union([DeviceStatusSchema, Type.Literal('not_selected')]),
        offers: Type.Integer(),
        installedVersionCode: Nullable(Type.Integer()),
        bytesServed: Type.Integer(),
        lastOfferedAt: Nullable(Type.Integer()),
      }),
    ),
    nextCursor: Nullable(Type.String()),
  }),
});

const ProgressQuery = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
    cursor: Type.Optional(Type.String({ maxLength: 20 })),
    status: Type.Optional(Type.Union([DeviceStatusSchema, Type.Literal('not_selected')])),
  },
  { additionalProperties: false },
);

const ACTIONS: ReadonlyArray<[RolloutAction, string]> = [
  ['start', 'Start a draft rollout'],
  ['pause', 'Pause a running rollout; no device is offered the target until resumed'],
  ['resume', 'Resume a paused or halted rollout'],
  ['complete', 'Close a rollout; its package may then get a new one'],
];

export function registerRolloutRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get('/rollouts', { schema: tagged('rollouts', { summary: 'List rollouts, newest first', response: responses({ 200: Type.Array(RolloutSchema) }) }) }, async (request) =>
    listRollouts(ctx, callerOf(request)),
  );

  app.post<{ Body: Static<typeof RolloutBody> }>(
    '/rollouts',
    { schema: tagged('rollouts', { summary: 'Create a rollout', body: RolloutBody, response: responses({ 201: RolloutSchema }) }) },
    async (request, reply) => reply.code(201).send(await createRollout(ctx, callerOf(request), request.body)),
  );

  app.get<{ Params: Static<typeof IdParams> }>(
    '/rollouts/:id',
    { schema: tagged('rollouts', { summary: 'One rollout', params: IdParams, response: responses({ 200: RolloutSchema }) }) },
    async (request) => getRollout(ctx, callerOf(request), request.params.id),
  );

  app.get<{ Params: Static<typeof IdParams>; Querystring: Static<typeof ProgressQuery> }>(
    '/rollouts/:id/progress',
    {
      schema: tagged('rollouts', {
        summary: 'Per-stage counts, data cost and a page of the device table',
        params: IdParams,
        querystring: ProgressQuery,
        response: responses({ 200: ProgressSchema }),
      }),
    },
    async (request) => getRolloutProgress(ctx, callerOf(request), request.params.id, request.query),
  );

  for (const [action, summary] of ACTIONS) {
    app.post<{ Params: Static<typeof IdParams> }>(
      `/rollouts/:id/${action}`,
      { schema: tagged('rollouts', { summary, params: IdParams, response: responses({ 200: RolloutSchema }) }) },
      async (request) => changeRolloutState(ctx, callerOf(request), request.params.id, action),
    );
  }

  app.post<{ Params: Static<typeof IdParams>; Body: Static<typeof HaltBody> | undefined }>(
    '/rollouts/:id/halt',
    { schema: tagged('rollouts', { summary: 'Halt a rollout; resume it or complete it later', params: IdParams, body: Type.Optional(HaltBody), response: responses({ 200: RolloutSchema }) }) },
    async (request) => changeRolloutState(ctx, callerOf(request), request.params.id, 'halt', request.body?.reason),
  );

  app.post<{ Params: Static<typeof IdParams>; Body: Static<typeof RetryBody> | undefined }>(
    '/rollouts/:id/retry',
    {
      schema: tagged('rollouts', {
        summary: 'Offer the target again to failed devices',
        params: IdParams,
        body: Type.Optional(RetryBody),
        response: responses({ 200: Type.Object({ retried: Type.Integer() }) }),
      }),
    },
    async (request) => retryFailedDevices(ctx, callerOf(request), request.params.id, request.body?.deviceIds ?? null),
  );
}

import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';

import type { AppContext } from '../../context.js';
import { startDhis2Sync } from '../../services/admin/dhis2-sync.js';
import {
  getSyncRun,
  getSyncStatus,
  listSyncRuns,
  MAX_SYNC_INTERVAL_MINUTES,
  MIN_SYNC_INTERVAL_MINUTES,
  saveSyncSettings,
} from '../../services/admin/dhis2-sync-status.js';
import { IdParams, Nullable, responses, tagged } from '../schemas.js';
import { callerOf } from '../session.js';

const Counts = Type.Object({ added: Type.Integer(), changed: Type.Integer(), removed: Type.Integer() });

const SyncRunSchema = Type.Object({
  id: Type.String(),
  trigger: Type.String({ description: 'manual or schedule' }),
  actor: Type.String(),
  mode: Type.String({ description: 'full or incremental' }),
  state: Type.Union([Type.Literal('running'), Type.Literal('succeeded'), Type.Literal('failed')]),
  phase: Type.String(),
  done: Type.Integer(),
  total: Type.Integer(),
  startedAt: Type.Integer(),
  finishedAt: Nullable(Type.Integer()),
  dhis2Version: Nullable(Type.String()),
  units: Counts,
  users: Counts,
  groups: Counts,
  error: Nullable(Type.String({ description: 'Why the run failed; nothing of a failed run is saved.' })),
  warnings: Type.Array(Type.String()),
  changes: Type.Array(
    Type.Object({
      kind: Type.String(),
      change: Type.String(),
      id: Type.String(),
      name: Type.String(),
      detail: Type.Optional(Type.String()),
    }),
    { description: 'A sample of what changed, at most 100 per kind and change.' },
  ),
});

const SettingsSchema = Type.Object(
  {
    enabled: Type.Boolean(),
    intervalMinutes: Type.Integer({ minimum: MIN_SYNC_INTERVAL_MINUTES, maximum: MAX_SYNC_INTERVAL_MINUTES }),
  },
  { additionalProperties: false },
);

const StatusSchema = Type.Object({
  configured: Type.Boolean(),
  settings: SettingsSchema,
  running: Nullable(SyncRunSchema),
  lastSucceeded: Nullable(SyncRunSchema),
  nextRunAt: Nullable(Type.Integer()),
  totals: Type.Object({ units: Type.Integer(), users: Type.Integer() }),
});

const StartBody = Type.Object(
  { full: Type.Optional(Type.Boolean({ description: 'Read everything even when an incremental run would do.' })) },
  { additionalProperties: false },
);
const RunsQuery = Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })) }, { additionalProperties: false });

export function registerDhis2SyncRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get(
    '/dhis2/sync',
    { schema: tagged('dhis2', { summary: 'Show the sync schedule, a running sync and the last good one', response: responses({ 200: StatusSchema }) }) },
    async (request) => getSyncStatus(ctx, callerOf(request)),
  );

  app.put<{ Body: Static<typeof SettingsSchema> }>(
    '/dhis2/sync/settings',
    { schema: tagged('dhis2', { summary: 'Set the sync schedule', body: SettingsSchema, response: responses({ 200: SettingsSchema }) }) },
    async (request) => saveSyncSettings(ctx, callerOf(request), request.body),
  );

  app.post<{ Body: Static<typeof StartBody> }>(
    '/dhis2/sync/runs',
    {
      schema: tagged('dhis2', {
        summary: 'Start a sync now; it runs in the background, follow it with GET /dhis2/sync/runs/{id}',
        body: StartBody,
        response: responses({ 202: SyncRunSchema }),
      }),
    },
    async (request, reply) => {
      const run = await startDhis2Sync(ctx, callerOf(request), { full: request.body.full });
      return reply.code(202).send(run);
    },
  );

  app.get<{ Querystring: Static<typeof RunsQuery> }>(
    '/dhis2/sync/runs',
    { schema: tagged('dhis2', { summary: 'List sync runs, newest first', querystring: RunsQuery, response: responses({ 200: Type.Array(SyncRunSchema) }) }) },
    async (request) => listSyncRuns(ctx, callerOf(request), request.query.limit),
  );

  app.get<{ Params: Static<typeof IdParams> }>(
    '/dhis2/sync/runs/:id',
    { schema: tagged('dhis2', { summary: 'Show one sync run with its progress or result', params: IdParams, response: responses({ 200: SyncRunSchema }) }) },
    async (request) => getSyncRun(ctx, callerOf(request), request.params.id),
  );
}

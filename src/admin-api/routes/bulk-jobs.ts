import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';

import type { AppContext } from '../../context.js';
import { CONTACT_STATES } from '../../domain/contact-state.js';
import {
  cancelBulkJob,
  getBulkJob,
  listBulkJobDevices,
  listBulkJobs,
  MAX_BULK_DEVICES,
  previewSelection,
  startBulkJob,
} from '../../services/admin/bulk-jobs.js';
import { IdParams, Nullable, Page, responses, tagged } from '../schemas.js';
import { callerOf } from '../session.js';
import { CommandStateSchema, CommandTypeSchema, commandParameterProperties } from './device-commands.js';

const SelectionSchema = Type.Object(
  {
    filters: Type.Optional(
      Type.Object(
        {
          search: Type.Optional(Type.String({ maxLength: 100, description: 'Part of a device id, serial, IMEI or model.' })),
          orgUnitId: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: "Devices in this org unit's subtree." })),
          dhis2UserId: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
          contactState: Type.Optional(Type.Union(CONTACT_STATES.map((state) => Type.Literal(state)))),
        },
        { additionalProperties: false, description: 'The device list filters; {} selects every device you may see.' },
      ),
    ),
    deviceIds: Type.Optional(
      Type.Array(Type.String({ minLength: 1, maxLength: 200 }), { minItems: 1, maxItems: MAX_BULK_DEVICES, description: 'Device record ids.' }),
    ),
  },
  { additionalProperties: false },
);

const BulkJobBody = Type.Object(
  { type: CommandTypeSchema, selection: SelectionSchema, ...commandParameterProperties },
  { additionalProperties: false },
);

const DeviceCounts = Type.Object({
  pending: Type.Integer(),
  done: Type.Integer(),
  skipped: Type.Integer(),
  failed: Type.Integer(),
  cancelled: Type.Integer(),
});

const BulkJobSchema = Type.Object({
  id: Type.String(),
  type: Type.String(),
  state: Type.Union(['queued', 'running', 'completed', 'cancelled'].map((state) => Type.Literal(state))),
  parameters: Type.Record(Type.String(), Type.Unknown()),
  selection: Type.Unknown(),
  expiresInHours: Nullable(Type.Integer()),
  total: Type.Integer(),
  devices: DeviceCounts,
  commands: Type.Record(Type.String(), Type.Integer(), { description: 'Commands of the job per state.' }),
  createdBy: Type.String(),
  createdAt: Type.Integer(),
  startedAt: Nullable(Type.Integer()),
  finishedAt: Nullable(Type.Integer()),
  cancelledBy: Nullable(Type.String()),
});

const DEVICE_STATES = ['pending', 'done', 'skipped', 'failed', 'cancelled'] as const;
const DeviceStateSchema = Type.Union(DEVICE_STATES.map((state) => Type.Literal(state)));

const BulkDeviceSchema = Type.Object({
  position: Type.Integer(),
  id: Type.String(),
  deviceId: Nullable(Type.String()),
  state: DeviceStateSchema,
  commandId: Nullable(Type.String()),
  commandState: Nullable(CommandStateSchema),
  detail: Nullable(Type.String()),
  updatedAt: Type.Integer(),
});

const JobListQuery = Type.Object(
  { limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })), cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })) },
  { additionalProperties: false },
);

const DeviceListQuery = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
    after: Type.Optional(Type.Integer({ minimum: 0, description: 'Position of the last device of the previous page.' })),
    state: Type.Optional(DeviceStateSchema),
  },
  { additionalProperties: false },
);

export function registerBulkJobRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.post<{ Body: Static<typeof BulkJobBody> }>(
    '/bulk-jobs',
    {
      schema: tagged('bulk-jobs', {
        'x-role': 'operator',
        summary: 'Send a command to a selection of devices in the background',
        description: `At most ${MAX_BULK_DEVICES} devices. A bulk wipe needs the admin role and confirmation.password and confirmation.deviceCount.`,
        body: BulkJobBody,
        response: responses({ 200: BulkJobSchema }),
      }),
    },
    async (request) => startBulkJob(ctx, callerOf(request), request.body),
  );

  app.post<{ Body: { selection: Static<typeof SelectionSchema> } }>(
    '/bulk-jobs/preview',
    {
      schema: tagged('bulk-jobs', {
        'x-role': 'operator',
        summary: 'Count the devices of a selection',
        body: Type.Object({ selection: SelectionSchema }, { additionalProperties: false }),
        response: responses({ 200: Type.Object({ devices: Type.Integer() }) }),
      }),
    },
    async (request) => previewSelection(ctx, callerOf(request), request.body.selection),
  );

  app.get<{ Querystring: Static<typeof JobListQuery> }>(
    '/bulk-jobs',
    { schema: tagged('bulk-jobs', { summary: 'Bulk jobs, newest first', querystring: JobListQuery, response: responses({ 200: Page(BulkJobSchema) }) }) },
    async (request) => listBulkJobs(ctx, callerOf(request), request.query),
  );

  app.get<{ Params: Static<typeof IdParams> }>(
    '/bulk-jobs/:id',
    { schema: tagged('bulk-jobs', { summary: 'One bulk job with its progress', params: IdParams, response: responses({ 200: BulkJobSchema }) }) },
    async (request) => getBulkJob(ctx, callerOf(request), request.params.id),
  );

  app.get<{ Params: Static<typeof IdParams>; Querystring: Static<typeof DeviceListQuery> }>(
    '/bulk-jobs/:id/devices',
    {
      schema: tagged('bulk-jobs', {
        summary: 'Result per device of a bulk job',
        params: IdParams,
        querystring: DeviceListQuery,
        response: responses({ 200: Type.Object({ items: Type.Array(BulkDeviceSchema), nextAfter: Nullable(Type.Integer()) }) }),
      }),
    },
    async (request) => listBulkJobDevices(ctx, callerOf(request), request.params.id, request.query),
  );

  app.post<{ Params: Static<typeof IdParams> }>(
    '/bulk-jobs/:id/cancel',
    {
      schema: tagged('bulk-jobs', {
        'x-role': 'operator',
        summary: 'Cancel a bulk job',
        description: 'A bulk wipe can be cancelled by an admin only.',
        params: IdParams,
        response: responses({ 200: BulkJobSchema }),
      }),
    },
    async (request) => cancelBulkJob(ctx, callerOf(request), request.params.id),
  );
}

import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';

import type { AppContext } from '../../context.js';
import { getDevice } from '../../services/admin/device-detail.js';
import { DEVICE_SORTS, listDevices, MAX_SEARCH_LENGTH } from '../../services/admin/device-list.js';
import { updateDevice } from '../../services/admin/device-update.js';
import { getFleetSummary } from '../../services/admin/fleet-summary.js';
import { IdParams, Nullable, Page, responses, tagged } from '../schemas.js';
import { ContactStateSchema } from './contact-state.js';
import { callerOf } from '../session.js';

const Location = Type.Object({ lat: Type.Number(), lon: Type.Number(), at: Type.Integer() });

export const CommandSchema = Type.Object({
  id: Type.String(),
  type: Type.String(),
  state: Type.Union(['queued', 'sent', 'confirmed', 'failed', 'expired', 'cancelled'].map((state) => Type.Literal(state))),
  createdBy: Nullable(Type.String()),
  createdAt: Type.Integer(),
  updatedAt: Type.Integer(),
  expiresAt: Nullable(Type.Integer()),
});

const deviceSummaryProperties = {
  id: Type.String(),
  deviceId: Type.String(),
  serial: Nullable(Type.String()),
  imei: Nullable(Type.String()),
  model: Nullable(Type.String()),
  androidVersion: Nullable(Type.String()),
  agentVersion: Nullable(Type.String()),
  batteryLevel: Nullable(Type.Integer()),
  batteryCharging: Nullable(Type.String()),
  policyId: Nullable(Type.String()),
  policyName: Nullable(Type.String()),
  orgUnitId: Nullable(Type.String()),
  dhis2UserId: Nullable(Type.String({ description: 'DHIS2 user uid of the health worker who carries the phone.' })),
  dhis2Username: Nullable(Type.String({ description: 'That DHIS2 username, when the DHIS2 sync knows the user.' })),
  enrolmentGeneration: Type.Integer(),
  enrolledAt: Type.Integer(),
  lastContactAt: Nullable(Type.Integer()),
  status: ContactStateSchema,
  lastLocation: Nullable(Location),
};

const DeviceSummarySchema = Type.Object(deviceSummaryProperties);

const DeviceDetailSchema = Type.Object({
  ...deviceSummaryProperties,
  imei2: Nullable(Type.String()),
  cpu: Nullable(Type.String()),
  mdmMode: Nullable(Type.Integer()),
  agentPackage: Nullable(Type.String()),
  launcherType: Nullable(Type.String()),
  installedApps: Type.Array(
    Type.Object({
      packageName: Type.String(),
      versionName: Nullable(Type.String()),
      versionCode: Nullable(Type.Integer()),
      expectedVersionCode: Nullable(Type.Integer()),
      upToDate: Nullable(Type.Boolean()),
    }),
  ),
  rawInfo: Type.Unknown({ description: 'Last device-info body the agent sent, as received.' }),
  recentLocations: Type.Array(Location),
  commands: Type.Array(CommandSchema),
});

const DeviceListQuery = Type.Object(
  {
    search: Type.Optional(Type.String({ maxLength: MAX_SEARCH_LENGTH, description: 'Start of a device id, serial, IMEI or model, or of a word in one, ignoring case. Words split at any character that is not a letter or digit. kono finds chw-kono-001, ono does not.' })),
    contactState: Type.Optional(ContactStateSchema),
    sort: Type.Optional(Type.Union(DEVICE_SORTS.map((sort) => Type.Literal(sort)))),
    order: Type.Optional(Type.Union([Type.Literal('asc'), Type.Literal('desc')])),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })),
    cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 2000 })),
    orgUnitId: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: "Only devices in this org unit's subtree." })),
    dhis2UserId: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'Only devices assigned to this DHIS2 user uid.' })),
  },
  { additionalProperties: false },
);

const DeviceChangesBody = Type.Object(
  {
    policyId: Type.Optional(Nullable(Type.String({ minLength: 1, maxLength: 200 }))),
    orgUnitId: Type.Optional(Nullable(Type.String({ minLength: 1, maxLength: 200 }))),
    dhis2UserId: Type.Optional(Nullable(Type.String({ minLength: 1, maxLength: 64, description: 'DHIS2 user uid of the health worker.' }))),
  },
  { additionalProperties: false },
);

const FleetSummarySchema = Type.Object({
  total: Type.Integer(),
  online: Type.Integer(),
  late: Type.Integer({ description: 'Devices past the online threshold and not yet offline.' }),
  offline: Type.Integer(),
  neverContacted: Type.Integer(),
  enrolledToday: Type.Integer({ description: 'Devices enrolled since midnight UTC.' }),
});

export function registerDeviceRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get(
    '/fleet/summary',
    { schema: tagged('devices', { summary: 'Device counts by status', response: responses({ 200: FleetSummarySchema }) }) },
    async (request) => getFleetSummary(ctx, callerOf(request)),
  );

  app.get<{ Querystring: Static<typeof DeviceListQuery> }>(
    '/devices',
    {
      schema: tagged('devices', {
        summary: 'List devices a page at a time',
        querystring: DeviceListQuery,
        response: responses({ 200: Page(DeviceSummarySchema) }),
      }),
    },
    async (request) => listDevices(ctx, callerOf(request), request.query),
  );

  app.get<{ Params: Static<typeof IdParams> }>(
    '/devices/:id',
    { schema: tagged('devices', { summary: 'One device', params: IdParams, response: responses({ 200: DeviceDetailSchema }) }) },
    async (request) => getDevice(ctx, callerOf(request), request.params.id),
  );

  app.patch<{ Params: Static<typeof IdParams>; Body: Static<typeof DeviceChangesBody> }>(
    '/devices/:id',
    {
      schema: tagged('devices', {
        summary: "Change a device's policy or org unit",
        params: IdParams,
        body: DeviceChangesBody,
        response: responses({ 200: DeviceDetailSchema }),
      }),
    },
    async (request) => updateDevice(ctx, callerOf(request), request.params.id, request.body),
  );
}

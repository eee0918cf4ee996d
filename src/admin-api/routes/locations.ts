import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply } from 'fastify';

import type { AppContext } from '../../context.js';
import { EXPORT_FORMATS } from '../../domain/location-export.js';
import { listFleetPositions, getDeviceTrack } from '../../services/admin/locations.js';
import { exportDeviceTrack, exportFleetPositions, type ExportFile } from '../../services/admin/locations-export.js';
import { getMapSettings } from '../../services/admin/map-settings.js';
import { IdParams, Nullable, responses, tagged } from '../schemas.js';
import { callerOf } from '../session.js';
import { ContactStateSchema } from './contact-state.js';

// Time parameters are parsed in the service, which names the parameter in
// its message; the length bound only stops oversized input early.
const TimeText = (description: string) => Type.String({ minLength: 1, maxLength: 40, description });
const FROM = TimeText('Start of the period: ISO 8601 with a zone (2026-03-01T08:00:00+01:00) or epoch ms. Default: 24 hours before to.');
const TO = TimeText('End of the period, inclusive: ISO 8601 with a zone or epoch ms. Default: now.');
const FormatSchema = Type.Union(EXPORT_FORMATS.map((format) => Type.Literal(format)));

const TrackQuery = Type.Object({ from: Type.Optional(FROM), to: Type.Optional(TO) }, { additionalProperties: false });
const TrackExportQuery = Type.Object(
  { from: Type.Optional(FROM), to: Type.Optional(TO), format: FormatSchema },
  { additionalProperties: false },
);
const FleetQuery = Type.Object(
  { since: Type.Optional(TimeText('Leave out devices whose last fix is older: ISO 8601 with a zone or epoch ms.')) },
  { additionalProperties: false },
);
const FleetExportQuery = Type.Object(
  { since: Type.Optional(TimeText('Leave out devices whose last fix is older.')), format: FormatSchema },
  { additionalProperties: false },
);

const TrackSchema = Type.Object({
  deviceId: Type.String(),
  from: Type.Integer(),
  to: Type.Integer(),
  points: Type.Array(
    Type.Object({
      at: Type.Integer({ description: 'When the phone took the fix, epoch ms.' }),
      lat: Type.Number(),
      lon: Type.Number(),
      receivedAt: Type.Integer({ description: 'When Outpost received the report, epoch ms.' }),
    }),
    { description: 'Ordered by the time the phone took each fix, oldest first.' },
  ),
  truncated: Type.Boolean({ description: 'True when the period held more points than one response carries; the newest are listed.' }),
  rejections: Type.Array(
    Type.Object({
      reason: Type.String({ description: 'invalid_coordinates, null_island, future_time or invalid_time.' }),
      count: Type.Integer(),
      firstAt: Type.Integer(),
      lastAt: Type.Integer(),
      lastFix: Type.Object({ at: Nullable(Type.Integer()), lat: Nullable(Type.Number()), lon: Nullable(Type.Number()) }),
    }),
  ),
  rejectedTotal: Type.Integer({ description: 'Reports whose fix was kept out of the track, over the device history.' }),
});

const FleetPositionSchema = Type.Object({
  id: Type.String(),
  deviceId: Type.String(),
  model: Nullable(Type.String()),
  serial: Nullable(Type.String()),
  orgUnitId: Nullable(Type.String()),
  batteryLevel: Nullable(Type.Integer()),
  lastContactAt: Nullable(Type.Integer()),
  status: ContactStateSchema,
  lat: Type.Number(),
  lon: Type.Number(),
  at: Type.Integer({ description: 'When the phone took its last fix, epoch ms.' }),
  lostModeSince: Nullable(Type.Integer()),
});

const MapSettingsSchema = Type.Object({
  urlTemplate: Type.String({ description: 'Leaflet tile URL template with {z}, {x} and {y}.' }),
  attribution: Type.String(),
});

const FileSchema = Type.String({ description: 'GeoJSON (application/geo+json) or CSV (text/csv, UTF-8 with BOM).' });

function sendFile(reply: FastifyReply, file: ExportFile) {
  return reply
    .type(file.mediaType)
    .header('content-disposition', `attachment; filename="${file.fileName}"`)
    .header('cache-control', 'no-store')
    .header('x-outpost-truncated', String(file.truncated))
    .send(file.body);
}

export function registerLocationRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get(
    '/map/settings',
    { schema: tagged('locations', { summary: 'Tile source of the console maps', response: responses({ 200: MapSettingsSchema }) }) },
    async (request) => getMapSettings(ctx, callerOf(request)),
  );

  app.get<{ Params: Static<typeof IdParams>; Querystring: Static<typeof TrackQuery> }>(
    '/devices/:id/locations',
    {
      schema: tagged('locations', {
        summary: "A device's track over a period, and its rejected fixes",
        params: IdParams,
        querystring: TrackQuery,
        response: responses({ 200: TrackSchema }),
      }),
    },
    async (request) => getDeviceTrack(ctx, callerOf(request), request.params.id, request.query),
  );

  app.get<{ Params: Static<typeof IdParams>; Querystring: Static<typeof TrackExportQuery> }>(
    '/devices/:id/locations/export',
    {
      schema: tagged('locations', {
        summary: "Download a device's track as GeoJSON or CSV",
        params: IdParams,
        querystring: TrackExportQuery,
        response: responses({ 200: FileSchema }),
      }),
    },
    async (request, reply) => sendFile(reply, await exportDeviceTrack(ctx, callerOf(request), request.params.id, request.query)),
  );

  app.get<{ Querystring: Static<typeof FleetQuery> }>(
    '/locations/fleet',
    {
      schema: tagged('locations', {
        summary: 'Last position of every device that has one',
        querystring: FleetQuery,
        response: responses({ 200: Type.Object({ items: Type.Array(FleetPositionSchema) }) }),
      }),
    },
    async (request) => listFleetPositions(ctx, callerOf(request), request.query),
  );

  app.get<{ Querystring: Static<typeof FleetExportQuery> }>(
    '/locations/fleet/export',
    {
      schema: tagged('locations', {
        summary: 'Download the last positions of the fleet as GeoJSON or CSV',
        querystring: FleetExportQuery,
        response: responses({ 200: FileSchema }),
      }),
    },
    async (request, reply) => sendFile(reply, await exportFleetPositions(ctx, callerOf(request), request.query)),
  );
}

import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';

import type { AppContext } from '../../context.js';
import { MAX_DEVICE_ID_LENGTH } from '../../domain/device-id.js';
import { WIFI_SECURITY_TYPES } from '../../domain/provisioning.js';
import {
  createEnrolmentToken,
  listEnrolmentTokens,
  MAX_TOKEN_HOURS,
  MAX_TOKEN_LABEL_LENGTH,
  revokeEnrolmentToken,
} from '../../services/admin/enrolment-tokens.js';
import {
  DEFAULT_QR_PIXELS,
  getProvisioningPayload,
  getProvisioningPng,
  MAX_QR_PIXELS,
  MIN_QR_PIXELS,
} from '../../services/admin/provisioning-qr.js';
import { IdParams, Nullable, responses, tagged } from '../schemas.js';
import { callerOf } from '../session.js';

const DeviceIdSourceSchema = Type.Union([Type.Literal('serial'), Type.Literal('imei')]);

// Token uses beyond a million would outnumber any programme's fleet.
const MAX_TOKEN_USES = 1_000_000;

const TokenSchema = Type.Object({
  id: Type.String({ description: 'The token itself; the QR code carries it as com.hmdm.CONFIG.' }),
  policyId: Type.String(),
  policyName: Nullable(Type.String()),
  orgUnitId: Nullable(Type.String()),
  dhis2UserId: Nullable(Type.String({ description: 'DHIS2 user uid the enrolled phone is assigned to.' })),
  presetDeviceId: Nullable(Type.String()),
  deviceIdSource: Nullable(DeviceIdSourceSchema),
  label: Type.String(),
  expiresAt: Nullable(Type.Integer()),
  usesLeft: Nullable(Type.Integer({ description: 'Null for no limit.' })),
  revokedAt: Nullable(Type.Integer()),
  createdAt: Type.Integer(),
  qrJsonUrl: Type.String(),
  qrPngUrl: Type.String(),
});

const TokenBody = Type.Object(
  {
    policyId: Type.String({ minLength: 1, maxLength: 200 }),
    orgUnitId: Type.Optional(Nullable(Type.String({ minLength: 1, maxLength: 64 }))),
    dhis2UserId: Type.Optional(Nullable(Type.String({ minLength: 1, maxLength: 64 }))),
    presetDeviceId: Type.Optional(Nullable(Type.String({ minLength: 1, maxLength: MAX_DEVICE_ID_LENGTH }))),
    deviceIdSource: Type.Optional(Nullable(DeviceIdSourceSchema)),
    label: Type.Optional(Type.String({ maxLength: MAX_TOKEN_LABEL_LENGTH })),
    expiresInHours: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_TOKEN_HOURS, description: 'Default 168 (one week).' })),
    maxUses: Type.Optional(Nullable(Type.Integer({ minimum: 1, maximum: MAX_TOKEN_USES, description: 'Null or absent: no limit.' }))),
    // An SSID is at most 32 bytes; a WPA passphrase at most 63 characters.
    wifiSsid: Type.Optional(Type.String({ minLength: 1, maxLength: 32 })),
    wifiPassword: Type.Optional(Type.String({ minLength: 1, maxLength: 63 })),
    wifiSecurity: Type.Optional(Type.Union(WIFI_SECURITY_TYPES.map((type) => Type.Literal(type)))),
    useMobileData: Type.Optional(Type.Boolean({ description: 'Let Android download the agent over mobile data (Android 10+).' })),
  },
  { additionalProperties: false },
);

const QrPngQuery = Type.Object(
  { size: Type.Optional(Type.Integer({ minimum: MIN_QR_PIXELS, maximum: MAX_QR_PIXELS, default: DEFAULT_QR_PIXELS })) },
  { additionalProperties: false },
);

export function registerEnrolmentTokenRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get(
    '/enrolment/tokens',
    { schema: tagged('enrolment', { summary: 'List enrolment tokens', response: responses({ 200: Type.Array(TokenSchema) }) }) },
    async (request) => listEnrolmentTokens(ctx, callerOf(request)),
  );

  app.post<{ Body: Static<typeof TokenBody> }>(
    '/enrolment/tokens',
    { schema: tagged('enrolment', { summary: 'Create an enrolment token', body: TokenBody, response: responses({ 201: TokenSchema }) }) },
    async (request, reply) => {
      const token = await createEnrolmentToken(ctx, callerOf(request), request.body);
      return reply.code(201).send(token);
    },
  );

  app.post<{ Params: Static<typeof IdParams> }>(
    '/enrolment/tokens/:id/revoke',
    { schema: tagged('enrolment', { summary: 'Revoke an enrolment token', params: IdParams, response: responses({ 200: TokenSchema }) }) },
    async (request) => revokeEnrolmentToken(ctx, callerOf(request), request.params.id),
  );

  app.get<{ Params: Static<typeof IdParams> }>(
    '/enrolment/tokens/:id/qr.json',
    {
      schema: tagged('enrolment', {
        summary: 'Provisioning JSON that the QR code encodes',
        params: IdParams,
        response: responses({ 200: Type.Record(Type.String(), Type.Unknown()) }),
      }),
    },
    async (request) => getProvisioningPayload(ctx, callerOf(request), request.params.id),
  );

  app.get<{ Params: Static<typeof IdParams>; Querystring: Static<typeof QrPngQuery> }>(
    '/enrolment/tokens/:id/qr.png',
    {
      schema: tagged('enrolment', {
        summary: 'Provisioning QR code as a PNG',
        params: IdParams,
        querystring: QrPngQuery,
        response: responses({ 200: Type.String({ format: 'binary', description: 'PNG image.' }) }),
      }),
    },
    async (request, reply) => {
      const png = await getProvisioningPng(ctx, callerOf(request), request.params.id, request.query.size);
      // The image carries an enrolment token, so shared caches must not keep it.
      return reply.type('image/png').header('cache-control', 'no-store').send(png);
    },
  );
}

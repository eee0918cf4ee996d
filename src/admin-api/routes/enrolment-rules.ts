import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';

import type { AppContext } from '../../context.js';
import { dismissDeviceIdClaim, listDeviceIdClaims } from '../../services/admin/enrolment-rules-claims.js';
import { getEnrolmentRules, updateEnrolmentRules } from '../../services/admin/enrolment-rules.js';
import {
  addPreregisteredDevices,
  importPreregisteredCsv,
  listPreregisteredDevices,
  MAX_HARDWARE_ID_LENGTH,
  MAX_LABEL_LENGTH,
  MAX_PREREGISTRATION_ROWS,
  removePreregisteredDevice,
} from '../../services/admin/preregistered-devices.js';
import { IdParams, NoContent, Nullable, responses, tagged } from '../schemas.js';
import { callerOf } from '../session.js';

// Times are milliseconds since the epoch; the upper bound is the year 9999.
const Time = Type.Integer({ minimum: 0, maximum: 253_402_300_799_999 });

const RulesSchema = Type.Object({
  open: Type.Boolean({ description: 'Off stops every QR enrolment.' }),
  opensAt: Nullable(Type.Integer({ description: 'Start of the enrolment window, ms since the epoch; null for none.' })),
  closesAt: Nullable(Type.Integer({ description: 'End of the enrolment window, exclusive; null for none.' })),
  requirePreregistered: Type.Boolean({ description: 'Only phones with a listed serial or IMEI stay enrolled.' }),
});

const RulesBody = Type.Object(
  {
    open: Type.Optional(Type.Boolean()),
    opensAt: Type.Optional(Nullable(Time)),
    closesAt: Type.Optional(Nullable(Time)),
    requirePreregistered: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

const PreregisteredSchema = Type.Object({
  hardwareId: Type.String(),
  label: Type.String(),
  createdAt: Type.Integer(),
  createdBy: Nullable(Type.String()),
});

const PreregisteredQuery = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })),
    cursor: Type.Optional(Type.String({ minLength: 1, maxLength: MAX_HARDWARE_ID_LENGTH })),
  },
  { additionalProperties: false },
);

const PreregisterBody = Type.Object(
  {
    devices: Type.Array(
      Type.Object(
        {
          hardwareId: Type.String({ minLength: 1, maxLength: MAX_HARDWARE_ID_LENGTH, description: 'Serial or IMEI.' }),
          label: Type.Optional(Type.String({ maxLength: MAX_LABEL_LENGTH })),
        },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: 1000 },
    ),
  },
  { additionalProperties: false },
);

const ImportResultSchema = Type.Object({
  added: Type.Integer(),
  alreadyListed: Type.Integer(),
  errors: Type.Array(Type.Object({ row: Type.Integer(), value: Type.String(), message: Type.String() })),
});

const HardwareIdParams = Type.Object(
  { hardwareId: Type.String({ minLength: 1, maxLength: MAX_HARDWARE_ID_LENGTH }) },
  { additionalProperties: false },
);

const ClaimSchema = Type.Object({
  devicePk: Type.String(),
  deviceId: Type.String(),
  enrolledSerial: Nullable(Type.String()),
  enrolledImei: Nullable(Type.String()),
  claimantSerial: Nullable(Type.String()),
  claimantImei: Nullable(Type.String()),
  claimantIp: Nullable(Type.String()),
  firstClaimedAt: Type.Integer(),
  lastClaimedAt: Type.Integer(),
  claimCount: Type.Integer(),
});

// About 40 bytes a row, so 100,000 rows fit in 8 MB.
const CSV_BODY_LIMIT_BYTES = 8 * 1024 * 1024;

/** Registers the enrolment rules, the pre-registered serials and IMEIs, and the id-claim flags. */
export function registerEnrolmentRuleRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.addContentTypeParser('text/csv', { parseAs: 'string', bodyLimit: CSV_BODY_LIMIT_BYTES }, (_request, body, done) => done(null, body));

  app.get(
    '/enrolment/rules',
    { schema: tagged('enrolment', { summary: 'Server-wide enrolment rules', response: responses({ 200: RulesSchema }) }) },
    async (request) => getEnrolmentRules(ctx, callerOf(request)),
  );

  app.put<{ Body: Static<typeof RulesBody> }>(
    '/enrolment/rules',
    {
      schema: tagged('enrolment', {
        summary: 'Change the enrolment rules; fields left out keep their value',
        body: RulesBody,
        response: responses({ 200: RulesSchema }),
      }),
    },
    async (request) => updateEnrolmentRules(ctx, callerOf(request), request.body),
  );

  app.get<{ Querystring: Static<typeof PreregisteredQuery> }>(
    '/enrolment/preregistered',
    {
      schema: tagged('enrolment', {
        summary: 'List pre-registered serials and IMEIs',
        querystring: PreregisteredQuery,
        response: responses({
          200: Type.Object({ total: Type.Integer(), items: Type.Array(PreregisteredSchema), nextCursor: Nullable(Type.String()) }),
        }),
      }),
    },
    async (request) => listPreregisteredDevices(ctx, callerOf(request), { limit: request.query.limit ?? 100, cursor: request.query.cursor }),
  );

  app.post<{ Body: Static<typeof PreregisterBody> }>(
    '/enrolment/preregistered',
    {
      schema: tagged('enrolment', {
        summary: 'Add serials or IMEIs; invalid entries are listed in errors and skipped',
        body: PreregisterBody,
        response: responses({ 200: ImportResultSchema }),
      }),
    },
    async (request) => addPreregisteredDevices(ctx, callerOf(request), request.body.devices),
  );

  app.post<{ Body: string }>(
    '/enrolment/preregistered/csv',
    {
      bodyLimit: CSV_BODY_LIMIT_BYTES,
      schema: tagged('enrolment', {
        summary: `Import a text/csv file: serial or IMEI, optional label; at most ${MAX_PREREGISTRATION_ROWS} rows`,
        response: responses({ 200: ImportResultSchema }),
      }),
    },
    async (request) => importPreregisteredCsv(ctx, callerOf(request), request.body),
  );

  app.delete<{ Params: Static<typeof HardwareIdParams> }>(
    '/enrolment/preregistered/:hardwareId',
    { schema: tagged('enrolment', { summary: 'Remove a serial or IMEI', params: HardwareIdParams, response: responses({ 204: NoContent }) }) },
    async (request, reply) => {
      await removePreregisteredDevice(ctx, callerOf(request), request.params.hardwareId);
      return reply.code(204).send();
    },
  );

  app.get(
    '/enrolment/id-claims',
    {
      schema: tagged('enrolment', {
        summary: 'Devices whose id was claimed by another phone',
        response: responses({ 200: Type.Array(ClaimSchema) }),
      }),
    },
    async (request) => listDeviceIdClaims(ctx, callerOf(request)),
  );

  app.delete<{ Params: Static<typeof IdParams> }>(
    '/enrolment/id-claims/:id',
    {
      schema: tagged('enrolment', {
        summary: 'Dismiss the id claim of a device, by device record id',
        'x-role': 'operator',
        params: IdParams,
        response: responses({ 204: NoContent }),
      }),
    },
    async (request, reply) => {
      await dismissDeviceIdClaim(ctx, callerOf(request), request.params.id);
      return reply.code(204).send();
    },
  );
}

import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';

import type { AppContext } from '../../context.js';
import { getDeviceAssignment, listDhis2UsersForAssignment } from '../../services/admin/assignments.js';
import { exportAssignments } from '../../services/admin/assignments-export.js';
import { importAssignments } from '../../services/admin/assignments-import.js';
import { createEnrolmentSheet, MAX_SHEET_SLOTS } from '../../services/admin/enrolment-sheets.js';
import { MAX_TOKEN_HOURS } from '../../services/admin/enrolment-tokens.js';
import { listOrgUnitPolicies, setOrgUnitPolicy } from '../../services/admin/org-unit-policies.js';
import { IdParams, Nullable, responses, tagged } from '../schemas.js';
import { callerOf } from '../session.js';

const NamedRef = Type.Object({ id: Type.String(), name: Nullable(Type.String()) });
const PolicySource = Type.Union(['device', 'org_unit', 'enrolment', 'none'].map((kind) => Type.Literal(kind)));

const AssignmentSchema = Type.Object({
  deviceId: Type.String(),
  orgUnit: Nullable(Type.Object({ id: Type.String(), name: Nullable(Type.String()), path: Nullable(Type.String()) })),
  dhis2User: Nullable(
    Type.Object({
      uid: Type.String(),
      username: Nullable(Type.String()),
      displayName: Nullable(Type.String()),
      disabled: Nullable(Type.Boolean()),
    }),
  ),
  policy: Type.Object({
    effective: Nullable(NamedRef),
    source: PolicySource,
    sourceOrgUnit: Nullable(NamedRef),
    explicit: Nullable(NamedRef),
    enrolment: Nullable(NamedRef),
  }),
});

const Dhis2UserSchema = Type.Object({
  uid: Type.String(),
  username: Type.String(),
  displayName: Type.String(),
  disabled: Type.Boolean(),
  orgUnitIds: Type.Array(Type.String()),
});

const Dhis2UserQuery = Type.Object(
  { orgUnitId: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'Only users of this org unit.' })) },
  { additionalProperties: false },
);

// 4 MiB of CSV contains the 20,000 rows an import accepts, with room to spare.
const MAX_CSV_CHARS = 4 * 1024 * 1024;

const ImportBody = Type.Object(
  {
    csv: Type.String({ minLength: 1, maxLength: MAX_CSV_CHARS, description: 'The sheet as exported, edited in a spreadsheet.' }),
    dryRun: Type.Optional(Type.Boolean({ description: 'Check every row and list the changes without applying them.' })),
  },
  { additionalProperties: false },
);

const Change = Type.Object({ from: Nullable(Type.String()), to: Nullable(Type.String()) });
const ImportResultSchema = Type.Object({
  dryRun: Type.Boolean(),
  applied: Type.Boolean(),
  rows: Type.Integer(),
  changes: Type.Array(
    Type.Object({
      row: Type.Integer(),
      deviceId: Type.String(),
      changes: Type.Object({ dhis2UserId: Type.Optional(Change), orgUnitId: Type.Optional(Change), policyId: Type.Optional(Change) }),
    }),
  ),
});

const OrgUnitPolicySchema = Type.Object({
  orgUnitId: Type.String(),
  orgUnitName: Nullable(Type.String()),
  orgUnitPath: Nullable(Type.String()),
  policyId: Type.String(),
  policyName: Nullable(Type.String()),
  createdAt: Type.Integer(),
  createdBy: Nullable(Type.String()),
});

const OrgUnitPolicyBody = Type.Object(
  { policyId: Nullable(Type.String({ minLength: 1, maxLength: 200, description: 'Null removes the assignment.' })) },
  { additionalProperties: false },
);

const SheetBody = Type.Object(
  {
    orgUnitId: Type.String({ minLength: 1, maxLength: 64 }),
    policyId: Type.String({ minLength: 1, maxLength: 200 }),
    source: Type.Union([Type.Literal('users'), Type.Literal('blank')], {
      description: "'users': one QR per DHIS2 user of the unit; 'blank': count numbered QRs.",
    }),
    includeSubunits: Type.Optional(Type.Boolean({ description: "With source users: also the users of the units below; each QR enrols into the user's own unit." })),
    count: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_SHEET_SLOTS })),
    expiresInHours: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_TOKEN_HOURS })),
  },
  { additionalProperties: false },
);

export function registerAssignmentRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get<{ Params: Static<typeof IdParams> }>(
    '/devices/:id/assignment',
    {
      schema: tagged('assignments', {
        summary: "A device's org unit, health worker and policy source",
        params: IdParams,
        response: responses({ 200: AssignmentSchema }),
      }),
    },
    async (request) => getDeviceAssignment(ctx, callerOf(request), request.params.id),
  );

  app.get<{ Querystring: Static<typeof Dhis2UserQuery> }>(
    '/assignments/dhis2-users',
    {
      schema: tagged('assignments', {
        summary: 'Synced DHIS2 users to assign phones to',
        querystring: Dhis2UserQuery,
        response: responses({ 200: Type.Array(Dhis2UserSchema) }),
      }),
    },
    async (request) => listDhis2UsersForAssignment(ctx, callerOf(request), request.query.orgUnitId),
  );

  app.get(
    '/assignments/export.csv',
    {
      schema: tagged('assignments', {
        summary: 'Device assignments as CSV for spreadsheet programs',
        response: responses({ 200: Type.String({ description: 'UTF-8 CSV with a byte order mark.' }) }),
      }),
    },
    async (request, reply) => {
      const csv = await exportAssignments(ctx, callerOf(request));
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', 'attachment; filename="outpost-assignments.csv"')
        .header('cache-control', 'no-store')
        .send(csv);
    },
  );

  app.post<{ Body: Static<typeof ImportBody> }>(
    '/assignments/import',
    {
      schema: tagged('assignments', {
        summary: 'Import device assignments from CSV; nothing is applied if any row is wrong',
        'x-role': 'operator',
        body: ImportBody,
        response: responses({ 200: ImportResultSchema }),
      }),
    },
    async (request) => importAssignments(ctx, callerOf(request), { csv: request.body.csv, dryRun: request.body.dryRun ?? false }),
  );

  app.get(
    '/org-unit-policies',
    {
      schema: tagged('assignments', {
        summary: 'Policies assigned to org units',
        response: responses({ 200: Type.Array(OrgUnitPolicySchema) }),
      }),
    },
    async (request) => listOrgUnitPolicies(ctx, callerOf(request)),
  );

  app.put<{ Params: Static<typeof IdParams>; Body: Static<typeof OrgUnitPolicyBody> }>(
    '/org-units/:id/policy',
    {
      schema: tagged('assignments', {
        summary: "Set or remove the policy of an org unit's subtree",
        params: IdParams,
        body: OrgUnitPolicyBody,
        response: responses({
          200: Type.Object({ orgUnitId: Type.String(), policyId: Nullable(Type.String()), devicesChanged: Type.Integer() }),
        }),
      }),
    },
    async (request) => setOrgUnitPolicy(ctx, callerOf(request), request.params.id, request.body.policyId),
  );

  app.post<{ Body: Static<typeof SheetBody> }>(
    '/enrolment/sheets',
    {
      schema: tagged('enrolment', {
        summary: 'Create single-use tokens for an org unit and return a printable A4 sheet of QR codes',
        body: SheetBody,
        response: responses({ 200: Type.String({ description: 'HTML page set with print CSS.' }) }),
      }),
    },
    async (request, reply) => {
      const html = await createEnrolmentSheet(ctx, callerOf(request), request.body);
      // The page carries enrolment tokens, so no cache may keep it.
      return reply.type('text/html; charset=utf-8').header('cache-control', 'no-store').send(html);
    },
  );
}

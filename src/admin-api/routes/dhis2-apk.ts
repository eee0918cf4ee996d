import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';

import type { AppContext } from '../../context.js';
import { getApkDistribution, saveApkSettings, writeApkDistribution } from '../../services/admin/dhis2-apk.js';
import { Nullable, responses, tagged } from '../schemas.js';
import { callerOf } from '../session.js';

// Entries are DHIS2 dataStore JSON kept as DHIS2 has them, extra fields included.
const EntrySchema = Type.Object({}, { additionalProperties: true, description: 'An APK_DISTRIBUTION versions entry as stored in DHIS2.' });

const ChangeSchema = Type.Object({
  action: Type.Union([Type.Literal('add'), Type.Literal('update'), Type.Literal('remove'), Type.Literal('release_group')]),
  groupId: Type.String(),
  before: Nullable(EntrySchema),
  after: Nullable(EntrySchema),
  needsConfirmation: Type.Boolean({ description: 'The change touches an entry Outpost did not write; it waits for confirm.' }),
  reason: Type.String(),
});

const LinkSchema = Type.Object(
  {
    userGroupId: Type.String({ minLength: 11, maxLength: 11, pattern: '^[A-Za-z][A-Za-z0-9]{10}$' }),
    rolloutId: Type.String({ minLength: 1, maxLength: 200 }),
  },
  { additionalProperties: false },
);

const OfferedSchema = Type.Object({
  version: Nullable(Type.String()),
  downloadURL: Nullable(Type.String()),
  from: Type.Union([Type.Literal('group'), Type.Literal('default'), Type.Literal('latest'), Type.Literal('none')]),
});

const ViewSchema = Type.Object({
  settings: Type.Object({ writeEnabled: Type.Boolean(), links: Type.Array(LinkSchema) }),
  latestVersion: Nullable(Type.Object({ version: Nullable(Type.String()), downloadURL: Nullable(Type.String()) })),
  entries: Type.Array(Type.Object({ owner: Type.Union([Type.Literal('outpost'), Type.Literal('other')]) }, { additionalProperties: true })),
  groups: Type.Array(
    Type.Object({
      id: Type.String(),
      name: Type.String(),
      members: Type.Integer(),
      offered: OfferedSchema,
      target: Nullable(
        Type.Object({
          rolloutId: Type.String(),
          entry: Nullable(EntrySchema),
          status: Type.String(),
          devices: Type.Integer(),
          selected: Type.Integer(),
        }),
      ),
    }),
  ),
  plan: Type.Object({ changes: Type.Array(ChangeSchema), warnings: Type.Array(Type.String()) }),
  versionsHash: Type.String(),
  problems: Type.Array(Type.String()),
});

const SettingsBody = Type.Object(
  { writeEnabled: Type.Boolean(), links: Type.Array(LinkSchema, { maxItems: 500 }) },
  { additionalProperties: false },
);

const WriteBody = Type.Object(
  {
    expectedHash: Type.String({ minLength: 1, maxLength: 64, description: 'versionsHash from the view the manager reviewed.' }),
    confirm: Type.Optional(Type.Boolean({ description: 'Also apply changes to entries Outpost did not write.' })),
  },
  { additionalProperties: false },
);

const WriteResultSchema = Type.Object({
  written: Type.Boolean(),
  applied: Type.Array(ChangeSchema),
  awaitingConfirmation: Type.Array(ChangeSchema),
  warnings: Type.Array(Type.String()),
  versionsHash: Type.String(),
});

export function registerDhis2ApkRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get(
    '/dhis2/apk-distribution',
    {
      schema: tagged('dhis2', {
        summary: 'Show what APK_DISTRIBUTION tells each user group to install, and what a write would change',
        response: responses({ 200: ViewSchema }),
      }),
    },
    async (request) => getApkDistribution(ctx, callerOf(request)),
  );

  app.put<{ Body: Static<typeof SettingsBody> }>(
    '/dhis2/apk-distribution/settings',
    {
      schema: tagged('dhis2', {
        summary: 'Turn writing on or off and link user groups to rollouts',
        body: SettingsBody,
        response: responses({ 200: SettingsBody }),
      }),
    },
    async (request) => {
      const saved = await saveApkSettings(ctx, callerOf(request), request.body);
      return { writeEnabled: saved.writeEnabled, links: saved.links };
    },
  );

  app.post<{ Body: Static<typeof WriteBody> }>(
    '/dhis2/apk-distribution/write',
    {
      schema: tagged('dhis2', {
        summary: "Write Outpost's entries to APK_DISTRIBUTION/versions; other entries change only with confirm",
        body: WriteBody,
        response: responses({ 200: WriteResultSchema }),
      }),
    },
    async (request) => writeApkDistribution(ctx, callerOf(request), request.body),
  );
}

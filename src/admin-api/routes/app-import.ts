import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';

import type { AppContext } from '../../context.js';
import { importRelease } from '../../services/rollouts/release-import.js';
import { responses, tagged } from '../schemas.js';
import { callerOf } from '../session.js';
import { AppSchema, AppVersionSchema } from './apps.js';

const ImportBody = Type.Object(
  {
    url: Type.String({ minLength: 1, maxLength: 2000, description: 'Release API URL, GitHub release page, or direct APK URL; http or https.' }),
    sha256: Type.Optional(Type.String({ pattern: '^[0-9a-fA-F]{64}$', description: 'Expected SHA-256 of the APK, hex.' })),
    variant: Type.Optional(
      Type.Union([Type.Literal('plain'), Type.Literal('googlePlay'), Type.Literal('training')], {
        description: 'DHIS2 Capture flavour to pick from a listing; plain (dhis2-v<version>.apk) by default.',
      }),
    ),
    confirmSignerChange: Type.Optional(Type.Boolean({ description: 'Accept a signer other than that of earlier versions.' })),
  },
  { additionalProperties: false },
);

const ImportResponse = Type.Object({
  app: AppSchema,
  version: AppVersionSchema,
  source: Type.Object({ url: Type.String({ description: 'URL the APK was downloaded from.' }), assetName: Type.Union([Type.String(), Type.Null()]) }),
});

export function registerAppImportRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.post<{ Body: Static<typeof ImportBody> }>(
    '/apps/import',
    { schema: tagged('apps', { summary: 'Import an APK or a DHIS2 Capture release from a URL', body: ImportBody, response: responses({ 201: ImportResponse }) }) },
    async (request, reply) => reply.code(201).send(await importRelease(ctx, callerOf(request), request.body)),
  );
}

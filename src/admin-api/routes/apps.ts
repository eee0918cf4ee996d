import fs from 'node:fs';
import { Readable } from 'node:stream';

import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';

import type { AppContext } from '../../context.js';
import { UnsupportedMediaTypeError } from '../../domain/errors.js';
import { uploadApp } from '../../services/admin/app-upload.js';
import { getAppVersionFile, listApps } from '../../services/admin/apps.js';
import { IdParams, Nullable, responses, tagged } from '../schemas.js';
import { callerOf } from '../session.js';
import { acceptApkBodies, APK_MEDIA_TYPE, APK_MEDIA_TYPES, detachBody } from '../upload-body.js';

export const AppVersionSchema = Type.Object({
  id: Type.String(),
  versionCode: Type.Integer(),
  versionName: Nullable(Type.String()),
  minSdk: Nullable(Type.Integer()),
  targetSdk: Nullable(Type.Integer()),
  size: Type.Integer(),
  fileSha256: Type.String({ description: 'Lower-case hex.' }),
  signerSha256: Type.String({ description: 'Lower-case hex SHA-256 of the signer certificate.' }),
  signatureSchemes: Type.Array(Type.String()),
  fileName: Type.String(),
  createdAt: Type.Integer(),
});

export const AppSchema = Type.Object({
  id: Type.String(),
  packageName: Type.String(),
  label: Nullable(Type.String()),
  versions: Type.Array(AppVersionSchema, { description: 'Highest versionCode first.' }),
});

const UploadQuery = Type.Object(
  {
    fileName: Type.Optional(Type.String({ minLength: 1, maxLength: 255, description: 'Name shown for the file and used in its download URL.' })),
    confirmSignerChange: Type.Optional(
      Type.Boolean({ description: 'Accept a signer other than that of earlier versions of the package; without it such an upload gets 409 signer_changed.' }),
    ),
  },
  { additionalProperties: false },
);

export function registerAppRoutes(app: FastifyInstance, ctx: AppContext): void {
  acceptApkBodies(app);

  app.get(
    '/apps',
    { schema: tagged('apps', { summary: 'List apps and their versions', response: responses({ 200: Type.Array(AppSchema) }) }) },
    async (request) => listApps(ctx, callerOf(request)),
  );

  app.post<{ Querystring: Static<typeof UploadQuery> }>(
    '/apps/upload',
    {
      // The body is streamed to disk, not buffered; uploadApp enforces the same limit while streaming.
      bodyLimit: ctx.config.maxUploadBytes,
      schema: tagged('apps', {
        summary: 'Upload an APK as the raw request body',
        consumes: APK_MEDIA_TYPES,
        querystring: UploadQuery,
        response: responses({ 201: Type.Object({ app: AppSchema, version: AppVersionSchema }) }),
      }),
    },
    async (request, reply) => {
      const caller = callerOf(request);
      if (!(request.body instanceof Readable)) {
        throw new UnsupportedMediaTypeError(
          `Send the APK as the raw body with Content-Type ${APK_MEDIA_TYPE}, not as JSON or a form.`,
        );
      }

      const declared = request.headers['content-length'];
      const body = detachBody(request, request.body);
      try {
        const result = await uploadApp(ctx, caller, {
          body: body.stream,
          fileName: request.query.fileName,
          declaredBytes: declared === undefined ? undefined : Number(declared),
          confirmSignerChange: request.query.confirmSignerChange === true,
        });
        return await reply.code(201).send(result);
      } catch (error) {
        // The client may still be sending; close the connection once the error is sent.
        if (!request.raw.complete) void reply.header('connection', 'close');
        throw error;
      } finally {
        body.release();
      }
    },
  );

  app.get<{ Params: Static<typeof IdParams> }>(
    '/apps/versions/:id/download',
    {
      schema: tagged('apps', {
        summary: 'Download an uploaded APK',
        params: IdParams,
        response: responses({ 200: Type.String({ format: 'binary', description: 'The APK file.' }) }),
      }),
    },
    async (request, reply) => {
      const file = await getAppVersionFile(ctx, callerOf(request), request.params.id);
      return reply
        .type(APK_MEDIA_TYPE)
        .header('content-length', String(file.size))
        .header('content-disposition', `attachment; filename="${file.fileName}"`)
        .send(fs.createReadStream(file.path));
    },
  );
}

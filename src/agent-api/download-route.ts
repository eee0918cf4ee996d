import fs from 'node:fs';

import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

import type { AppContext } from '../context.js';
import { AppFileMissingError, findAppFile, type AppFile } from '../services/agent/app-files.js';
import { ifRangeMatches, selectByteRange } from './byte-range.js';

const FileParams = Type.Object({
  appVersionId: Type.String({ minLength: 1, maxLength: 100 }),
  fileName: Type.String({ minLength: 1, maxLength: 255 }),
});
type FileParams = Static<typeof FileParams>;

// An app version's file never changes under its id, so caches may keep it
// for a year; no-transform keeps proxies from recompressing the APK.
const CACHE_CONTROL = 'public, max-age=31536000, immutable, no-transform';

/**
 * Registers APK downloads. Responses support resuming (Range, If-Range) and
 * carry the file's SHA-256 in a strong ETag and in Repr-Digest, so clients
 * can verify what they received. Bodies are never compressed.
 */
export function registerDownloadRoute(app: FastifyInstance, ctx: AppContext): void {
  app.route<{ Params: FileParams }>({
    method: ['GET', 'HEAD'],
    url: '/files/apps/:appVersionId/:fileName',
    schema: { params: FileParams },
    handler: async (request, reply) => {
      const { appVersionId, fileName } = request.params;

      let file: AppFile | null;
      try {
        file = await findAppFile(ctx, appVersionId, fileName);
      } catch (error) {
        if (!(error instanceof AppFileMissingError)) throw error;
        request.log.error(
          { appVersionId: error.appVersionId, blobKey: error.blobKey },
          'app file missing from blob storage',
        );
        return reply.code(500).send({ error: 'file_missing', message: `${error.message} Upload the APK again.` });
      }

      if (!file) {
        return reply.code(404).send({
          error: 'not_found',
          message: `No app file ${JSON.stringify(fileName)} for app version ${JSON.stringify(appVersionId)}.`,
        });
      }
      return sendFile(request, reply, file);
    },
  });
}

function sendFile(request: FastifyRequest, reply: FastifyReply, file: AppFile) {
  const etag = `"${file.sha256}"`;
  const lastModified = new Date(file.uploadedAt).toUTCString();

  reply
    .header('accept-ranges', 'bytes')
    .header('etag', etag)
    .header('last-modified', lastModified)
    .header('repr-digest', `sha-256=:${Buffer.from(file.sha256, 'hex').toString('base64')}:`)
    .header('cache-control', CACHE_CONTROL)
    .header('content-type', contentTypeOf(file.fileName));

  if (request.headers['if-none-match'] === etag) return reply.code(304).send();

  const ifRangeHeader = request.headers['if-range'];
  const ifRange = ifRangeMatches(typeof ifRangeHeader === 'string' ? ifRangeHeader : undefined, etag, lastModified);
  const selection = ifRange ? selectByteRange(request.headers.range, file.size) : { kind: 'full' as const };

  if (selection.kind === 'unsatisfiable') {
    return reply.code(416).header('content-range', `bytes */${file.size}`).send();
  }

  let start = 0;
  let end = file.size - 1;
  if (selection.kind === 'partial') {
    start = selection.start;
    end = selection.end;
    reply.code(206).header('content-range', `bytes ${start}-${end}/${file.size}`);
  } else {
    reply.code(200);
  }

  const length = end - start + 1;
  reply.header('content-length', String(length));
  if (request.method === 'HEAD' || length === 0) return reply.send();
  return reply.send(fs.createReadStream(file.path, { start, end }));
}

function contentTypeOf(fileName: string): string {
  if (fileName.toLowerCase().endsWith('.apk')) return 'application/vnd.android.package-archive';
  return 'application/octet-stream';
}

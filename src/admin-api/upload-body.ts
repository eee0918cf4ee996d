import { PassThrough, type Readable } from 'node:stream';

import type { FastifyInstance, FastifyRequest } from 'fastify';

import { InvalidInputError } from '../domain/errors.js';

export const APK_MEDIA_TYPE = 'application/vnd.android.package-archive';

/** Media types accepted for an APK upload. */
export const APK_MEDIA_TYPES = [APK_MEDIA_TYPE, 'application/octet-stream'];

/**
 * Passes APK upload bodies to the handler as the unread request stream, so
 * the upload is written to disk as it arrives instead of held in memory.
 */
export function acceptApkBodies(app: FastifyInstance): void {
  app.addContentTypeParser(APK_MEDIA_TYPES, (_request, payload, done) => done(null, payload));
}

/**
 * Wraps the request stream so that a consumer that fails (for example at
 * the size limit) destroys only the wrapper. The request itself stays open,
 * and `release` drains what the client still sends, so the error response
 * reaches the client.
 */
export function detachBody(request: FastifyRequest, body: Readable): { stream: Readable; release(): void } {
  const stream = new PassThrough();
  body.pipe(stream);

  // A client that disconnects mid-upload is a client error, not a server failure.
  const abort = () => {
    if (!request.raw.complete) {
      stream.destroy(new InvalidInputError('The client closed the connection before the upload finished; upload the file again.'));
    }
  };
  body.on('close', abort);
  body.on('error', abort);

  return {
    stream,
    release() {
      body.unpipe(stream);
      body.off('close', abort);
      body.off('error', abort);
      if (!request.raw.complete) body.resume();
    },
  };
}

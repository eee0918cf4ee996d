import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';

import { handleError } from '../http-errors.js';
import { ServiceError, type ServiceErrorKind } from '../domain/errors.js';

const STATUS_OF_KIND: Record<ServiceErrorKind, number> = {
  invalid: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  gone: 410,
  too_large: 413,
  unsupported_media_type: 415,
  unprocessable: 422,
};

/**
 * Sends service errors as `{error, message, field?}` with their status,
 * rewords common framework errors about the body, and passes the rest to
 * the shared handler, which logs anything unexpected as a 500.
 */
export function handleAdminError(error: FastifyError | ServiceError, request: FastifyRequest, reply: FastifyReply) {
  if (error instanceof ServiceError) {
    const body: { error: string; message: string; field?: string } = { error: error.code, message: error.message };
    if (error.field !== undefined) body.field = error.field;
    return reply.code(STATUS_OF_KIND[error.kind]).send(body);
  }

  if (error.code === 'FST_ERR_CTP_INVALID_JSON_BODY') {
    return reply.code(400).send({
      error: 'invalid_json',
      message:
        'The body is not valid JSON, or it has a __proto__ or constructor key, which is rejected. ' +
        'Check quotes, commas and brackets, or build the body with a JSON encoder.',
    });
  }
  if (error.code === 'FST_ERR_CTP_EMPTY_JSON_BODY') {
    return reply.code(400).send({ error: 'invalid_json', message: 'The JSON body is empty; send a JSON object.' });
  }
  if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
    const contentType = request.headers['content-type'] ?? 'none';
    return reply.code(415).send({
      error: 'unsupported_media_type',
      message:
        `Content-Type "${contentType}" is not accepted. Send JSON with Content-Type: application/json, ` +
        'or an APK upload with Content-Type: application/vnd.android.package-archive.',
    });
  }
  if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
    return reply.code(413).send({
      error: 'payload_too_large',
      message: 'The request body is larger than this route accepts; send a smaller body.',
    });
  }
  return handleError(error, request, reply);
}

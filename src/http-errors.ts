import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';

import { databaseErrorFields, isDatabaseUnavailable } from './store/database-errors.js';

// Seconds a client is asked to wait when the database is unreachable. The
// pool tries a new connection on every request, so service resumes as soon
// as the database accepts connections, and a PostgreSQL restart takes seconds.
export const DATABASE_RETRY_AFTER_SECONDS = 5;

/**
 * Maps framework errors to a 4xx with the reason, and an unreachable
 * database to 503 with Retry-After; anything else is a logged 500.
 */
export function handleError(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  if (error.validation) {
    const first = error.validation[0];
    const field = first ? `${error.validationContext ?? 'body'}${first.instancePath.replace(/\//g, '.')}` : undefined;
    return reply.code(400).send({
      error: 'invalid_request',
      message: `Invalid ${field ?? 'request'}: ${first?.message ?? error.message}.`,
      field,
    });
  }

  const status = error.statusCode ?? 500;
  if (status >= 400 && status < 500) {
    return reply.code(status).send({ error: errorCode(status), message: clientMessage(error, status) });
  }

  if (isDatabaseUnavailable(error)) {
    // The pool logs the outage when it starts, because a line per request would flood the log.
    request.log.debug({ ...databaseErrorFields(error), url: request.url }, 'request failed: database unavailable');
    return reply
      .code(503)
      .header('retry-after', String(DATABASE_RETRY_AFTER_SECONDS))
      .send({
        error: 'database_unavailable',
        message: `The database is unavailable. Retry the request in ${DATABASE_RETRY_AFTER_SECONDS} seconds.`,
      });
  }

  request.log.error({ err: error, url: request.url }, 'request failed');
  return reply.code(500).send({ error: 'internal', message: 'Internal error; the server log has the details.' });
}

// Documented error codes by status; the framework's own FST_ERR_* codes are internal names.
const ERROR_CODES: Record<number, string> = {
  400: 'bad_request',
  404: 'not_found',
  405: 'method_not_allowed',
  413: 'payload_too_large',
  414: 'uri_too_long',
  415: 'unsupported_media_type',
  429: 'too_many_requests',
};

function errorCode(status: number): string {
  return ERROR_CODES[status] ?? 'client_error';
}

/** Sends the documented error shape for URLs the router cannot decode and for over-long path parameters. */
export function handleFrameworkError(error: FastifyError, _request: FastifyRequest, reply: FastifyReply) {
  const status = error.statusCode ?? 400;
  const message =
    error.code === 'FST_ERR_BAD_URL'
      ? 'The URL is not valid percent-encoded UTF-8; encode the path with encodeURIComponent.'
      : error.message;
  return reply.code(status).send({ error: errorCode(status), message });
}

function clientMessage(error: FastifyError, status: number): string {
  if (status === 413) return `The request body is larger than this route accepts (${error.message}).`;
  if (error.code === 'FST_ERR_CTP_INVALID_JSON_BODY') {
    return (
      'The body is not valid JSON, or it has a __proto__ or constructor key, which is rejected. ' +
      'Check quotes, commas and brackets, or build the body with a JSON encoder.'
    );
  }
  if (status === 414) return 'A path segment is too long; ids in paths have at most 100 characters.';
  if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
    return `${error.message}. Send the body with a supported Content-Type.`;
  }
  if (error.code === 'FST_ERR_CTP_EMPTY_JSON_BODY') return 'The JSON body is empty; send a JSON object.';
  if (error instanceof SyntaxError) return `The body is not valid JSON: ${error.message}.`;
  return error.message;
}

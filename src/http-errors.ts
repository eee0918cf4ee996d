import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';

/** Maps framework errors to a 4xx with the reason; anything else is a logged 500. */
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
    return reply.code(status).send({ error: error.code ?? 'bad_request', message: clientMessage(error, status) });
  }

  request.log.error({ err: error, url: request.url }, 'request failed');
  return reply.code(500).send({ error: 'internal', message: 'Internal error; the server log has the details.' });
}

function clientMessage(error: FastifyError, status: number): string {
  if (status === 413) return `The request body is larger than this route accepts (${error.message}).`;
  if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
    return `${error.message}. Send the body with a supported Content-Type.`;
  }
  if (error.code === 'FST_ERR_CTP_EMPTY_JSON_BODY') return 'The JSON body is empty; send a JSON object.';
  if (error instanceof SyntaxError) return `The body is not valid JSON: ${error.message}.`;
  return error.message;
}

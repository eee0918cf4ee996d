import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';

import type { AppContext } from '../../context.js';
import {
  deleteDhis2Connection,
  getDhis2Connection,
  MAX_TIMEOUT_SECONDS,
  MAX_TOKEN_LENGTH,
  MIN_TIMEOUT_SECONDS,
  saveDhis2Connection,
  testDhis2Connection,
} from '../../services/admin/dhis2-connection.js';
import { NoContent, Nullable, responses, tagged } from '../schemas.js';
import { callerOf } from '../session.js';

const TestResultSchema = Type.Object({
  ok: Type.Boolean(),
  version: Nullable(Type.String({ description: "DHIS2's version, e.g. 2.41.3." })),
  support: Nullable(Type.Union([Type.Literal('supported'), Type.Literal('too_old'), Type.Literal('newer')])),
  systemName: Nullable(Type.String()),
  user: Nullable(Type.Object({ id: Type.String(), username: Type.String(), name: Type.String() }, { description: "The token's DHIS2 user." })),
  message: Nullable(Type.String({ description: 'Why the test failed, or a warning about the version.' })),
});

const ConnectionSchema = Type.Object({
  configured: Type.Boolean(),
  baseUrl: Nullable(Type.String()),
  tokenSet: Type.Boolean({ description: 'Whether a token is stored; the token itself is never returned.' }),
  timeoutSeconds: Type.Integer(),
  updatedAt: Nullable(Type.Integer()),
  updatedBy: Nullable(Type.String()),
  lastTest: Nullable(Type.Intersect([TestResultSchema, Type.Object({ at: Type.Integer() })])),
});

// Lengths are checked again by the service with a message naming the fix.
const BaseUrl = Type.String({ minLength: 1, maxLength: 2000, description: 'DHIS2 root, e.g. https://dhis2.example.org; http or https.' });
const Token = Type.String({ minLength: 1, maxLength: MAX_TOKEN_LENGTH, description: 'Personal access token; sent as "Authorization: ApiToken …".' });
const Timeout = Type.Integer({ minimum: MIN_TIMEOUT_SECONDS, maximum: MAX_TIMEOUT_SECONDS });

const SaveBody = Type.Object(
  { baseUrl: BaseUrl, token: Type.Optional(Token), timeoutSeconds: Type.Optional(Timeout) },
  { additionalProperties: false },
);
const TestBody = Type.Object(
  { baseUrl: Type.Optional(BaseUrl), token: Type.Optional(Token), timeoutSeconds: Type.Optional(Timeout) },
  { additionalProperties: false },
);

export function registerDhis2ConnectionRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get(
    '/dhis2/connection',
    { schema: tagged('dhis2', { summary: 'Show the DHIS2 connection (never the token)', response: responses({ 200: ConnectionSchema }) }) },
    async (request) => getDhis2Connection(ctx, callerOf(request)),
  );

  app.put<{ Body: Static<typeof SaveBody> }>(
    '/dhis2/connection',
    {
      schema: tagged('dhis2', {
        summary: 'Save the DHIS2 base URL and token; leave the token out to keep the stored one',
        body: SaveBody,
        response: responses({ 200: ConnectionSchema }),
      }),
    },
    async (request) => saveDhis2Connection(ctx, callerOf(request), request.body),
  );

  app.delete(
    '/dhis2/connection',
    { schema: tagged('dhis2', { summary: 'Remove the DHIS2 connection', response: responses({ 204: NoContent }) }) },
    async (request, reply) => {
      await deleteDhis2Connection(ctx, callerOf(request));
      return reply.code(204).send();
    },
  );

  app.post<{ Body: Static<typeof TestBody> }>(
    '/dhis2/connection/test',
    {
      schema: tagged('dhis2', {
        summary: 'Call DHIS2 with the saved connection, or with the values given, and show its version and user',
        body: TestBody,
        response: responses({ 200: TestResultSchema }),
      }),
    },
    async (request) => testDhis2Connection(ctx, callerOf(request), request.body),
  );
}

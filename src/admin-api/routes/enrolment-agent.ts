import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';

import type { AppContext } from '../../context.js';
import { ADMIN_COMPONENT_PATTERN, getEnrolmentAgent, setEnrolmentAgent } from '../../services/admin/enrolment-agent.js';
import { Nullable, responses, tagged } from '../schemas.js';
import { callerOf } from '../session.js';

const AgentSchema = Type.Object(
  {
    appVersionId: Nullable(Type.String()),
    packageName: Nullable(Type.String()),
    versionCode: Nullable(Type.Integer()),
    fileChecksum: Nullable(Type.String({ description: 'URL-safe Base64 of the APK SHA-256.' })),
    signatureChecksum: Nullable(Type.String({ description: 'URL-safe Base64 of the signer certificate SHA-256.' })),
    adminComponent: Nullable(Type.String({ description: 'package/class of the DeviceAdminReceiver.' })),
  },
  { description: 'Every field is null until an agent APK is chosen.' },
);

const AgentBody = Type.Object(
  {
    appVersionId: Type.String({ minLength: 1, maxLength: 200 }),
    adminComponent: Type.Optional(
      Type.String({
        pattern: ADMIN_COMPONENT_PATTERN,
        maxLength: 300,
        description: 'Default: <package>/com.hmdm.launcher.AdminReceiver.',
      }),
    ),
  },
  { additionalProperties: false },
);

export function registerEnrolmentAgentRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get(
    '/enrolment/agent',
    { schema: tagged('enrolment', { summary: 'The agent APK that QR codes install', response: responses({ 200: AgentSchema }) }) },
    async (request) => getEnrolmentAgent(ctx, callerOf(request)),
  );

  app.put<{ Body: Static<typeof AgentBody> }>(
    '/enrolment/agent',
    {
      schema: tagged('enrolment', {
        summary: 'Choose the agent APK that QR codes install',
        body: AgentBody,
        response: responses({ 200: AgentSchema }),
      }),
    },
    async (request) => setEnrolmentAgent(ctx, callerOf(request), request.body),
  );
}

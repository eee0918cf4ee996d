import cookie from '@fastify/cookie';
import type { FastifyInstance } from 'fastify';

import type { AppContext } from '../context.js';
import { handleAdminError } from './errors.js';
import { registerOpenApi, registerOpenApiUi } from './openapi.js';
import { registerAppImportRoutes } from './routes/app-import.js';
import { registerAppRoutes } from './routes/apps.js';
import { registerAssignmentRoutes } from './routes/assignments.js';
import { registerAuditRoutes } from './routes/audit.js';
import { registerBulkJobRoutes } from './routes/bulk-jobs.js';
import { registerLoginRoute, registerSessionRoutes } from './routes/auth.js';
import { registerComplianceRoutes } from './routes/compliance.js';
import { registerContactStateRoutes } from './routes/contact-state.js';
import { registerDeviceCommandRoutes } from './routes/device-commands.js';
import { registerDeviceOverrideRoutes } from './routes/device-overrides.js';
import { registerDeviceRoutes } from './routes/devices.js';
import { registerDhis2Routes } from './routes/dhis2.js';
import { registerEnrolmentAgentRoutes } from './routes/enrolment-agent.js';
import { registerEnrolmentRuleRoutes } from './routes/enrolment-rules.js';
import { registerEnrolmentTokenRoutes } from './routes/enrolment-tokens.js';
import { registerLostModeRoutes } from './routes/lost-mode.js';
import { registerLocationRoutes } from './routes/locations.js';
import { registerOrgUnitRoutes } from './routes/org-units.js';
import { registerPinRoutes } from './routes/pins.js';
import { registerPolicyRoutes } from './routes/policies.js';
import { registerRetentionRoutes } from './routes/retention.js';
import { registerRolloutRoutes } from './routes/rollouts.js';
import { registerUserRoutes } from './routes/users.js';
import { requireSession } from './session.js';
import { typeboxValidatorCompiler } from './validation.js';

/** Registers /api/v1 and the OpenAPI documentation at /api/docs. */
export async function registerAdminApi(app: FastifyInstance, ctx: AppContext): Promise<void> {
  app.setValidatorCompiler(typeboxValidatorCompiler);
  app.setErrorHandler(handleAdminError);
  await app.register(cookie);
  await registerOpenApi(app);

  await app.register(
    async (v1) => {
      await v1.register(async (open) => registerLoginRoute(open, ctx));

      await v1.register(async (signedIn) => {
        requireSession(signedIn, ctx);
        registerSessionRoutes(signedIn, ctx);
        registerDeviceRoutes(signedIn, ctx);
        registerLocationRoutes(signedIn, ctx);
        registerContactStateRoutes(signedIn, ctx);
        registerDeviceCommandRoutes(signedIn, ctx);
        registerLostModeRoutes(signedIn, ctx);
        registerBulkJobRoutes(signedIn, ctx);
        registerAppRoutes(signedIn, ctx);
        registerPolicyRoutes(signedIn, ctx);
        registerDeviceOverrideRoutes(signedIn, ctx);
        registerComplianceRoutes(signedIn, ctx);
        registerOrgUnitRoutes(signedIn, ctx);
        registerEnrolmentAgentRoutes(signedIn, ctx);
        registerEnrolmentTokenRoutes(signedIn, ctx);
        registerEnrolmentRuleRoutes(signedIn, ctx);
        registerRetentionRoutes(signedIn, ctx);
        registerUserRoutes(signedIn, ctx);
        registerAssignmentRoutes(signedIn, ctx);
        registerAuditRoutes(signedIn, ctx);
        registerAppImportRoutes(signedIn, ctx);
        registerRolloutRoutes(signedIn, ctx);
        registerPinRoutes(signedIn, ctx);
        registerDhis2Routes(signedIn, ctx);
      });
    },
    { prefix: '/v1' },
  );

  await registerOpenApiUi(app);
}

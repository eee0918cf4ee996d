import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';

import type { AppContext } from '../../context.js';
import { getRetentionSettings, MAX_RETENTION_DAYS, updateRetentionSettings } from '../../services/admin/retention.js';
import { responses, tagged } from '../schemas.js';
import { callerOf } from '../session.js';

const Days = (description: string) => Type.Integer({ minimum: 1, maximum: MAX_RETENTION_DAYS, description });

const RetentionSchema = Type.Object({
  locationDays: Days('Days of location history kept.'),
  deviceLogDays: Days('Days of device log lines kept.'),
  auditEventDays: Days('Days of audit events kept.'),
  finishedCommandDays: Days('Days finished commands are kept; open commands are never purged.'),
  syncRunDays: Days('Days finished DHIS2 sync runs are kept.'),
  bulkJobDays: Days('Days completed and cancelled bulk jobs are kept, with their per-device results.'),
});

const RetentionBody = Type.Partial(RetentionSchema, { additionalProperties: false });

export function registerRetentionRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get(
    '/settings/retention',
    { schema: tagged('settings', { summary: 'How long records are kept', response: responses({ 200: RetentionSchema }) }) },
    async (request) => getRetentionSettings(ctx, callerOf(request)),
  );

  app.put<{ Body: Static<typeof RetentionBody> }>(
    '/settings/retention',
    {
      schema: tagged('settings', {
        summary: 'Change how long records are kept; kinds left out keep their value',
        body: RetentionBody,
        response: responses({ 200: RetentionSchema }),
      }),
    },
    async (request) => updateRetentionSettings(ctx, callerOf(request), request.body),
  );
}

import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';

import type { AppContext } from '../../context.js';
import { CONTACT_STATES } from '../../domain/contact-state.js';
import { getContactStateSettings, updateContactStateSettings } from '../../services/admin/contact-state.js';
import { responses, tagged } from '../schemas.js';
import { callerOf } from '../session.js';

export const ContactStateSchema = Type.Union(
  CONTACT_STATES.map((state) => Type.Literal(state)),
  { description: 'online, late or offline by the minutes since last contact; never when the device has not contacted Outpost.' },
);

// Range checks and the late-before-offline rule live in the service, so
// that every caller gets the same message naming the field.
const ThresholdsBody = Type.Object(
  {
    lateAfterMinutes: Type.Integer({ description: 'Minutes since last contact after which a device counts as late.' }),
    offlineAfterMinutes: Type.Integer({ description: 'Minutes since last contact after which a device counts as offline.' }),
  },
  { additionalProperties: false },
);

const ThresholdsSchema = Type.Object({
  lateAfterMinutes: Type.Integer(),
  offlineAfterMinutes: Type.Integer(),
});

const ContactStateSettingsSchema = Type.Object({
  lateAfterMinutes: Type.Integer(),
  offlineAfterMinutes: Type.Integer(),
  source: Type.Union([Type.Literal('settings'), Type.Literal('config')], {
    description: 'settings when an admin set the thresholds, config when the server configuration applies.',
  }),
  defaults: ThresholdsSchema,
});

export function registerContactStateRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get(
    '/settings/contact-state',
    {
      schema: tagged('settings', {
        summary: 'Thresholds of the online, late and offline states',
        response: responses({ 200: ContactStateSettingsSchema }),
      }),
    },
    async (request) => getContactStateSettings(ctx, callerOf(request)),
  );

  app.put<{ Body: Static<typeof ThresholdsBody> }>(
    '/settings/contact-state',
    {
      schema: tagged('settings', {
        summary: 'Change the thresholds of the online, late and offline states (admin)',
        body: ThresholdsBody,
        response: responses({ 200: ContactStateSettingsSchema }),
      }),
    },
    async (request) => updateContactStateSettings(ctx, callerOf(request), request.body),
  );
}

import { requireFleetScope, requireRole, type Caller } from '../../auth/caller.js';
import type { AppContext } from '../../context.js';
import { InvalidInputError } from '../../domain/errors.js';
import type { Store } from '../../store/store.js';

/** Server-wide limits on which phones may enrol, and when. */
export interface EnrolmentRules {
  /** Off stops every enrolment with a QR code, whatever its token allows. */
  open: boolean;
  /** Start of the enrolment window in milliseconds since the epoch, or null for no start. */
  opensAt: number | null;
  /** End of the enrolment window, exclusive, or null for no end. */
  closesAt: number | null;
  /** When on, a new phone stays enrolled only if it reports a listed serial or IMEI. */
  requirePreregistered: boolean;
}

export type EnrolmentRulesInput = Partial<EnrolmentRules>;

const SETTINGS_KEY = 'enrolment.rules';

/** Enrolment is open to any phone with a valid QR code until an admin restricts it. */
export const DEFAULT_ENROLMENT_RULES: EnrolmentRules = {
  open: true,
  opensAt: null,
  closesAt: null,
  requirePreregistered: false,
};

/** Reads the stored rules; keys never saved take their default. */
export async function readEnrolmentRules(store: Store): Promise<EnrolmentRules> {
  const stored = await store.settings.get<Partial<EnrolmentRules>>(SETTINGS_KEY);
  return { ...DEFAULT_ENROLMENT_RULES, ...stored };
}

/** Returns why the rules stop a QR enrolment at `now`, or null when they allow it. */
export function enrolmentClosedReason(rules: EnrolmentRules, now: number): string | null {
  if (!rules.open) return 'enrolment is switched off on this server';
  if (rules.opensAt !== null && now < rules.opensAt) {
    return `the enrolment window opens at ${new Date(rules.opensAt).toISOString()}`;
  }
  if (rules.closesAt !== null && now >= rules.closesAt) {
    return `the enrolment window closed at ${new Date(rules.closesAt).toISOString()}`;
  }
  return null;
}

export async function getEnrolmentRules(ctx: AppContext, caller: Caller): Promise<EnrolmentRules> {
  requireRole(caller, 'viewer');
  return readEnrolmentRules(ctx.store);
}

/** Changes the fields given in `input`, keeps the others, and audits the change. */
export async function updateEnrolmentRules(ctx: AppContext, caller: Caller, input: EnrolmentRulesInput): Promise<EnrolmentRules> {
  requireRole(caller, 'admin');
  requireFleetScope(caller, 'Changing the enrolment rules');

  const before = await readEnrolmentRules(ctx.store);
  const after: EnrolmentRules = { ...before };
  if (input.open !== undefined) after.open = input.open;
  if (input.opensAt !== undefined) after.opensAt = input.opensAt;
  if (input.closesAt !== undefined) after.closesAt = input.closesAt;
  if (input.requirePreregistered !== undefined) after.requirePreregistered = input.requirePreregistered;

  if (after.opensAt !== null && after.closesAt !== null && after.closesAt <= after.opensAt) {
    throw new InvalidInputError(
      `Invalid closesAt ${new Date(after.closesAt).toISOString()}: the window must close after it opens ` +
        `(${new Date(after.opensAt).toISOString()}). Give a later closesAt or an earlier opensAt.`,
      'body.closesAt',
    );
  }

  const now = ctx.now();
  await ctx.store.settings.set(SETTINGS_KEY, after, now);
  await ctx.store.audit.record(
    { actor: caller.username, action: 'enrolment.rules.update', targetType: 'settings', targetId: SETTINGS_KEY, details: { before, after } },
    now,
  );
  return after;
}

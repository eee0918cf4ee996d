import { ForbiddenError } from '../domain/errors.js';
import { roleAllows, type ConsoleRole } from '../domain/roles.js';

/** An org unit that roots a caller's scope, with its path as it was when the session loaded. */
export interface ScopeUnit {
  id: string;
  /** The unit's path ('/root/district/'), or null when the unit is not in org_units. */
  path: string | null;
}

/**
 * Part of the fleet a caller may see and act on: every device, or the
 * devices whose org unit lies in the subtree of one of `units`. A device
 * without an org unit belongs to no subtree, so only 'fleet' callers see it.
 */
export type CallerScope = { kind: 'fleet' } | { kind: 'units'; units: readonly ScopeUnit[] };

/** The signed-in console user a service acts for. */
export interface Caller {
  userId: string;
  username: string;
  role: ConsoleRole;
  /**
   * Set for every caller built from a console session. Only callers inside
   * the server (the CLI, the demo, tests of single services) leave it out,
   * and they act on the whole fleet.
   */
  scope?: CallerScope;
}

export const FLEET_SCOPE: CallerScope = { kind: 'fleet' };

/** Returns the caller's scope, treating a caller without one as fleet-wide. */
export function scopeOf(caller: Caller): CallerScope {
  return caller.scope ?? FLEET_SCOPE;
}

/**
 * Throws ForbiddenError unless the caller's role is `minimum` or higher.
 * Every service calls it before doing anything else.
 */
export function requireRole(caller: Caller, minimum: ConsoleRole): void {
  if (roleAllows(caller.role, minimum)) return;

  throw new ForbiddenError(
    `This action requires the ${minimum} role, but "${caller.username}" has the ${caller.role} role. ` +
      'Ask an admin to do it or to change your role.',
  );
}

/**
 * Throws ForbiddenError unless the caller sees the whole fleet. Server-wide
 * things (users, settings, the agent APK) are changed only by such callers.
 */
export function requireFleetScope(caller: Caller, action: string): void {
  if (scopeOf(caller).kind === 'fleet') return;

  throw new ForbiddenError(
    `${action} needs a user who sees the whole fleet, but "${caller.username}" is limited to some org units. ` +
      'Ask an admin without an org-unit limit.',
  );
}

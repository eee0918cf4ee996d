import { ForbiddenError } from '../domain/errors.js';
import { roleAllows, type ConsoleRole } from '../domain/roles.js';

/** The signed-in console user a service acts for. */
export interface Caller {
  userId: string;
  username: string;
  role: ConsoleRole;
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

/** Console roles from least to most privileged; each role may do what the ones before it may. */
export const ROLES = ['viewer', 'operator', 'admin'] as const;

export type ConsoleRole = (typeof ROLES)[number];

/** Whether a user with `role` may act where `minimum` is required. */
export function roleAllows(role: ConsoleRole, minimum: ConsoleRole): boolean {
  return ROLES.indexOf(role) >= ROLES.indexOf(minimum);
}

export function isConsoleRole(value: string): value is ConsoleRole {
  return (ROLES as readonly string[]).includes(value);
}

import { createContext, useContext } from 'react';

import type { Role, User } from './api/types.js';

export const SessionContext = createContext<User | null>(null);

/** Signed-in user; pages render only inside a session. */
export function useUser(): User {
  const user = useContext(SessionContext);
  if (!user) throw new Error('useUser called outside a signed-in session');
  return user;
}

const ROLE_RANK: Record<Role, number> = { viewer: 0, operator: 1, admin: 2 };

/** True when the user's role includes the rights of `role`. */
export function hasRole(user: User, role: Role): boolean {
  return ROLE_RANK[user.role] >= ROLE_RANK[role];
}

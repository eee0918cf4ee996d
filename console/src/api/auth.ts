import { ApiError, request, setCsrfToken } from './client.js';
import type { Session } from './types.js';

/** Signs in and keeps the CSRF token for later changes. Throws ApiError on 401 and 429. */
export async function login(username: string, password: string): Promise<Session> {
  const session = await request<Session>('POST', 'auth/login', {
    body: { username, password },
    ignoreUnauthorized: true,
  });
  setCsrfToken(session.csrfToken);
  return session;
}

/** Returns the session of the cookie the browser holds, or null when there is none. */
export async function fetchSession(): Promise<Session | null> {
  try {
    const session = await request<Session>('GET', 'auth/session', { ignoreUnauthorized: true });
    setCsrfToken(session.csrfToken);
    return session;
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return null;
    throw error;
  }
}

export async function logout(): Promise<void> {
  try {
    await request<void>('POST', 'auth/logout', { ignoreUnauthorized: true });
  } finally {
    setCsrfToken(null);
  }
}

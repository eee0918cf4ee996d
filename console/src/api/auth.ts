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

/** Signs in with DHIS2 credentials, which the server checks against the connected DHIS2. */
export async function loginWithDhis2(username: string, password: string): Promise<Session> {
  const session = await request<Session>('POST', 'auth/dhis2-login', {
    body: { username, password },
    ignoreUnauthorized: true,
  });
  setCsrfToken(session.csrfToken);
  return session;
}

/** Returns the sign-in methods the server offers; DHIS2 sign-in is off unless an admin turned it on. */
export async function fetchLoginMethods(): Promise<{ local: boolean; dhis2: boolean }> {
  return request<{ local: boolean; dhis2: boolean }>('GET', 'auth/methods', { ignoreUnauthorized: true });
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

import { randomBytes, randomUUID } from 'node:crypto';

/** Returns a new random row id. */
export function newId(): string {
  return randomUUID();
}

// 18 bytes give 144 bits: unguessable, and 24 URL-safe characters in a QR.
const TOKEN_BYTES = 18;

/** Returns an unguessable URL-safe token for enrolment codes and sessions. */
export function newToken(): string {
  return randomBytes(TOKEN_BYTES).toString('base64url');
}

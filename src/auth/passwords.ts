import { randomBytes } from 'node:crypto';

import argon2 from 'argon2';

// OWASP's argon2id baseline (19 MiB, 2 passes) takes ~30 ms here: slow for
// guessing, fast enough that a login burst does not stall the server.
const ARGON2_OPTIONS = { type: argon2.argon2id, memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

export const MIN_PASSWORD_LENGTH = 10;

export async function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, ARGON2_OPTIONS);
}

/** Checks a password against its stored hash; false for a malformed hash. */
export async function verifyPassword(hash: string, password: string): Promise<boolean> {
  try {
    return await argon2.verify(hash, password);
  } catch {
    return false;
  }
}

/** Returns a random password of 20 URL-safe characters for first-start accounts. */
export function randomPassword(): string {
  return randomBytes(15).toString('base64url');
}

/** Returns why a new password is too weak, or null. */
export function passwordProblem(password: string): string | null {
  if (password.length < MIN_PASSWORD_LENGTH) return `must have at least ${MIN_PASSWORD_LENGTH} characters`;
  if (password.length > 200) return 'must have at most 200 characters';
  return null;
}

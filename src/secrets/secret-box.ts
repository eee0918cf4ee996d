import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

// GCM's recommended nonce length; a random 96-bit nonce per secret keeps
// the chance of a repeat negligible for the few secrets Outpost stores.
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
const FORMAT = 'v1';

/** A secret sealed with AES-256-GCM, and which key sealed it. */
export interface SealedSecret {
  /** 'v1:' then base64 of nonce, tag and ciphertext. */
  ciphertext: string;
  /** First 16 hex digits of the key's SHA-256, to tell keys apart without revealing them. */
  keyId: string;
}

export class SecretKeyMismatchError extends Error {}

export function secretKeyId(key: Buffer): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 16);
}

/**
 * Encrypts a secret; `purpose` is bound as associated data, so a sealed
 * DHIS2 token cannot be passed off as another secret.
 *
 * @example
 * const sealed = sealSecret(key, 'dhis2.token', token);
 * const token = openSecret(key, 'dhis2.token', sealed);
 */
export function sealSecret(key: Buffer, purpose: string, plaintext: string): SealedSecret {
  const nonce = randomBytes(NONCE_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, nonce);
  cipher.setAAD(Buffer.from(purpose, 'utf8'));

  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  const packed = Buffer.concat([nonce, cipher.getAuthTag(), body]).toString('base64');
  return { ciphertext: `${FORMAT}:${packed}`, keyId: secretKeyId(key) };
}

/** Decrypts a sealed secret, or throws SecretKeyMismatchError when another key sealed it or it was altered. */
export function openSecret(key: Buffer, purpose: string, sealed: SealedSecret): string {
  const keyId = secretKeyId(key);
  if (sealed.keyId !== keyId) {
    throw new SecretKeyMismatchError(
      `The stored secret was encrypted with key ${sealed.keyId}, but this process has key ${keyId}. ` +
        'Give every Outpost process the same OUTPOST_SECRET_KEY, or enter the secret again.',
    );
  }

  const [format, packed = ''] = sealed.ciphertext.split(':');
  const bytes = Buffer.from(packed, 'base64');
  if (format !== FORMAT || bytes.length < NONCE_BYTES + TAG_BYTES) {
    throw new SecretKeyMismatchError('The stored secret is not in a format this Outpost reads; enter the secret again.');
  }

  const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(0, NONCE_BYTES));
  decipher.setAAD(Buffer.from(purpose, 'utf8'));
  decipher.setAuthTag(bytes.subarray(NONCE_BYTES, NONCE_BYTES + TAG_BYTES));
  try {
    return Buffer.concat([decipher.update(bytes.subarray(NONCE_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
  } catch {
    throw new SecretKeyMismatchError('The stored secret fails its integrity check; enter the secret again.');
  }
}

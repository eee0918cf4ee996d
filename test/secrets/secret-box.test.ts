import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

import { openSecret, sealSecret, SecretKeyMismatchError } from '../../src/secrets/secret-box.js';
import { resolveSecretKey } from '../../src/secrets/secret-key.js';

describe('secret box', () => {
  const key = randomBytes(32);

  it('round-trips and never stores the plaintext', () => {
    const sealed = sealSecret(key, 'dhis2.token', 'd2p_plain-token');
    expect(sealed.ciphertext).not.toContain('d2p_plain-token');
    expect(sealed.ciphertext).not.toContain(Buffer.from('d2p_plain-token').toString('base64'));
    expect(openSecret(key, 'dhis2.token', sealed)).toBe('d2p_plain-token');
  });

  it('uses a fresh nonce for every seal', () => {
    expect(sealSecret(key, 'p', 'same').ciphertext).not.toBe(sealSecret(key, 'p', 'same').ciphertext);
  });

  it('rejects another key, another purpose and a changed ciphertext', () => {
    const sealed = sealSecret(key, 'dhis2.token', 'secret');
    expect(() => openSecret(randomBytes(32), 'dhis2.token', sealed)).toThrow(/encrypted with key .* but this process has key/);
    expect(() => openSecret(key, 'other.purpose', sealed)).toThrow(SecretKeyMismatchError);

    const bytes = Buffer.from(sealed.ciphertext.slice(3), 'base64');
    bytes[bytes.length - 1]! ^= 1;
    expect(() => openSecret(key, 'dhis2.token', { ...sealed, ciphertext: `v1:${bytes.toString('base64')}` })).toThrow(/integrity check/);
  });
});

describe('secret key', () => {
  it('prefers the configured key', () => {
    const configured = randomBytes(32);
    expect(resolveSecretKey({ secretKey: configured, dataDir: '/nonexistent' })).toBe(configured);
  });

  it('creates one key file with mode 0600 and reuses it', () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'outpost-key-'));
    try {
      const first = resolveSecretKey({ secretKey: null, dataDir });
      const file = path.join(dataDir, 'secret.key');
      expect(fs.statSync(file).mode & 0o777).toBe(0o600);
      expect(first).toHaveLength(32);
      expect(fs.readFileSync(file, 'utf8').trim()).toBe(first.toString('hex'));
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('rejects a damaged key file', () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'outpost-key-'));
    try {
      fs.writeFileSync(path.join(dataDir, 'secret.key'), 'not a key\n', { mode: 0o600 });
      expect(() => resolveSecretKey({ secretKey: null, dataDir })).toThrow(/does not hold a 64-hex-digit key/);
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

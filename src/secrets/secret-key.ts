import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

import type { OutpostConfig } from '../config.js';

const KEY_FILE = 'secret.key';
const KEY_BYTES = 32;
// Only the account that runs Outpost may read the key.
const KEY_FILE_MODE = 0o600;

const cache = new Map<string, Buffer>();

/**
 * Returns the key that encrypts stored secrets: OUTPOST_SECRET_KEY when set,
 * otherwise DATA_DIR/secret.key, created with random bytes on first use.
 * Processes on other machines sharing a PostgreSQL database each make their
 * own file, so they need the environment variable instead.
 */
export function resolveSecretKey(config: Pick<OutpostConfig, 'secretKey' | 'dataDir'>): Buffer {
  if (config.secretKey) return config.secretKey;

  const file = path.join(config.dataDir, KEY_FILE);
  const known = cache.get(file);
  if (known) return known;

  const key = readOrCreateKeyFile(file);
  cache.set(file, key);
  return key;
}

function readOrCreateKeyFile(file: string): Buffer {
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    // 'wx' fails when the file exists, so two processes starting together
    // never overwrite each other's key: the second reads the first's.
    fs.writeFileSync(file, randomBytes(KEY_BYTES).toString('hex') + '\n', { mode: KEY_FILE_MODE, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }

  const text = fs.readFileSync(file, 'utf8').trim();
  if (!/^[0-9a-f]{64}$/.test(text)) {
    throw new Error(`${file} does not hold a 64-hex-digit key; restore it from a backup or set OUTPOST_SECRET_KEY.`);
  }
  return Buffer.from(text, 'hex');
}

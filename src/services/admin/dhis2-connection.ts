import { requireFleetScope, requireRole, type Caller } from '../../auth/caller.js';
import type { AppContext } from '../../context.js';
import { Dhis2Client } from '../../dhis2/client.js';
import { Dhis2Error } from '../../dhis2/errors.js';
import { parseDhis2Version, versionSupport, type VersionSupport } from '../../dhis2/version.js';
import { ConflictError, InvalidInputError, ServiceError } from '../../domain/errors.js';
import { openSecret, sealSecret, SecretKeyMismatchError } from '../../secrets/secret-box.js';
import { resolveSecretKey } from '../../secrets/secret-key.js';

/** Settings key of the connection; helper code for "sign in with DHIS2" reads `baseUrl` from it. */
export const DHIS2_CONNECTION_KEY = 'dhis2.connection';
const TOKEN_PURPOSE = 'dhis2.connection.token';

// DHIS2 returns most list pages within seconds; 30 s allows a busy server,
// and 300 s is the most any proxy in front of it keeps a request open.
export const DEFAULT_TIMEOUT_SECONDS = 30;
export const MIN_TIMEOUT_SECONDS = 1;
export const MAX_TIMEOUT_SECONDS = 300;
// DHIS2 tokens are 32 to 48 characters; 512 leaves room for other schemes
// while refusing a pasted file.
export const MAX_TOKEN_LENGTH = 512;

/** The stored setting: the token only as ciphertext. */
export interface StoredDhis2Connection {
  baseUrl: string;
  tokenCiphertext: string;
  keyId: string;
  timeoutSeconds: number;
  updatedAt: number;
  updatedBy: string;
  lastTest?: ConnectionTestResult & { at: number };
}

export interface ConnectionTestResult {
  ok: boolean;
  /** DHIS2's version text, e.g. '2.41.3'. */
  version: string | null;
  support: VersionSupport | null;
  systemName: string | null;
  user: { id: string; username: string; name: string } | null;
  /** Reason the test failed, or a warning about the version. */
  message: string | null;
}

/** Connection as the API returns it, without the token. */
export interface Dhis2ConnectionView {
  configured: boolean;
  baseUrl: string | null;
  tokenSet: boolean;
  timeoutSeconds: number;
  updatedAt: number | null;
  updatedBy: string | null;
  lastTest: (ConnectionTestResult & { at: number }) | null;
}

export interface Dhis2ConnectionInput {
  baseUrl: string;
  /** Absent keeps the stored token. */
  token?: string;
  timeoutSeconds?: number;
}

export async function getDhis2Connection(ctx: AppContext, caller: Caller): Promise<Dhis2ConnectionView> {
  requireRole(caller, 'viewer');
  return toView(await readStoredConnection(ctx));
}

/** Saves the base URL and, when given, a new token, encrypted with Outpost's secret key. */
export async function saveDhis2Connection(ctx: AppContext, caller: Caller, input: Dhis2ConnectionInput): Promise<Dhis2ConnectionView> {
  requireRole(caller, 'admin');
  requireFleetScope(caller, 'Changing the DHIS2 connection');

  const baseUrl = normaliseBaseUrl(input.baseUrl);
  const timeoutSeconds = checkTimeout(input.timeoutSeconds);
  const stored = await readStoredConnection(ctx);

  let sealed = stored ? { ciphertext: stored.tokenCiphertext, keyId: stored.keyId } : null;
  if (input.token !== undefined) {
    sealed = sealSecret(resolveSecretKey(ctx.config), TOKEN_PURPOSE, checkToken(input.token));
  }
  if (!sealed) {
    throw new InvalidInputError('Give a DHIS2 personal access token: no token is stored yet.', 'body.token');
  }

  const now = ctx.now();
  const next: StoredDhis2Connection = {
    baseUrl,
    tokenCiphertext: sealed.ciphertext,
    keyId: sealed.keyId,
    timeoutSeconds: timeoutSeconds ?? stored?.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS,
    updatedAt: now,
    updatedBy: caller.username,
  };
  await ctx.store.settings.set(DHIS2_CONNECTION_KEY, next, now);
  await ctx.store.audit.record(
    {
      actor: caller.username,
      action: 'dhis2.connection.save',
      targetType: 'setting',
      targetId: DHIS2_CONNECTION_KEY,
      details: { baseUrl, tokenChanged: input.token !== undefined, timeoutSeconds: next.timeoutSeconds },
    },
    now,
  );
  return toView(next);
}

export async function deleteDhis2Connection(ctx: AppContext, caller: Caller): Promise<void> {
  requireRole(caller, 'admin');
  requireFleetScope(caller, 'Removing the DHIS2 connection');

  // The settings table has no delete; null reads as "not configured" everywhere.
  await ctx.store.settings.set(DHIS2_CONNECTION_KEY, null, ctx.now());
  await ctx.store.audit.record(
    { actor: caller.username, action: 'dhis2.connection.delete', targetType: 'setting', targetId: DHIS2_CONNECTION_KEY },
    ctx.now(),
  );
}

/**
 * Calls /api/system/info and /api/me with the stored connection, or with
 * values typed in the form and not saved yet, and reports DHIS2's version and user.
 */
export async function testDhis2Connection(ctx: AppContext, caller: Caller, input: Partial<Dhis2ConnectionInput> = {}): Promise<ConnectionTestResult> {
  requireRole(caller, 'admin');
  requireFleetScope(caller, 'Testing the DHIS2 connection');

  const stored = await readStoredConnection(ctx);
  const baseUrl = input.baseUrl !== undefined ? normaliseBaseUrl(input.baseUrl) : stored?.baseUrl;
  if (!baseUrl) throw new InvalidInputError('Give the DHIS2 base URL to test: none is saved yet.', 'body.baseUrl');
  let token: string | null = null;
  if (input.token !== undefined) token = checkToken(input.token);
  else if (stored) token = readToken(ctx, stored);
  if (!token) throw new InvalidInputError('Give a DHIS2 personal access token to test: none is saved yet.', 'body.token');
  const timeoutSeconds = checkTimeout(input.timeoutSeconds) ?? stored?.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS;

  const client = new Dhis2Client({ baseUrl, token, timeoutMs: timeoutSeconds * 1000 });
  const result = await runTest(client);
  const now = ctx.now();

  // A test of the saved values is kept, so the page shows when it last worked.
  const testedStored = stored && baseUrl === stored.baseUrl && input.token === undefined;
  if (testedStored) await ctx.store.settings.set(DHIS2_CONNECTION_KEY, { ...stored, lastTest: { ...result, at: now } }, now);
  await ctx.store.audit.record(
    {
      actor: caller.username,
      action: 'dhis2.connection.test',
      targetType: 'setting',
      targetId: DHIS2_CONNECTION_KEY,
      details: { baseUrl, ok: result.ok, version: result.version, dhis2User: result.user?.username ?? null },
    },
    now,
  );
  return result;
}

async function runTest(client: Dhis2Client): Promise<ConnectionTestResult> {
  const result: ConnectionTestResult = { ok: false, version: null, support: null, systemName: null, user: null, message: null };
  try {
    const info = await client.get<Record<string, unknown>>('/api/system/info');
    const version = parseDhis2Version(info.version);
    result.version = typeof info.version === 'string' ? info.version : null;
    result.systemName = typeof info.systemName === 'string' ? info.systemName : null;
    if (!version) {
      result.message = 'DHIS2 returned /api/system/info without a version. Check that the base URL is a DHIS2 server.';
      return result;
    }
    result.support = versionSupport(version);

    const me = await client.get<Record<string, unknown>>('/api/me', { fields: 'id,username,firstName,surname,userCredentials[username]' });
    const credentials = (me.userCredentials ?? {}) as { username?: unknown };
    // DHIS2 before 2.42 also returns the username inside userCredentials, which 2.42 removed.
    let username = '';
    if (typeof me.username === 'string') username = me.username;
    else if (typeof credentials.username === 'string') username = credentials.username;
    result.user = { id: String(me.id ?? ''), username, name: `${me.firstName ?? ''} ${me.surname ?? ''}`.trim() };

    result.ok = result.support !== 'too_old';
    result.message = supportMessage(result.support, result.version);
  } catch (error) {
    if (!(error instanceof Dhis2Error)) throw error;
    result.message = error.message;
  }
  return result;
}

export function supportMessage(support: VersionSupport, version: string | null): string | null {
  if (support === 'too_old') return `DHIS2 ${version} is older than 2.38, the oldest version Outpost supports. Upgrade DHIS2 first.`;
  if (support === 'newer') return `DHIS2 ${version} is newer than 2.43, the newest version Outpost was tested with; it should work, but check the first sync.`;
  return null;
}

/**
 * A client for the saved connection, for sync and APK distribution.
 * Throws ConflictError when no connection is saved or the token cannot be read.
 */
export async function loadDhis2Client(ctx: AppContext, signal?: AbortSignal): Promise<{ client: Dhis2Client; baseUrl: string }> {
  const stored = await readStoredConnection(ctx);
  if (!stored) {
    throw new ConflictError('dhis2_not_configured', 'No DHIS2 connection is saved. Enter the base URL and a token under DHIS2 > Connection first.');
  }
  const client = new Dhis2Client({ baseUrl: stored.baseUrl, token: readToken(ctx, stored), timeoutMs: stored.timeoutSeconds * 1000, signal });
  return { client, baseUrl: stored.baseUrl };
}

/**
 * Runs DHIS2 calls for a console request and turns a DHIS2 failure into a
 * 4xx that carries the client's message (what failed and what to check).
 */
export async function withDhis2Errors<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof Dhis2Error) throw new ServiceError('unprocessable', `dhis2_${error.kind}`, error.message);
    throw error;
  }
}

/** The saved connection, or undefined when none is saved or it was removed (stored as null). */
export async function readStoredConnection(ctx: AppContext): Promise<StoredDhis2Connection | undefined> {
  return (await ctx.store.settings.get<StoredDhis2Connection | null>(DHIS2_CONNECTION_KEY)) ?? undefined;
}

function readToken(ctx: AppContext, stored: StoredDhis2Connection): string {
  try {
    return openSecret(resolveSecretKey(ctx.config), TOKEN_PURPOSE, { ciphertext: stored.tokenCiphertext, keyId: stored.keyId });
  } catch (error) {
    if (error instanceof SecretKeyMismatchError) throw new ConflictError('dhis2_token_unreadable', error.message, 'body.token');
    throw error;
  }
}

/** Checks and tidies a base URL: http or https, no credentials, query or fragment, no trailing /api. */
export function normaliseBaseUrl(text: string): string {
  const trimmed = text.trim();
  let url: URL;
  try {
    url = new URL(trimmed);
  } catch {
    throw new InvalidInputError(`Invalid DHIS2 base URL "${trimmed}": give a full address such as https://dhis2.example.org.`, 'body.baseUrl');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new InvalidInputError(
      `Invalid DHIS2 base URL "${trimmed}": it must start with https:// (or http:// on a private network), not ${url.protocol}//.`,
      'body.baseUrl',
    );
  }
  if (url.username || url.password) {
    throw new InvalidInputError('The DHIS2 base URL must not contain a user name or password; put the token in the token field.', 'body.baseUrl');
  }
  if (url.search || url.hash) {
    throw new InvalidInputError(`Invalid DHIS2 base URL "${trimmed}": remove the part after "?" or "#".`, 'body.baseUrl');
  }
  const path = url.pathname.replace(/\/+$/, '');
  if (/\/api(\/|$)/.test(path) || /\/dhis-web-/.test(path)) {
    throw new InvalidInputError(
      `Invalid DHIS2 base URL "${trimmed}": give the DHIS2 root, the part before /api or /dhis-web-…, e.g. ${url.origin}${path.split(/\/api|\/dhis-web-/)[0]}.`,
      'body.baseUrl',
    );
  }
  return `${url.origin}${path}`;
}

function checkToken(token: string): string {
  const trimmed = token.trim();
  if (trimmed === '' || trimmed.length > MAX_TOKEN_LENGTH || /\s/.test(trimmed)) {
    throw new InvalidInputError(
      `Invalid token: paste the DHIS2 personal access token (d2p_… or d2pat_…), one word of at most ${MAX_TOKEN_LENGTH} characters.`,
      'body.token',
    );
  }
  return trimmed;
}

function checkTimeout(seconds: number | undefined): number | undefined {
  if (seconds === undefined) return undefined;
  if (!Number.isInteger(seconds) || seconds < MIN_TIMEOUT_SECONDS || seconds > MAX_TIMEOUT_SECONDS) {
    throw new InvalidInputError(`Invalid timeout ${seconds}: give whole seconds from ${MIN_TIMEOUT_SECONDS} to ${MAX_TIMEOUT_SECONDS}.`, 'body.timeoutSeconds');
  }
  return seconds;
}

function toView(stored: StoredDhis2Connection | undefined): Dhis2ConnectionView {
  return {
    configured: stored !== undefined,
    baseUrl: stored?.baseUrl ?? null,
    tokenSet: stored !== undefined && stored.tokenCiphertext !== '',
    timeoutSeconds: stored?.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS,
    updatedAt: stored?.updatedAt ?? null,
    updatedBy: stored?.updatedBy ?? null,
    lastTest: stored?.lastTest ?? null,
  };
}

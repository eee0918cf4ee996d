import type { AppContext } from '../context.js';
import { roleAllows, type ConsoleRole } from '../domain/roles.js';
import { readCapped } from '../dhis2/client.js';

// A user with thousands of org units and groups gives an /api/me of a few
// hundred KB; 4 MB stops a broken or hostile server from filling memory.
const MAX_ME_RESPONSE_BYTES = 4 * 1024 * 1024;

/** Settings key of the "sign in with DHIS2" options. */
export const DHIS2_LOGIN_KEY = 'auth.dhis2Login';
/** Settings key of the DHIS2 connection, written by the DHIS2 connection service. */
const DHIS2_CONNECTION_KEY = 'dhis2.connection';

/** Admin options of "sign in with DHIS2", off until an admin turns them on. */
export interface Dhis2LoginSettings {
  enabled: boolean;
  /** DHIS2 user group uid → Outpost role. A user in several mapped groups gets the highest role. */
  groupRoles: Array<{ groupId: string; role: ConsoleRole }>;
}

export const DEFAULT_DHIS2_LOGIN: Dhis2LoginSettings = { enabled: false, groupRoles: [] };

// A sign-in waits on DHIS2; beyond 15 s the person at the login page
// retries anyway, and the connection's own timeout applies when shorter.
const DHIS2_LOGIN_TIMEOUT_MS = 15_000;

/** The DHIS2 account behind a set of credentials, as /api/me describes it. */
export interface Dhis2Account {
  id: string;
  username: string;
  disabled: boolean;
  groupIds: string[];
  orgUnitIds: string[];
}

/** Reason DHIS2 did not confirm the credentials. */
export type Dhis2CheckFailure = 'rejected' | 'unreachable' | 'not_configured';

export async function readDhis2LoginSettings(ctx: AppContext): Promise<Dhis2LoginSettings> {
  return (await ctx.store.settings.get<Dhis2LoginSettings>(DHIS2_LOGIN_KEY)) ?? DEFAULT_DHIS2_LOGIN;
}

/**
 * Asks the connected DHIS2 who the credentials belong to, with
 * GET /api/me and Basic auth. The password goes only into that request's
 * Authorization header: it is never stored, logged or put in an error.
 */
export async function checkDhis2Credentials(
  ctx: AppContext,
  username: string,
  password: string,
): Promise<Dhis2Account | Dhis2CheckFailure> {
  const connection = await ctx.store.settings.get<{ baseUrl?: string; timeoutSeconds?: number }>(DHIS2_CONNECTION_KEY);
  if (!connection?.baseUrl) return 'not_configured';

  const url = new URL(`${connection.baseUrl.replace(/\/+$/, '')}/api/me`);
  url.searchParams.set('fields', 'id,username,disabled,userGroups[id],organisationUnits[id,path]');
  const timeoutMs = Math.min(DHIS2_LOGIN_TIMEOUT_MS, (connection.timeoutSeconds ?? Number.POSITIVE_INFINITY) * 1000);

  let response: Response;
  try {
    response = await fetch(url, {
      headers: { Authorization: `Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}`, Accept: 'application/json' },
      signal: AbortSignal.timeout(timeoutMs),
      redirect: 'manual',
    });
  } catch (error) {
    ctx.logger.warn({ baseUrl: connection.baseUrl, reason: (error as Error).name }, 'dhis2 sign-in could not reach dhis2');
    return 'unreachable';
  }

  if (response.status === 401 || response.status === 403) return 'rejected';
  const type = response.headers.get('content-type') ?? '';
  if (!response.ok || !type.includes('json')) {
    // A redirect or an HTML page means a login form in front of the API.
    ctx.logger.warn({ baseUrl: connection.baseUrl, status: response.status, contentType: type }, 'dhis2 sign-in got an unusable response');
    return 'unreachable';
  }
  let text: string;
  try {
    text = await readCapped(response, MAX_ME_RESPONSE_BYTES, 'GET /api/me');
  } catch (error) {
    ctx.logger.warn({ baseUrl: connection.baseUrl, reason: (error as Error).message }, 'dhis2 sign-in got an unusable response');
    return 'unreachable';
  }
  return toAccount(parseJsonOrNull(text), username);
}

function parseJsonOrNull(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}

function toAccount(body: unknown, username: string): Dhis2Account | Dhis2CheckFailure {
  if (typeof body !== 'object' || body === null) return 'unreachable';
  const me = body as { id?: unknown; username?: unknown; disabled?: unknown; userGroups?: unknown; organisationUnits?: unknown };
  if (typeof me.id !== 'string') return 'unreachable';

  const ids = (list: unknown) =>
    Array.isArray(list) ? list.flatMap((item) => (typeof (item as { id?: unknown })?.id === 'string' ? [(item as { id: string }).id] : [])) : [];
  return {
    id: me.id,
    username: typeof me.username === 'string' ? me.username : username,
    disabled: me.disabled === true,
    groupIds: ids(me.userGroups),
    orgUnitIds: ids(me.organisationUnits),
  };
}

/** Returns the highest role that any of the user's groups maps to, or null when none does. */
export function roleOfGroups(settings: Dhis2LoginSettings, groupIds: readonly string[]): ConsoleRole | null {
  let best: ConsoleRole | null = null;
  for (const mapping of settings.groupRoles) {
    if (!groupIds.includes(mapping.groupId)) continue;
    if (best === null || !roleAllows(best, mapping.role)) best = mapping.role;
  }
  return best;
}

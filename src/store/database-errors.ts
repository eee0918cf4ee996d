// Errors that mean the database cannot be reached right now, as opposed to
// errors in a query. A request that fails with one can succeed when retried.

// Node socket errors when the server is down, restarting or unreachable.
const SOCKET_ERROR_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);

// PostgreSQL SQLSTATEs of a server that is going away or not accepting
// connections yet: class 08 (connection exception), 53300
// too_many_connections, 57P01 admin_shutdown, 57P02 crash_shutdown,
// 57P03 cannot_connect_now.
const UNAVAILABLE_SQLSTATES = new Set(['53300', '57P01', '57P02', '57P03']);

// node-postgres (pg 8) reports a closed socket and a connect timeout with
// these messages and no code.
const DRIVER_MESSAGES = [
  'Connection terminated unexpectedly',
  'Connection terminated due to connection timeout',
  'Connection terminated',
  'timeout exceeded when trying to connect',
  'Client has encountered a connection error and is not queryable',
];

// A wrapping error may carry the socket error as its cause, so this many levels of `cause` are searched.
const MAX_CAUSE_DEPTH = 3;

/** Returns whether `error` means the database is unreachable, so the same request may succeed later. */
export function isDatabaseUnavailable(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth <= MAX_CAUSE_DEPTH && current instanceof Error; depth += 1) {
    if (matchesUnavailable(current)) return true;
    current = current.cause;
  }
  return false;
}

function matchesUnavailable(error: Error): boolean {
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') {
    if (SOCKET_ERROR_CODES.has(code) || UNAVAILABLE_SQLSTATES.has(code) || code.startsWith('08')) return true;
  }
  if (error instanceof AggregateError && error.errors.some((inner) => inner instanceof Error && matchesUnavailable(inner))) {
    return true;
  }
  return DRIVER_MESSAGES.some((message) => error.message === message);
}

/**
 * Returns the fields of a database error that are safe to log: the message
 * and code. node-postgres attaches the client, with the password of the
 * connection, to errors of idle connections, so the whole error must not be
 * logged.
 */
export function databaseErrorFields(error: unknown): { reason: string; code?: string } {
  if (!(error instanceof Error)) return { reason: String(error) };

  const code = (error as { code?: unknown }).code;
  const reason = error.message !== '' ? error.message : error.name;
  return typeof code === 'string' ? { reason, code } : { reason };
}

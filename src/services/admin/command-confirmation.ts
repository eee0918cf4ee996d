import type { Caller } from '../../auth/caller.js';
import { verifyPassword } from '../../auth/passwords.js';
import type { AppContext } from '../../context.js';
import { ForbiddenError, InvalidInputError } from '../../domain/errors.js';

/** Fields the operator re-enters before a wipe or a screen-lock password reset. */
export interface DangerConfirmation {
  /** The operator's own console password. */
  password?: string;
  /** The agent device id, typed, for a wipe of one device. */
  deviceId?: string;
  /** The number of selected devices, typed, for a bulk wipe. */
  deviceCount?: number;
}

/** The command being confirmed and what it targets. */
export type DangerTarget =
  | { kind: 'device'; type: string; devicePk: string; deviceId: string }
  | { kind: 'bulk'; type: string; deviceCount: number };

// Failed re-entries a user may make in the window before further attempts
// are rejected without checking, so a stolen session cannot be used to
// guess the account password through this check.
const MAX_FAILURES = 5;
const FAILURE_WINDOW_MS = 15 * 60_000;

// NOTE: failures are counted per server process, so with several processes
// behind a load balancer each allows MAX_FAILURES.
const failuresByContext = new WeakMap<AppContext, Map<string, number[]>>();

/**
 * Checks the re-entered password, and for a wipe the typed device id or
 * device count, before a dangerous command is queued. Audits the request
 * and, when a check fails, the refusal with its reason, then throws: a
 * missing or mistyped field is a 400 naming it, a wrong password a 403.
 */
export async function confirmDangerousCommand(
  ctx: AppContext,
  caller: Caller,
  target: DangerTarget,
  confirmation: DangerConfirmation | undefined,
  field = 'body.confirmation',
): Promise<void> {
  const now = ctx.now();
  await audit(ctx, caller, 'command.requested', target, {}, now);

  const reject = async (reason: string, error: Error): Promise<never> => {
    await audit(ctx, caller, 'command.refused', target, { reason }, now);
    ctx.logger.warn({ user: caller.username, type: target.type, reason }, 'dangerous command rejected');
    throw error;
  };

  if (recentFailures(ctx, caller.userId, now) >= MAX_FAILURES) {
    await reject(
      'too_many_failures',
      new ForbiddenError(
        `The password was entered wrongly ${MAX_FAILURES} times in ${FAILURE_WINDOW_MS / 60_000} minutes. Wait, then try again.`,
        'reauthentication_locked',
      ),
    );
  }

  const password = confirmation?.password ?? '';
  if (password === '') {
    await reject('password_missing', new InvalidInputError(`Re-enter your password in password to confirm the ${target.type}.`, `${field}.password`));
  }

  if (target.kind === 'device' && target.type === 'wipe' && confirmation?.deviceId?.trim() !== target.deviceId) {
    await reject(
      'device_id_mismatch',
      new InvalidInputError(`Type the device id ${target.deviceId} in deviceId to confirm the wipe.`, `${field}.deviceId`),
    );
  }
  if (target.kind === 'bulk' && confirmation?.deviceCount !== target.deviceCount) {
    await reject(
      'device_count_mismatch',
      new InvalidInputError(
        `The selection has ${target.deviceCount} devices; type ${target.deviceCount} in deviceCount to confirm the ${target.type}.`,
        `${field}.deviceCount`,
      ),
    );
  }

  const user = await ctx.store.users.findById(caller.userId);
  if (!user || !(await verifyPassword(user.password_hash, password))) {
    recordFailure(ctx, caller.userId, now);
    await reject('password_wrong', new ForbiddenError('The password is wrong; re-enter your own console password.', 'reauthentication_failed'));
  }
  failuresByContext.get(ctx)?.delete(caller.userId);
}

async function audit(
  ctx: AppContext,
  caller: Caller,
  action: string,
  target: DangerTarget,
  extra: Record<string, unknown>,
  now: number,
): Promise<void> {
  const details =
    target.kind === 'device'
      ? { type: target.type, deviceId: target.deviceId, ...extra }
      : { type: target.type, deviceCount: target.deviceCount, ...extra };
  await ctx.store.audit.record(
    {
      actor: caller.username,
      action,
      targetType: target.kind === 'device' ? 'device' : 'bulk_job',
      targetId: target.kind === 'device' ? target.devicePk : null,
      details,
    },
    now,
  );
}

function recentFailures(ctx: AppContext, userId: string, now: number): number {
  const times = failuresByContext.get(ctx)?.get(userId) ?? [];
  return times.filter((time) => now - time < FAILURE_WINDOW_MS).length;
}

function recordFailure(ctx: AppContext, userId: string, now: number): void {
  let byUser = failuresByContext.get(ctx);
  if (!byUser) {
    byUser = new Map();
    failuresByContext.set(ctx, byUser);
  }
  const recent = (byUser.get(userId) ?? []).filter((time) => now - time < FAILURE_WINDOW_MS);
  byUser.set(userId, [...recent, now]);
}

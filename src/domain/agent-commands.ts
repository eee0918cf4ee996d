// Maps a device's open one-shot commands to the configuration flags the
// agent acts on, and decides which command states change once the
// configuration has been delivered.

/** Command types that travel in the configuration, not over push. */
export const CONFIG_COMMAND_TYPES = {
  reboot: ['reboot'],
  // The console may call a factory reset a wipe; both mean the same action.
  factoryReset: ['factoryReset', 'wipe'],
  passwordReset: ['passwordReset'],
  lock: ['lock'],
  unlock: ['unlock'],
} as const;

/** An open (queued or sent) command of the device's current enrolment generation. */
export interface OpenCommand {
  id: string;
  type: string;
  state: 'queued' | 'sent';
  /** Parsed payload_json, or null. */
  payload: unknown;
}

/** Configuration fields set by commands, in the agent's field names. */
export interface CommandFlags {
  reboot?: true;
  factoryReset?: true;
  /** Always present: false unlocks a device that a lock left locked. */
  lock: boolean;
  lockMessage?: string;
  passwordReset?: string;
}

export interface CommandDelivery {
  flags: CommandFlags;
  /** Commands the configuration carries; queued ones become sent. */
  deliveredIds: string[];
  /** Commands finished by this delivery, with their final state. */
  settled: Array<{ id: string; state: 'confirmed' | 'cancelled' | 'failed' }>;
}

/**
 * Builds the command flags of one configuration. `commands` must be in
 * creation order. Reboot and factory reset stay open until the agent
 * confirms them. A lock stays open until an unlock replaces it, and an
 * unlock is complete once delivered.
 */
export function planCommandDelivery(commands: readonly OpenCommand[]): CommandDelivery {
  const delivery: CommandDelivery = { flags: { lock: false }, deliveredIds: [], settled: [] };

  for (const command of commands) {
    if (isType(command, 'reboot')) {
      delivery.flags.reboot = true;
      delivery.deliveredIds.push(command.id);
    } else if (isType(command, 'factoryReset')) {
      delivery.flags.factoryReset = true;
      delivery.deliveredIds.push(command.id);
    }
  }

  planPasswordReset(commands, delivery);
  planLock(commands, delivery);
  return delivery;
}

function planPasswordReset(commands: readonly OpenCommand[], delivery: CommandDelivery): void {
  const resets = commands.filter((command) => isType(command, 'passwordReset'));
  let chosen: OpenCommand | undefined;

  // The newest reset with a usable password wins; older ones are replaced.
  for (const command of [...resets].reverse()) {
    const password = payloadText(command.payload, ['password', 'newPassword']);
    if (password === null) {
      delivery.settled.push({ id: command.id, state: 'failed' });
    } else if (chosen) {
      delivery.settled.push({ id: command.id, state: supersededState(command) });
    } else {
      chosen = command;
      delivery.flags.passwordReset = password;
      delivery.deliveredIds.push(command.id);
    }
  }
}

function planLock(commands: readonly OpenCommand[], delivery: CommandDelivery): void {
  const lockCommands = commands.filter((command) => isType(command, 'lock') || isType(command, 'unlock'));
  const latest = lockCommands.at(-1);
  if (!latest) return;

  for (const older of lockCommands.slice(0, -1)) {
    delivery.settled.push({ id: older.id, state: supersededState(older) });
  }

  if (isType(latest, 'unlock')) {
    delivery.settled.push({ id: latest.id, state: 'confirmed' });
    return;
  }

  delivery.flags.lock = true;
  const message = payloadText(latest.payload, ['message', 'lockMessage']);
  if (message !== null) delivery.flags.lockMessage = message;
  delivery.deliveredIds.push(latest.id);
}

/** Returns the final state of a replaced command: confirmed if it reached the device, else cancelled. */
function supersededState(command: OpenCommand): 'confirmed' | 'cancelled' {
  return command.state === 'sent' ? 'confirmed' : 'cancelled';
}

function isType(command: OpenCommand, kind: keyof typeof CONFIG_COMMAND_TYPES): boolean {
  return (CONFIG_COMMAND_TYPES[kind] as readonly string[]).includes(command.type);
}

function payloadText(payload: unknown, keys: string[]): string | null {
  if (typeof payload !== 'object' || payload === null) return null;

  for (const key of keys) {
    const value = (payload as Record<string, unknown>)[key];
    if (typeof value === 'string') return value;
  }
  return null;
}

/** Configuration fields that lost mode sets, over the policy's own. */
export interface LostModeFlags {
  lock: true;
  lockMessage?: string;
  /** Starts the agent's location service, which keeps the reported last-known position fresh. */
  requestUpdates: 'gps';
}

/**
 * Returns the fields of a device in lost mode: locked with its message, and
 * asking for GPS location updates. They override the device's open
 * commands, so a lost phone stays locked until lost mode ends.
 */
export function lostModeFlags(message: string | null): LostModeFlags {
  const flags: LostModeFlags = { lock: true, requestUpdates: 'gps' };
  if (message !== null) flags.lockMessage = message;
  return flags;
}

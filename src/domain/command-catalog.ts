// The remote actions an operator can send to a device: how each one
// travels to the agent, which role it needs, and which states it can reach.

import type { ConsoleRole } from './roles.js';

/** Command types as the admin API and the commands table name them. */
export const COMMAND_TYPES = [
  'lock',
  'unlock',
  'reboot',
  'wipe',
  'passwordReset',
  'uninstallApp',
  'clearAppData',
  'grantPermissions',
  'message',
  'sync',
] as const;
export type CommandType = (typeof COMMAND_TYPES)[number];

export type CommandState = 'queued' | 'sent' | 'confirmed' | 'failed' | 'expired' | 'cancelled';

/**
 * Delivery path of a command to the agent. A config command sets a field of the
 * configuration the agent fetches. A push command is a push message, which
 * the agent acts on at once and never acknowledges.
 */
export type CommandDelivery = 'config' | 'push';

export interface CommandSpec {
  delivery: CommandDelivery;
  /** Lowest console role that may send it to one device. */
  role: ConsoleRole;
  /** Lowest console role that may send it to a selection of devices, or null when no bulk action exists. */
  bulkRole: ConsoleRole | null;
  /** Push message type, for push commands. */
  messageType?: string;
}

/**
 * Wipe and password reset need the operator role, like every other command,
 * plus the re-entered password of the operator and, for a wipe, the typed
 * device id. A bulk wipe needs the admin role. A bulk password reset is not
 * offered: one screen-lock password on many phones would defeat it.
 */
export const COMMAND_SPECS: Readonly<Record<CommandType, CommandSpec>> = {
  lock: { delivery: 'config', role: 'operator', bulkRole: 'operator' },
  unlock: { delivery: 'config', role: 'operator', bulkRole: 'operator' },
  reboot: { delivery: 'config', role: 'operator', bulkRole: 'operator' },
  wipe: { delivery: 'config', role: 'operator', bulkRole: 'admin' },
  passwordReset: { delivery: 'config', role: 'operator', bulkRole: null },
  uninstallApp: { delivery: 'push', role: 'operator', bulkRole: 'operator', messageType: 'uninstallApp' },
  clearAppData: { delivery: 'push', role: 'operator', bulkRole: 'operator', messageType: 'clearAppData' },
  grantPermissions: { delivery: 'push', role: 'operator', bulkRole: 'operator', messageType: 'grantPermissions' },
  // The agent re-broadcasts unknown types to companion apps as the intent
  // com.hmdm.push.textMessage, with the payload as its extra.
  message: { delivery: 'push', role: 'operator', bulkRole: 'operator', messageType: 'textMessage' },
  sync: { delivery: 'push', role: 'operator', bulkRole: 'operator', messageType: 'configUpdated' },
};

/** Command types that travel over push. */
export const PUSH_COMMAND_TYPES: readonly CommandType[] = COMMAND_TYPES.filter((type) => COMMAND_SPECS[type].delivery === 'push');

/** Command types that need a re-entered password. */
export const PASSWORD_CONFIRMED_TYPES: readonly CommandType[] = ['wipe', 'passwordReset'];

export function isCommandType(value: string): value is CommandType {
  return (COMMAND_TYPES as readonly string[]).includes(value);
}

/** Returns the command type of a push message type, or null when no command sends it. */
export function commandTypeOfMessage(messageType: string): CommandType | null {
  return PUSH_COMMAND_TYPES.find((type) => COMMAND_SPECS[type].messageType === messageType) ?? null;
}

/**
 * Returns whether an operator can still cancel a command. A queued command has not
 * reached the device. A sent config command is still in the configuration
 * and, for wipe and reboot, not yet confirmed, so cancelling it removes the
 * flag and the agent's confirmation gets a refusal. A sent push message
 * cannot be called back.
 */
export function isCancellable(type: string, state: CommandState): boolean {
  if (state === 'queued') return true;
  if (state !== 'sent') return false;
  return !isCommandType(type) || COMMAND_SPECS[type].delivery === 'config';
}

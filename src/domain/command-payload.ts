// Checks the parameters of each command type and turns them into the
// stored payload and the push message the agent reads.

import type { CommandType } from './command-catalog.js';
import { InvalidInputError } from './errors.js';

/** Maximum lock-screen message length, because the lock screen shows only a few lines. */
export const MAX_LOCK_MESSAGE_LENGTH = 500;

/** Maximum text message length; companion apps show it in a notification. */
export const MAX_TEXT_MESSAGE_LENGTH = 1000;

/**
 * Screen-lock password length limits. Android accepts a PIN of 4 digits as
 * the shortest credential; 64 is more than any policy requires.
 */
export const MIN_SCREEN_PASSWORD_LENGTH = 4;
export const MAX_SCREEN_PASSWORD_LENGTH = 64;

/** Maximum packages of one grantPermissions command. */
export const MAX_GRANT_PACKAGES = 50;

// Java package names: dot-separated segments of letters, digits and
// underscores, each starting with a letter, at least two segments.
const PACKAGE_NAME = /^[A-Za-z][A-Za-z0-9_]*(\.[A-Za-z][A-Za-z0-9_]*)+$/;
const MAX_PACKAGE_NAME_LENGTH = 255;

/** Parameters an operator gives with a command; which apply depends on the type. */
export interface CommandParameters {
  message?: string;
  /** passwordReset: the new screen-lock password. */
  newPassword?: string;
  packageName?: string;
  packageNames?: string[];
}

/** Returns the payload to store for a command, after checking the parameters the type needs and rejecting the others. */
export function commandPayload(type: CommandType, parameters: CommandParameters, fieldPrefix = 'body'): Record<string, unknown> | undefined {
  rejectUnused(type, parameters, fieldPrefix);

  switch (type) {
    case 'lock':
      return { message: lockMessage(parameters.message, `${fieldPrefix}.message`) };
    case 'passwordReset':
      return { password: screenPassword(parameters.newPassword, `${fieldPrefix}.newPassword`) };
    case 'uninstallApp':
    case 'clearAppData':
      return { packageName: packageName(parameters.packageName, `${fieldPrefix}.packageName`) };
    case 'grantPermissions':
      return { packageNames: packageNames(parameters.packageNames ?? [], `${fieldPrefix}.packageNames`) };
    case 'message':
      return { text: messageText(parameters.message, `${fieldPrefix}.message`) };
    default:
      return undefined;
  }
}

/**
 * Builds the push message payload of a push command from its stored
 * payload, in the keys the agent reads. uninstallApp and clearAppData take
 * `pkg`. grantPermissions takes `pkg` as a package or a list of them, or no
 * key for every app of the configuration.
 */
export function pushPayload(type: CommandType, payload: unknown): Record<string, unknown> | null {
  const stored = typeof payload === 'object' && payload !== null ? (payload as Record<string, unknown>) : {};

  switch (type) {
    case 'uninstallApp':
    case 'clearAppData':
      return { pkg: stored.packageName };
    case 'grantPermissions': {
      const names = Array.isArray(stored.packageNames) ? stored.packageNames : [];
      if (names.length === 0) return {};
      return { pkg: names.length === 1 ? names[0] : names };
    }
    case 'message':
      return { text: stored.text };
    default:
      return null;
  }
}

const PARAMETERS_OF: Record<CommandType, Array<keyof CommandParameters>> = {
  lock: ['message'],
  unlock: [],
  reboot: [],
  wipe: [],
  passwordReset: ['newPassword'],
  uninstallApp: ['packageName'],
  clearAppData: ['packageName'],
  grantPermissions: ['packageNames'],
  message: ['message'],
  sync: [],
};

function rejectUnused(type: CommandType, parameters: CommandParameters, fieldPrefix: string): void {
  const allowed = PARAMETERS_OF[type];
  for (const key of Object.keys(parameters) as Array<keyof CommandParameters>) {
    if (parameters[key] === undefined || allowed.includes(key)) continue;

    const accepted = allowed.length === 0 ? 'takes no parameters' : `takes only ${allowed.join(', ')}`;
    throw new InvalidInputError(`A ${type} command ${accepted}; remove ${key}.`, `${fieldPrefix}.${key}`);
  }
}

/** Returns the trimmed lock-screen message, or null for none. */
export function lockMessage(value: string | undefined | null, field: string): string | null {
  const text = value?.trim() ?? '';
  if (text.length > MAX_LOCK_MESSAGE_LENGTH) {
    throw new InvalidInputError(`The lock message has ${text.length} characters; the maximum is ${MAX_LOCK_MESSAGE_LENGTH}.`, field);
  }
  return text === '' ? null : text;
}

function screenPassword(password: string | undefined, field: string): string {
  if (password === undefined) {
    throw new InvalidInputError('A passwordReset command needs newPassword: the new screen-lock password.', field);
  }
  if (password.length < MIN_SCREEN_PASSWORD_LENGTH || password.length > MAX_SCREEN_PASSWORD_LENGTH) {
    throw new InvalidInputError(
      `The screen-lock password must have ${MIN_SCREEN_PASSWORD_LENGTH} to ${MAX_SCREEN_PASSWORD_LENGTH} characters.`,
      field,
    );
  }
  return password;
}

function packageName(value: string | undefined, field: string): string {
  if (value === undefined) throw new InvalidInputError('This command needs packageName, e.g. com.dhis2.', field);
  if (value.length > MAX_PACKAGE_NAME_LENGTH || !PACKAGE_NAME.test(value)) {
    throw new InvalidInputError(`${JSON.stringify(value)} is not an Android package name such as com.dhis2.`, field);
  }
  return value;
}

function packageNames(values: string[], field: string): string[] {
  if (values.length > MAX_GRANT_PACKAGES) {
    throw new InvalidInputError(`List at most ${MAX_GRANT_PACKAGES} packages, or none for every app of the policy.`, field);
  }
  return [...new Set(values.map((value, index) => packageName(value, `${field}.${index}`)))];
}

function messageText(value: string | undefined, field: string): string {
  const text = value?.trim() ?? '';
  if (text === '') throw new InvalidInputError('A message command needs message: the text to show on the phone.', field);
  if (text.length > MAX_TEXT_MESSAGE_LENGTH) {
    throw new InvalidInputError(`The message has ${text.length} characters; the maximum is ${MAX_TEXT_MESSAGE_LENGTH}.`, field);
  }
  return text;
}

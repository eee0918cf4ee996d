import type { PushMessage } from './agent-calls.js';
import type { InstalledPackages } from './installer.js';

/**
 * Effects of remote commands on one phone, kept across wipes so tests can
 * count each effect. The agent itself keeps no such record.
 */
export class CommandEffects {
  /** Texts of textMessage pushes, which the agent re-broadcasts to companion apps. */
  readonly textMessages: string[] = [];
  /** Packages whose data a clearAppData push cleared. */
  readonly clearedAppData: string[] = [];
  /** Package lists of grantPermissions pushes; an empty list means every app of the configuration. */
  readonly permissionGrants: string[][] = [];
  /** Other message types re-broadcast as com.hmdm.push.<type>, in arrival order. */
  readonly broadcasts: string[] = [];
  /** Screen-lock passwords set by passwordReset, in order. */
  readonly screenPasswords: string[] = [];
}

/**
 * Carries out a push message that is a remote command: clearAppData and
 * grantPermissions act on installed apps (the agent is device owner), and
 * any type the agent does not handle itself, such as textMessage, is
 * re-broadcast. Returns false for the types the push listener handles
 * (configUpdated, reboot, uninstallApp).
 */
export function applyPushCommand(message: PushMessage, installed: InstalledPackages, effects: CommandEffects): boolean {
  const payload = parsePayload(message.payload);

  switch (message.messageType) {
    case 'configUpdated':
    case 'reboot':
    case 'uninstallApp':
      return false;
    case 'clearAppData': {
      const pkg = typeof payload.pkg === 'string' ? payload.pkg : null;
      // DPM clearApplicationUserData of a package that is not installed does nothing.
      if (pkg !== null && installed.has(pkg)) effects.clearedAppData.push(pkg);
      return true;
    }
    case 'grantPermissions': {
      const pkg = payload.pkg;
      const packages = typeof pkg === 'string' ? [pkg] : Array.isArray(pkg) ? pkg.filter((name) => typeof name === 'string') : [];
      effects.permissionGrants.push(packages);
      return true;
    }
    case 'textMessage':
      if (typeof payload.text === 'string') effects.textMessages.push(payload.text);
      effects.broadcasts.push(message.messageType);
      return true;
    default:
      effects.broadcasts.push(message.messageType);
      return true;
  }
}

/** Polling carries the payload as a JSON-encoded string; anything else reads as no payload. */
function parsePayload(payload: string | null): Record<string, unknown> {
  if (!payload) return {};
  try {
    const parsed: unknown = JSON.parse(payload);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

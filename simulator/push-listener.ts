import { POLL_PAUSE_AFTER_ERROR_MS, POLL_PAUSE_AFTER_RESPONSE_MS } from './agent-constants.js';
import { longPoll, type FleetEnvironment, type PushMessage } from './agent-calls.js';
import type { AgentDevice } from './agent-device.js';
import { applyPushCommand } from './commands.js';
import type { AgentCounters } from './stats.js';

export interface PushHandlers {
  onConfigUpdated(): void;
  onReboot(): void;
}

/**
 * The agent's long-polling service: one held GET at a time, a 5 s pause
 * after each response and 60 s after an HTTP 4xx or a failed request.
 * HTTP 5xx counts as an ordinary timeout.
 */
export class PushListener {
  /** Boot session of the running loop, or null when none should run. */
  private session: AbortController | null = null;
  /** Whether a long poll is sent and its response has not arrived yet. */
  waiting = false;

  constructor(
    private readonly env: FleetEnvironment,
    private readonly device: AgentDevice,
    private readonly counters: AgentCounters,
    private readonly handlers: PushHandlers,
  ) {}

  /**
   * Starts polling for a boot session, or stops after the current poll when
   * given null (the config chose another push transport). Returns the new
   * polling loop, or null when none was started.
   */
  follow(session: AbortController | null): Promise<void> | null {
    if (session === this.session) return null;
    this.session = session;
    return session && !session.signal.aborted ? this.loop(session) : null;
  }

  private async loop(session: AbortController): Promise<void> {
    const signal = session.signal;
    try {
      while (this.session === session && !signal.aborted) {
        const pause = await this.pollOnce(signal);
        if (!(await this.env.clock.sleep(pause, signal))) return;
      }
    } finally {
      if (this.session === session) this.session = null;
    }
  }

  /** Sends one poll, handles its messages and returns the pause before the next one. */
  private async pollOnce(signal: AbortSignal): Promise<number> {
    this.waiting = true;
    try {
      const result = await longPoll(this.env, this.device.deviceId, signal);
      this.waiting = false;
      this.counters.polls += 1;

      switch (result.kind) {
        case 'messages':
          this.handle(result.messages);
          return POLL_PAUSE_AFTER_RESPONSE_MS;
        case 'server-error':
          return POLL_PAUSE_AFTER_RESPONSE_MS;
        case 'client-error':
          return POLL_PAUSE_AFTER_ERROR_MS;
        case 'unparseable':
          this.counters.pushParseErrors += 1;
          return POLL_PAUSE_AFTER_ERROR_MS;
      }
    } catch {
      this.waiting = false;
      if (!signal.aborted) this.counters.networkErrors += 1;
      return POLL_PAUSE_AFTER_ERROR_MS;
    }
  }

  /** Acts on push messages, whether they came by long poll or by MQTT. */
  handle(messages: PushMessage[]): void {
    // One poll may carry several configUpdated entries, and one sync covers them.
    let configUpdated = false;
    for (const message of messages) {
      this.counters.pushMessages += 1;
      switch (message.messageType) {
        case 'configUpdated':
          configUpdated = true;
          break;
        case 'reboot':
          // The push path reboots at once, with no confirmation request.
          this.handlers.onReboot();
          return;
        case 'uninstallApp': {
          const pkg = payloadField(message.payload, 'pkg');
          if (pkg) this.device.uninstall(pkg);
          break;
        }
        default:
          // Other types act on the phone's apps, or are re-broadcast to companion apps.
          applyPushCommand(message, this.device.installed, this.device.effects);
          break;
      }
    }
    if (configUpdated) this.handlers.onConfigUpdated();
  }
}

function payloadField(payload: string | null, field: string): string | null {
  if (!payload) return null;
  try {
    const parsed: unknown = JSON.parse(payload);
    if (typeof parsed !== 'object' || parsed === null) return null;
    const value = (parsed as Record<string, unknown>)[field];
    return typeof value === 'string' ? value : null;
  } catch {
    return null;
  }
}

/** A message for the agent; `payload` is an object, encoded per transport. */
export interface PushMessage {
  messageType: string;
  payload?: Record<string, unknown> | null;
}

/** Wakes devices; implementations: long-poll hub now, MQTT later. */
export interface PushHub {
  /** Queues a message for each device; a repeated configUpdated is coalesced. */
  notify(deviceIds: readonly string[], message: PushMessage): void;
  /**
   * Resolves with the device's queued messages as soon as there are any, or
   * with an empty list after holdMs or when the signal aborts.
   */
  waitForMessages(deviceId: string, holdMs: number, signal: AbortSignal): Promise<PushMessage[]>;
  /** Number of long polls currently held open. */
  openPollCount(): number;
  /** Resolves every open poll with its queued messages and releases connections, at shutdown. */
  close(): void | Promise<void>;
}

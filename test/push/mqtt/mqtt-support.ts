import { connect, type IClientOptions, type IPublishPacket, type MqttClient } from 'mqtt';
import pino, { type Logger } from 'pino';

import { AGENT_MQTT_USERNAME, agentMqttPassword } from '../../../src/push/mqtt/credentials.js';

export const TEST_AGENT_SECRET = 'test-agent-secret';

export interface ReceivedMessage {
  topic: string;
  text: string;
  packet: IPublishPacket;
}

/** Logger whose JSON lines are kept in `lines` for assertions. */
export function captureLogger(): { logger: Logger; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  const logger = pino({ level: 'debug' }, { write: (line: string) => lines.push(JSON.parse(line)) });
  return { logger, lines };
}

/**
 * Connects an MQTT client the way the agent does: client id = device id,
 * persistent session, MQTT 3.1.1, user `hmdm` and the derived password.
 * Resolves with the client and its CONNACK, or rejects with the broker's error.
 */
export function connectAgent(
  port: number,
  deviceId: string,
  overrides: IClientOptions = {},
): Promise<{ client: MqttClient; sessionPresent: boolean; messages: ReceivedMessage[] }> {
  const client = connect(`mqtt://127.0.0.1:${port}`, {
    clientId: deviceId,
    clean: false,
    protocolVersion: 4,
    username: AGENT_MQTT_USERNAME,
    password: agentMqttPassword(TEST_AGENT_SECRET),
    reconnectPeriod: 0,
    keepalive: 30,
    ...overrides,
  });
  const messages: ReceivedMessage[] = [];
  client.on('message', (topic, payload, packet) => messages.push({ topic, text: payload.toString('utf8'), packet }));

  return new Promise((resolve, reject) => {
    client.once('connect', (connack) => resolve({ client, sessionPresent: connack.sessionPresent, messages }));
    client.once('error', (error) => {
      client.end(true);
      reject(error);
    });
    client.once('close', () => reject(new Error('connection closed before CONNACK')));
  });
}

/** Polls until the condition holds, or fails after timeoutMs with the description. */
export async function waitFor(condition: () => boolean, description: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${description}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

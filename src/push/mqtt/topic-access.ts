import { deviceIdProblem } from '../../domain/device-id.js';

/**
 * Returns why a client id cannot be used as an MQTT client id and topic, or
 * null when it can. The client id is the agent's device id, and it becomes
 * the device's topic, so an id with a wildcard could read other topics.
 */
export function clientIdProblem(clientId: string): string | null {
  const problem = deviceIdProblem(clientId);
  return problem === null ? null : `client id ${problem}`;
}

/**
 * Returns why the client may not subscribe to the topic, or null when it
 * may. A device may subscribe only to the topic equal to its client id.
 */
export function subscriptionProblem(clientId: string, topic: string): string | null {
  if (topic.includes('#') || topic.includes('+')) return 'wildcard subscriptions are not allowed';
  if (topic !== clientId) return 'a device may subscribe only to the topic equal to its client id';
  return null;
}

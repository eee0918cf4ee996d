import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * User name every agent sends in its MQTT CONNECT. The agent also uses this
 * text as the prefix of the string it hashes into the password.
 */
export const AGENT_MQTT_USERNAME = 'hmdm';

/**
 * Returns the MQTT password the agent derives from its request-signature
 * secret: the SHA-1 of "hmdm" + secret, as upper-case hex.
 */
export function agentMqttPassword(agentSecret: string): string {
  return createHash('sha1')
    .update(AGENT_MQTT_USERNAME + agentSecret, 'utf8')
    .digest('hex')
    .toUpperCase();
}

/**
 * Checks a CONNECT's user name and password against the agent's login.
 * Both passwords are hashed to SHA-256 first, so the comparison takes the
 * same time whatever the length or content of the password sent.
 */
export function isAgentLogin(
  username: string | undefined,
  password: Buffer | undefined,
  expectedPassword: string,
): boolean {
  const sent = sha256(password ?? Buffer.alloc(0));
  const expected = sha256(Buffer.from(expectedPassword, 'utf8'));
  const passwordMatches = timingSafeEqual(sent, expected);

  return passwordMatches && username === AGENT_MQTT_USERNAME && password !== undefined;
}

function sha256(data: Buffer): Buffer {
  return createHash('sha256').update(data).digest();
}

import type { Socket } from 'node:net';

import type { Aedes, AuthenticateError, AuthErrorCode, Client } from 'aedes';
import type { Logger } from 'pino';

import { ConnectionGuard, CONNECT_WINDOW_MS } from './connection-guard.js';
import { agentMqttPassword, isAgentLogin } from './credentials.js';
import { LogThrottle } from './log-throttle.js';
import { clientIdProblem, subscriptionProblem } from './topic-access.js';

// CONNACK return codes of MQTT 3.1.1 (section 3.2.2.3).
const CONNACK_IDENTIFIER_REJECTED = 2;
const CONNACK_SERVER_UNAVAILABLE = 3;
const CONNACK_BAD_USERNAME_OR_PASSWORD = 4;

export interface AccessControlOptions {
  agentSecret: string;
  logger: Logger;
  now?: () => number;
}

/**
 * Installs the embedded broker's rules on an Aedes instance: only the agent
 * login may connect, a device may subscribe only to the topic equal to its
 * client id, and no client may publish. Outpost publishes in-process through
 * `Aedes.publish`, which these rules do not apply to.
 *
 * Returns the connection guard, whose `sweep` the caller runs once a window.
 */
export function installAccessControl(broker: Aedes, options: AccessControlOptions): ConnectionGuard {
  const { logger } = options;
  const now = options.now ?? Date.now;
  const expectedPassword = agentMqttPassword(options.agentSecret);
  const guard = new ConnectionGuard(logger, now);
  const rejections = new LogThrottle(logger, CONNECT_WINDOW_MS, now);

  // Aedes closes the previous connection of a client id only after the new
  // one has authenticated, so this map still contains it during authenticate.
  const liveClients = new Map<string, Client>();
  broker.on('client', (client) => liveClients.set(client.id, client));
  broker.on('clientDisconnect', (client) => {
    if (liveClients.get(client.id) === client) liveClients.delete(client.id);
  });

  broker.authenticate = (client, username, password, done) => {
    const address = remoteAddressOf(client);

    if (!guard.admitConnect(client.id, address)) {
      done(connectError('too many connects for this client id', CONNACK_SERVER_UNAVAILABLE), null);
      return;
    }

    const idProblem = clientIdProblem(client.id);
    if (idProblem !== null) {
      rejections.warn('client-id', { deviceId: client.id, address, reason: idProblem }, 'mqtt connect rejected');
      done(connectError(idProblem, CONNACK_IDENTIFIER_REJECTED), null);
      return;
    }

    if (!isAgentLogin(username, password, expectedPassword)) {
      rejections.warn(
        'login',
        { deviceId: client.id, address, username },
        'mqtt connect rejected: bad user name or password',
      );
      done(connectError('bad user name or password', CONNACK_BAD_USERNAME_OR_PASSWORD), null);
      return;
    }

    const previous = liveClients.get(client.id);
    if (previous && !previous.closed) guard.recordTakeover(client.id, remoteAddressOf(previous), address);

    done(null, true);
  };

  broker.authorizeSubscribe = (client, subscription, done) => {
    const problem = subscriptionProblem(client.id, subscription.topic);
    if (problem === null) {
      done(null, subscription);
      return;
    }

    rejections.warn(
      `subscribe:${client.id}`,
      { deviceId: client.id, topic: subscription.topic, reason: problem },
      'mqtt subscription rejected',
    );
    // A null subscription makes Aedes send SUBACK 0x80 (failure) for this
    // topic and keep the connection, as MQTT 3.1.1 prescribes for a rejection.
    done(null, null);
  };

  broker.authorizePublish = (client, packet, done) => {
    rejections.warn(
      `publish:${client?.id ?? ''}`,
      { deviceId: client?.id ?? null, topic: packet.topic },
      'mqtt publish rejected: devices may not publish',
    );
    done(new Error('devices may not publish'));
  };

  // A second check on delivery, in case a subscription got past the first.
  broker.authorizeForward = (client, packet) => (packet.topic === client.id ? packet : null);

  return guard;
}

function connectError(message: string, returnCode: number): AuthenticateError {
  return Object.assign(new Error(message), { returnCode: returnCode as AuthErrorCode });
}

function remoteAddressOf(client: Client): string {
  const socket = client.conn as Partial<Socket>;
  return socket.remoteAddress ?? 'unknown';
}

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { CompositePushHub } from '../../src/push/composite-hub.js';
import { enrol, get, seedPolicy, seedToken } from '../agent-api/helpers.js';
import { connectAgent, TEST_AGENT_SECRET, waitFor } from '../push/mqtt/mqtt-support.js';
import type { TestServer } from '../support/server.js';
import { type ApiClient, signInAsAdmin, startApiServer } from './support/client.js';

// Push commands with the embedded MQTT broker: the message goes to the
// device's topic with `payload` as a JSON object, the command counts as sent
// once the broker takes it, and a phone on long polling still gets it.

let server: TestServer;
let admin: ApiClient;
let tokenId: string;

beforeAll(async () => {
  server = await startApiServer({ env: { OUTPOST_MQTT_MODE: 'embedded', OUTPOST_MQTT_HOST: '127.0.0.1', OUTPOST_MQTT_PORT: '0', OUTPOST_AGENT_SECRET: TEST_AGENT_SECRET } });
  admin = await signInAsAdmin(server);
  tokenId = await seedToken(server.ctx, { policyId: await seedPolicy(server.ctx, { settings: { pushMode: 'mqttWorker' } }) });
});

afterAll(async () => {
  await server.dispose();
});

async function enrolled(deviceId: string): Promise<string> {
  await enrol(server, deviceId, tokenId);
  return (await server.ctx.store.devices.findByDeviceId(deviceId))!.id;
}

describe('push commands over MQTT', () => {
  it('reach the device topic and count as sent', async () => {
    const pk = await enrolled('mqtt-phone');
    const port = (server.ctx.push as CompositePushHub).embeddedBrokerPort!;
    const { client, messages } = await connectAgent(port, 'mqtt-phone');
    await new Promise<void>((resolve, reject) => client.subscribe('mqtt-phone', { qos: 2 }, (error) => (error ? reject(error) : resolve())));

    const command = await admin.post(`/v1/devices/${pk}/commands`, { type: 'uninstallApp', packageName: 'org.example.game' });
    await waitFor(() => messages.length === 1, 'the uninstallApp message');
    client.end(true);

    expect(JSON.parse(messages[0]!.text)).toEqual({ messageType: 'uninstallApp', payload: { pkg: 'org.example.game' } });
    expect((await server.ctx.store.commands.findById(command.body.id))?.state).toBe('sent');
  });

  it('still reach a phone that long-polls', async () => {
    const pk = await enrolled('mqtt-polling-phone');
    await admin.post(`/v1/devices/${pk}/commands`, { type: 'message', message: 'Meeting moved to 10' });

    const poll = await get(server, '/rest/notification/polling/mqtt-polling-phone');

    expect(poll.json.data).toEqual([{ messageType: 'textMessage', payload: JSON.stringify({ text: 'Meeting moved to 10' }) }]);
  });
});

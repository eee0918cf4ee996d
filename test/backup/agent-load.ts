// A bounded loop of agent and admin requests that writes devices, reports
// and commands while a backup runs. It stops on stop(), after a round
// count, or after a time limit, whichever comes first.
import type { ApiClient } from '../admin-api/support/client.js';
import { deviceInfo, enrol, postJson } from '../agent-api/helpers.js';
import type { TestServer } from '../support/server.js';

// Enough writes to overlap a backup of a few seconds on the CI machine,
// few enough that the loop ends by itself if a test never calls stop().
const MAX_ROUNDS = 3000;
const MAX_DURATION_MS = 60_000;

export interface AgentLoad {
  /** Rounds finished so far; each enrols a phone, posts its report and queues a command. */
  rounds(): number;
  /** Waits until at least `count` rounds are done. */
  reached(count: number): Promise<void>;
  stop(): Promise<void>;
}

export function startAgentLoad(server: TestServer, admin: ApiClient, tokenId: string, workers = 2): AgentLoad {
  let stopped = false;
  let rounds = 0;
  const started = Date.now();
  const failures: string[] = [];

  const work = async (worker: number) => {
    for (let index = 0; !stopped && rounds < MAX_ROUNDS && Date.now() - started < MAX_DURATION_MS; index += 1) {
      const deviceId = `load-${worker}-${index}`;
      const enrolled = await enrol(server, deviceId, tokenId);
      if (enrolled.json?.status !== 'OK') failures.push(`enrol ${deviceId}: ${enrolled.text}`);

      await postJson(server, '/rest/public/sync/info', deviceInfo(deviceId, { batteryLevel: index % 100 }));
      const device = await server.ctx.store.devices.findByDeviceId(deviceId);
      if (device) {
        const command = await admin.post(`/v1/devices/${device.id}/commands`, { type: 'reboot' });
        if (command.status !== 200) failures.push(`command ${deviceId}: ${command.status}`);
      }
      rounds += 1;
    }
  };
  const running = Promise.all(Array.from({ length: workers }, (_unused, worker) => work(worker)));

  return {
    rounds: () => rounds,
    async reached(count) {
      while (rounds < count) {
        if (failures.length > 0) throw new Error(`agent load failed: ${failures[0]}`);
        if (Date.now() - started > MAX_DURATION_MS) throw new Error(`agent load reached only ${rounds} rounds`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    async stop() {
      stopped = true;
      await running;
      if (failures.length > 0) throw new Error(`agent load failed: ${failures.join('; ')}`);
    },
  };
}

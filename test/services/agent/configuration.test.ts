import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { syncConfiguration } from '../../../src/services/agent/configuration.js';
import { enrolDevice } from '../../../src/services/agent/enrolment.js';
import { newId } from '../../../src/store/ids.js';
import { startTestServer, type TestServer } from '../../support/server.js';
import { seedAppVersion, seedPolicy, seedToken } from '../../agent-api/helpers.js';

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});

afterAll(async () => {
  await server.dispose();
});

describe('syncConfiguration', () => {
  it('returns null for an unknown device', async () => {
    expect(await syncConfiguration(server.ctx, 'svc-nobody', '10.0.0.1')).toBeNull();
  });

  it('gives a device without policy the defaults', async () => {
    await server.ctx.store.devices.insert({
      id: newId(),
      device_id: 'svc-no-policy',
      enrolment_generation: 1,
      enrolled_at: 1,
      created_at: 1,
      updated_at: 1,
    });

    const config = await syncConfiguration(server.ctx, 'svc-no-policy', '10.0.0.1');

    expect(config?.pushOptions).toBe('polling');
    expect(config?.applications).toEqual([]);
  });

  it('builds URLs from the public URL', async () => {
    server.ctx.config.publicUrl = new URL('https://mdm.example.org');
    const version = await seedAppVersion(server.ctx, { packageName: 'com.dhis2', versionCode: 1, versionName: '1.0' });
    const policyId = await seedPolicy(server.ctx, {
      apps: [
        {
          packageName: 'com.dhis2',
          appVersionId: version.id,
          action: 'install',
          showIcon: true,
          runAfterInstall: false,
          screenOrder: null,
        },
      ],
    });
    const tokenId = await seedToken(server.ctx, { policyId });
    await enrolDevice(server.ctx, { deviceId: 'svc-url', tokenId, ip: '10.0.0.1' });

    const config = await syncConfiguration(server.ctx, 'svc-url', '10.0.0.1');

    const [app] = config!.applications;
    const expected = `https://mdm.example.org/files/apps/${version.id}/${version.fileName}`;
    expect(app).toMatchObject({ pkg: 'com.dhis2', url: expected });
  });

  it('marks delivered commands sent', async () => {
    const policyId = await seedPolicy(server.ctx);
    const tokenId = await seedToken(server.ctx, { policyId });
    await enrolDevice(server.ctx, { deviceId: 'svc-sent', tokenId, ip: '10.0.0.1' });
    const device = await server.ctx.store.devices.findByDeviceId('svc-sent');
    const id = await server.ctx.store.commands.insert({
      devicePk: device!.id,
      generation: 1,
      type: 'reboot',
      createdBy: 'test',
    });

    await syncConfiguration(server.ctx, 'svc-sent', '10.0.0.1');

    const [command] = await server.ctx.store.commands.listForDevice(device!.id, 1);
    expect(command?.id).toBe(id);
    expect(command?.state).toBe('sent');
  });
});

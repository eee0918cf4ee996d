// Seeds a policy and an enrolment token on a test server through the admin
// services, and returns the QR admin extras a simulated agent needs. No agent
// APK is involved: the simulator reads only the admin extras.

import type { Caller } from '../../../src/auth/caller.js';
import { agentBaseUrl } from '../../../src/config.js';
import { createEnrolmentToken } from '../../../src/services/admin/enrolment-tokens.js';
import { createPolicy } from '../../../src/services/admin/policy-save.js';
import type { TestServer } from '../../support/server.js';

const TEST_CALLER: Caller = { userId: 'simulator-test', username: 'simulator-test', role: 'admin' };

export interface SeededEnrolment {
  qr: Record<string, unknown>;
  tokenId: string;
  policyId: string;
}

export async function seedEnrolment(
  server: TestServer,
  options: { deviceIdSource?: 'serial' | 'imei'; policyName?: string } = {},
): Promise<SeededEnrolment> {
  const policy = await createPolicy(server.ctx, TEST_CALLER, {
    name: options.policyName ?? 'Simulator test policy',
    settings: { pushMode: 'polling' },
  });
  const token = await createEnrolmentToken(server.ctx, TEST_CALLER, {
    policyId: policy.id,
    deviceIdSource: options.deviceIdSource ?? null,
  });

  const extras: Record<string, string> = {
    'com.hmdm.BASE_URL': agentBaseUrl(server.ctx.config),
    'com.hmdm.SERVER_PROJECT': server.ctx.config.projectPath,
    'com.hmdm.CONFIG': token.id,
  };
  if (options.deviceIdSource) extras['com.hmdm.DEVICE_ID_USE'] = options.deviceIdSource;
  return {
    qr: { 'android.app.extra.PROVISIONING_ADMIN_EXTRAS_BUNDLE': extras },
    tokenId: token.id,
    policyId: policy.id,
  };
}

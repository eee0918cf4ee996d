import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import type { Caller } from '../../../src/auth/caller.js';
import { ConflictError, NotFoundError } from '../../../src/domain/errors.js';
import { buildProvisioningPayload, PROVISIONING_KEYS } from '../../../src/domain/provisioning.js';
import { setEnrolmentAgent } from '../../../src/services/admin/enrolment-agent.js';
import { createEnrolmentToken } from '../../../src/services/admin/enrolment-tokens.js';
import { createPolicy } from '../../../src/services/admin/policy-save.js';
import { getProvisioningPayload } from '../../../src/services/admin/provisioning-qr.js';
import { createServiceContext, type ServiceContext } from './support/context.js';

const ADMIN: Caller = { userId: 'u-admin', username: 'admin', role: 'admin' };

const BASE_INPUT = {
  adminComponent: 'com.hmdm.launcher/com.hmdm.launcher.AdminReceiver',
  agentApkUrl: 'https://mdm.example.org/files/apps/v1/agent.apk',
  agentApkChecksum: 'AAAA',
  agentSignatureChecksum: 'BBBB',
  baseUrl: 'https://mdm.example.org',
  serverProject: '',
  enrolmentToken: 'token-1',
  presetDeviceId: null,
  deviceIdSource: null,
  wifi: null,
  useMobileData: false,
};

describe('provisioning payload', () => {
  it('leaves optional keys out', () => {
    const payload = buildProvisioningPayload(BASE_INPUT);

    expect(payload[PROVISIONING_KEYS.wifiSsid]).toBeUndefined();
    expect(payload[PROVISIONING_KEYS.wifiPassword]).toBeUndefined();
    expect(payload[PROVISIONING_KEYS.useMobileData]).toBeUndefined();
    expect(payload[PROVISIONING_KEYS.adminExtras]).toEqual({
      'com.hmdm.BASE_URL': 'https://mdm.example.org',
      'com.hmdm.SERVER_PROJECT': '',
      'com.hmdm.CONFIG': 'token-1',
    });
  });

  it('puts Wi-Fi at the top level and the device id in the extras', () => {
    const payload = buildProvisioningPayload({
      ...BASE_INPUT,
      presetDeviceId: 'phone-7',
      wifi: { ssid: 'office', password: null, security: 'NONE' },
      useMobileData: true,
    });

    expect(payload[PROVISIONING_KEYS.wifiSsid]).toBe('office');
    expect(payload[PROVISIONING_KEYS.wifiSecurityType]).toBe('NONE');
    expect(payload[PROVISIONING_KEYS.wifiPassword]).toBeUndefined();
    expect(payload[PROVISIONING_KEYS.useMobileData]).toBe(true);
    expect((payload[PROVISIONING_KEYS.adminExtras] as Record<string, string>)['com.hmdm.DEVICE_ID']).toBe('phone-7');
  });

  it('serialises the admin extras last', () => {
    const keys = Object.keys(buildProvisioningPayload({ ...BASE_INPUT, useMobileData: true }));

    expect(keys[keys.length - 1]).toBe(PROVISIONING_KEYS.adminExtras);
  });
});

describe('getProvisioningPayload', () => {
  let ctx: ServiceContext;

  beforeEach(async () => {
    ctx = await createServiceContext('https://mdm.example.org:8443/outpost');
  });
  afterEach(async () => {
    await ctx.dispose();
  });

  async function chooseAgent(): Promise<string> {
    const versionId = 'agent-version';
    await ctx.store.apps.insertUploadedVersion(
      { id: 'agent-app', packageName: 'com.hmdm.launcher', label: 'Headwind MDM' },
      {
        id: versionId,
        app_id: 'agent-app',
        version_code: 6140,
        version_name: '6.14',
        min_sdk: 21,
        target_sdk: 34,
        label: 'Headwind MDM',
        size: 10,
        file_sha256: 'ff'.repeat(32),
        signer_sha256: '00'.repeat(32),
        signature_schemes: 'v1,v2',
        blob_key: `${'ff'.repeat(32)}.apk`,
        file_name: 'hmdm 6.14.apk',
        created_at: ctx.now(),
        created_by: 'admin',
      },
    );
    await setEnrolmentAgent(ctx, ADMIN, { appVersionId: versionId });
    return versionId;
  }

  it('keeps a non-default port in BASE_URL and the path in SERVER_PROJECT', async () => {
    const versionId = await chooseAgent();
    const policy = await createPolicy(ctx, ADMIN, { name: 'P' });
    const token = await createEnrolmentToken(ctx, ADMIN, { policyId: policy.id, deviceIdSource: 'imei' });

    const payload = await getProvisioningPayload(ctx, ADMIN, token.id);
    const extras = payload[PROVISIONING_KEYS.adminExtras] as Record<string, string>;

    expect(extras['com.hmdm.BASE_URL']).toBe('https://mdm.example.org:8443');
    expect(extras['com.hmdm.SERVER_PROJECT']).toBe('outpost');
    expect(extras['com.hmdm.DEVICE_ID_USE']).toBe('imei');
    expect(payload[PROVISIONING_KEYS.adminComponent]).toBe('com.hmdm.launcher/com.hmdm.launcher.AdminReceiver');
    expect(payload[PROVISIONING_KEYS.packageDownloadLocation]).toBe(
      `https://mdm.example.org:8443/outpost/files/apps/${versionId}/hmdm%206.14.apk`,
    );
    expect(payload[PROVISIONING_KEYS.packageChecksum]).toBe('__________________________________________8=');
    expect(payload[PROVISIONING_KEYS.signatureChecksum]).toBe('AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=');
  });

  it('rejects a used-up token', async () => {
    await chooseAgent();
    const policy = await createPolicy(ctx, ADMIN, { name: 'P' });
    const token = await createEnrolmentToken(ctx, ADMIN, { policyId: policy.id, maxUses: 1 });
    await ctx.store.enrolment.consumeUse(token.id);

    await expect(getProvisioningPayload(ctx, ADMIN, token.id)).rejects.toMatchObject({ code: 'token_used_up' });
  });

  it('rejects a missing token with NotFoundError', async () => {
    await expect(getProvisioningPayload(ctx, ADMIN, 'nope')).rejects.toBeInstanceOf(NotFoundError);
  });

  it('rejects without an agent with ConflictError', async () => {
    const policy = await createPolicy(ctx, ADMIN, { name: 'P' });
    const token = await createEnrolmentToken(ctx, ADMIN, { policyId: policy.id });

    await expect(getProvisioningPayload(ctx, ADMIN, token.id)).rejects.toBeInstanceOf(ConflictError);
  });
});

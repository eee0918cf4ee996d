import QRCode from 'qrcode';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { ConflictError, InvalidInputError, NotFoundError } from '../../../src/domain/errors.js';
import { setEnrolmentAgent } from '../../../src/services/admin/enrolment-agent.js';
import { createEnrolmentSheet } from '../../../src/services/admin/enrolment-sheets.js';
import { getProvisioningPayload } from '../../../src/services/admin/provisioning-qr.js';
import { enrolDevice } from '../../../src/services/agent/enrolment.js';
import { insertAppVersion } from '../../admin-api/support/fixtures.js';
import { createServiceContext, type ServiceContext } from './support/context.js';
import { ADMIN, ADMIN_A, buildScopeFleet, type ScopeFleet } from './support/scope-fleet.js';

describe('enrolment sheets', () => {
  let ctx: ServiceContext;
  let fleet: ScopeFleet;

  beforeEach(async () => {
    ctx = await createServiceContext();
    fleet = await buildScopeFleet(ctx);
  });
  afterEach(async () => {
    await ctx.dispose();
  });

  const chooseAgent = async () => {
    const versionId = await insertAppVersion(ctx, 'com.hmdm.launcher', 6000);
    await setEnrolmentAgent(ctx, ADMIN, { appVersionId: versionId });
  };

  it('gives a unit of 100 users 100 distinct valid tokens, one QR each', async () => {
    await ctx.store.orgUnits.insert({ id: 'clinicA2', name: 'Clinic A2', parentId: 'districtA' });
    const users = Array.from({ length: 100 }, (_, index) => ({
      id: `Uworker${String(index).padStart(4, '0')}`,
      username: `worker${index}`,
      firstName: 'Health',
      surname: `Worker ${index}`,
      email: null,
      disabled: false,
      lastLoginAt: null,
      orgUnitIds: ['clinicA2'],
    }));
    await ctx.store.dhis2Directory.insertUsers(users, ctx.now());
    await chooseAgent();

    const html = await createEnrolmentSheet(ctx, ADMIN, { orgUnitId: 'clinicA2', policyId: fleet.policies.clinic, source: 'users' });

    const tokens = (await ctx.store.enrolment.list()).filter((token) => token.org_unit_id === 'clinicA2');
    expect(tokens).toHaveLength(100);
    expect(new Set(tokens.map((token) => token.id)).size).toBe(100);
    expect(new Set(tokens.map((token) => token.dhis2_user_id))).toEqual(new Set(users.map((user) => user.id)));
    expect(tokens.every((token) => token.uses_left === 1 && token.policy_id === fleet.policies.clinic)).toBe(true);

    expect(html).toContain('@page { size: A4;');
    expect(html.match(/<section class="page">/g)).toHaveLength(17);
    for (const token of tokens) {
      const svg = await QRCode.toString(JSON.stringify(await getProvisioningPayload(ctx, ADMIN, token.id)), { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
      expect(html).toContain(svg);
    }

    for (const [index, token] of tokens.entries()) {
      const result = await enrolDevice(ctx, { deviceId: `sheet-phone-${index}`, tokenId: token.id, ip: '127.0.0.1' });
      expect(result.outcome).toBe('enrolled');
      if (result.outcome !== 'enrolled') continue;
      expect(result.device).toMatchObject({ org_unit_id: 'clinicA2', dhis2_user_id: token.dhis2_user_id, policy_id: fleet.policies.clinic });
    }
    const reused = await enrolDevice(ctx, { deviceId: 'sheet-phone-extra', tokenId: tokens[0]!.id, ip: '127.0.0.1' });
    expect(reused.outcome).toBe('rejected');
  });

  it('covers the units below a district on request', async () => {
    await chooseAgent();

    await expect(createEnrolmentSheet(ctx, ADMIN, { orgUnitId: 'districtA', policyId: fleet.policies.base, source: 'users' })).rejects.toBeInstanceOf(
      InvalidInputError,
    );
    const html = await createEnrolmentSheet(ctx, ADMIN, { orgUnitId: 'districtA', policyId: fleet.policies.base, source: 'users', includeSubunits: true });

    const tokens = await ctx.store.enrolment.list();
    expect(tokens.map((token) => [token.dhis2_user_id, token.org_unit_id]).sort()).toEqual([
      ['UaminataA01', 'clinicA1'],
      ['UbakaryA002', 'clinicA1'],
    ]);
    expect(html).toContain('Aminata Test');
    expect(html).not.toContain('chidi');
  });

  it('prints numbered blank slots and escapes the unit name', async () => {
    await ctx.store.orgUnits.insert({ id: 'clinicX', name: '<b>Clinic & Co</b>', parentId: 'districtA' });
    await chooseAgent();

    const html = await createEnrolmentSheet(ctx, ADMIN, { orgUnitId: 'clinicX', policyId: fleet.policies.base, source: 'blank', count: 7 });

    expect(html.match(/class="slot"/g)).toHaveLength(7);
    expect(html).toContain('&#60;b&#62;Clinic &#38; Co&#60;/b&#62;');
    expect(html).not.toContain('<b>Clinic');
    const tokens = (await ctx.store.enrolment.list()).filter((token) => token.org_unit_id === 'clinicX');
    expect(tokens.map((token) => token.dhis2_user_id)).toEqual(Array(7).fill(null));
  });

  it('refuses before creating tokens when something is missing', async () => {
    await expect(createEnrolmentSheet(ctx, ADMIN, { orgUnitId: 'clinicA1', policyId: fleet.policies.base, source: 'users' })).rejects.toBeInstanceOf(
      ConflictError,
    );
    await chooseAgent();
    await expect(createEnrolmentSheet(ctx, ADMIN, { orgUnitId: 'root', policyId: fleet.policies.base, source: 'users' })).rejects.toBeInstanceOf(
      InvalidInputError,
    );
    await expect(createEnrolmentSheet(ctx, ADMIN, { orgUnitId: 'root', policyId: fleet.policies.base, source: 'blank' })).rejects.toBeInstanceOf(
      InvalidInputError,
    );
    await expect(createEnrolmentSheet(ctx, ADMIN_A, { orgUnitId: 'districtB', policyId: fleet.policies.base, source: 'blank', count: 1 })).rejects.toBeInstanceOf(
      NotFoundError,
    );
    expect(await ctx.store.enrolment.list()).toEqual([]);
  });
});

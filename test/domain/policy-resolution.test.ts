import { describe, expect, it } from 'vitest';

import { resolvePolicy, unitIdsOfPath } from '../../src/domain/policy-resolution.js';

const UNITS = new Map([
  ['root', 'p-root'],
  ['district', 'p-district'],
]);

describe('policy resolution', () => {
  it('splits a path root first', () => {
    expect(unitIdsOfPath('/root/district/clinic/')).toEqual(['root', 'district', 'clinic']);
  });

  it('takes the closest assigned unit on the path', () => {
    const resolved = resolvePolicy({ explicitPolicyId: null, enrolmentPolicyId: 'p-enrol', orgUnitPath: '/root/district/clinic/' }, UNITS);
    expect(resolved).toEqual({ policyId: 'p-district', source: { kind: 'org_unit', orgUnitId: 'district' } });
  });

  it('lets the device policy win over every unit', () => {
    const resolved = resolvePolicy({ explicitPolicyId: 'p-own', enrolmentPolicyId: 'p-enrol', orgUnitPath: '/root/district/' }, UNITS);
    expect(resolved).toEqual({ policyId: 'p-own', source: { kind: 'device' } });
  });

  it('falls back to the enrolment policy, then to none', () => {
    expect(resolvePolicy({ explicitPolicyId: null, enrolmentPolicyId: 'p-enrol', orgUnitPath: '/other/' }, UNITS).source).toEqual({
      kind: 'enrolment',
    });
    expect(resolvePolicy({ explicitPolicyId: null, enrolmentPolicyId: null, orgUnitPath: null }, UNITS)).toEqual({
      policyId: null,
      source: { kind: 'none' },
    });
  });
});

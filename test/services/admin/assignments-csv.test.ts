import { parse } from 'csv-parse/sync';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { InvalidInputError } from '../../../src/domain/errors.js';
import { exportAssignments } from '../../../src/services/admin/assignments-export.js';
import { importAssignments } from '../../../src/services/admin/assignments-import.js';
import { createServiceContext, type ServiceContext } from './support/context.js';
import { ADMIN, buildScopeFleet, OPERATOR_A, type ScopeFleet } from './support/scope-fleet.js';

const HEADER = 'device_id,serial,imei,dhis2_username,org_unit_id';

describe('assignment CSV', () => {
  let ctx: ServiceContext;
  let fleet: ScopeFleet;

  beforeEach(async () => {
    ctx = await createServiceContext();
    fleet = await buildScopeFleet(ctx);
  });
  afterEach(async () => {
    await ctx.dispose();
  });

  const snapshot = async () => (await ctx.store.db.selectFrom('devices').selectAll().orderBy('id').execute());
  const importFailure = async (csv: string) => {
    const before = await snapshot();
    const auditBefore = (await ctx.store.audit.list(1000)).length;
    const error = await importAssignments(ctx, ADMIN, { csv, dryRun: false }).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(InvalidInputError);
    expect(await snapshot()).toEqual(before);
    expect(await ctx.store.audit.list(1000)).toHaveLength(auditBefore);
    return error as InvalidInputError & { problems: Array<{ row: number; column: string; message: string }> };
  };

  it('exports a BOM, a header row and guarded cells', async () => {
    await ctx.store.db.updateTable('devices').set({ serial: '=HYPERLINK("x")' }).where('id', '=', fleet.devices.a).execute();
    await importAssignments(ctx, ADMIN, { csv: `${HEADER}\nphone-a1,SER-A1,,aminata,`, dryRun: false });

    const csv = await exportAssignments(ctx, ADMIN);

    expect(csv.startsWith('\uFEFFdevice_id,serial,imei,dhis2_username,org_unit_id,org_unit_name,policy_id,policy_name\r\n')).toBe(true);
    const rows = parse(csv.slice(1), { columns: true }) as Array<Record<string, string>>;
    expect(rows.find((row) => row.device_id === 'phone-a')?.serial).toBe('\'=HYPERLINK("x")');
    expect(rows.find((row) => row.device_id === 'phone-a1')).toMatchObject({ dhis2_username: 'aminata', org_unit_name: 'Clinic A1' });
  });

  it('exports only the devices in the caller scope', async () => {
    const rows = parse((await exportAssignments(ctx, OPERATOR_A)).slice(1), { columns: true }) as Array<Record<string, string>>;
    expect(rows.map((row) => row.device_id)).toEqual(['phone-a', 'phone-a1']);
  });

  it('reads back its own export unchanged', async () => {
    const result = await importAssignments(ctx, ADMIN, { csv: await exportAssignments(ctx, ADMIN), dryRun: false });
    expect(result.changes).toEqual([]);
  });

  it('shows the changes of a dry run without applying them', async () => {
    const before = await snapshot();
    const csv = `${HEADER},policy_id\nphone-a,,,bakary,clinicA1,${fleet.policies.own}\n`;

    const result = await importAssignments(ctx, ADMIN, { csv, dryRun: true });

    expect(result).toMatchObject({ dryRun: true, applied: false, rows: 1 });
    expect(result.changes).toEqual([
      {
        row: 2,
        deviceId: 'phone-a',
        changes: {
          dhis2UserId: { from: null, to: 'UbakaryA002' },
          orgUnitId: { from: 'districtA', to: 'clinicA1' },
          policyId: { from: null, to: fleet.policies.own },
        },
      },
    ]);
    expect(await snapshot()).toEqual(before);

    await importAssignments(ctx, ADMIN, { csv, dryRun: false });
    const device = await ctx.store.devices.findByPk(fleet.devices.a);
    expect(device).toMatchObject({ dhis2_user_id: 'UbakaryA002', org_unit_id: 'clinicA1', policy_id: fleet.policies.own });
    expect(ctx.pushes.flatMap((push) => push.deviceIds)).toContain('phone-a');
  });

  it('finds a device by serial when device_id is empty', async () => {
    await importAssignments(ctx, ADMIN, { csv: `${HEADER}\n,SER-B,,chidi,\n`, dryRun: false });
    expect((await ctx.store.devices.findByPk(fleet.devices.b))?.dhis2_user_id).toBe('UchidiB0003');
  });

  it('rejects an unknown username, naming the row and column, and changes nothing', async () => {
    const error = await importFailure(`${HEADER}\nphone-a1,SER-A1,,aminata,\nphone-a,SER-A,,nobody,\n`);

    expect(error.problems).toEqual([{ row: 3, column: 'dhis2_username', message: expect.stringContaining('no DHIS2 user "nobody"') }]);
    expect(error.message).toContain('Row 3, column dhis2_username');
    expect(error.message).toContain('Nothing was imported');
  });

  it('rejects duplicate serials and unknown devices', async () => {
    const error = await importFailure(`${HEADER}\nphone-a1,SER-A1,,aminata,\nphone-a,SER-A1,,bakary,\nphone-zz,SER-Z,,,\n`);

    expect(error.problems.map((problem) => [problem.row, problem.column])).toEqual([
      [3, 'serial'],
      [3, 'serial'],
      [4, 'device_id'],
    ]);
    expect(error.problems[0]?.message).toContain('also on row 2');
    expect(error.problems[1]?.message).toContain('not that of device phone-a');
    expect(error.problems[2]?.message).toContain('no device phone-zz');
  });

  it('rejects a serial of another device', async () => {
    const error = await importFailure(`${HEADER}\nphone-a1,SER-B,,aminata,\n`);

    expect(error.problems).toEqual([{ row: 2, column: 'serial', message: expect.stringContaining('not that of device phone-a1 (SER-A1)') }]);
  });

  it('rejects a missing column', async () => {
    const error = await importFailure('device_id,serial,org_unit_id\nphone-a1,SER-A1,clinicA1\n');

    expect(error.problems).toEqual([{ row: 1, column: 'dhis2_username', message: expect.stringContaining('"dhis2_username" is missing') }]);
  });

  it('treats devices and units outside the scope as unknown', async () => {
    const error = await importAssignments(ctx, OPERATOR_A, { csv: `${HEADER}\nphone-b,,,chidi,\nphone-a,,,,districtB\n`, dryRun: true }).catch(
      (caught: unknown) => caught as InvalidInputError & { problems: Array<{ row: number; column: string }> },
    );

    expect(error.problems.map((problem) => [problem.row, problem.column])).toEqual([
      [2, 'device_id'],
      [3, 'org_unit_id'],
    ]);
  });

  it('rejects text that is not CSV', async () => {
    await importFailure('device_id,serial\n"unclosed,quote\n');
  });
});

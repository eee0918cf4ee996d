import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { checkCredentials } from '../../src/auth/login.js';
import { hashPassword } from '../../src/auth/passwords.js';
import { createServiceContext, type ServiceContext } from '../services/admin/support/context.js';

describe('checkCredentials', () => {
  let ctx: ServiceContext;

  beforeAll(async () => {
    ctx = await createServiceContext();
    await ctx.store.users.insert({ id: 'u1', username: 'aminata', passwordHash: await hashPassword('correct-horse-9'), role: 'operator' });
    await ctx.store.users.insert({ id: 'u2', username: 'retired', passwordHash: await hashPassword('correct-horse-9'), role: 'admin' });
    await ctx.store.db.updateTable('users').set({ disabled: 1 }).where('id', '=', 'u2').execute();
  });
  afterAll(async () => {
    await ctx.dispose();
  });

  it('returns the caller for the right password', async () => {
    expect(await checkCredentials(ctx, 'aminata', 'correct-horse-9')).toEqual({ userId: 'u1', username: 'aminata', role: 'operator', scope: { kind: 'fleet' } });
  });

  it('returns null for a wrong password', async () => {
    expect(await checkCredentials(ctx, 'aminata', 'wrong-horse-9')).toBeNull();
  });

  it('returns null for an unknown user', async () => {
    expect(await checkCredentials(ctx, 'nobody', 'correct-horse-9')).toBeNull();
  });

  it('returns null for a disabled user', async () => {
    expect(await checkCredentials(ctx, 'retired', 'correct-horse-9')).toBeNull();
  });
});

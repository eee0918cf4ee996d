import type { Command } from 'commander';

import { hashPassword, passwordProblem, randomPassword } from '../auth/passwords.js';
import { loadConfig, type ConfigFlags } from '../config.js';
import { migrateToLatest, openDatabase } from '../store/database.js';
import { newId } from '../store/ids.js';
import type { Role } from '../store/schema.js';
import { createStore, type Store } from '../store/store.js';

const ROLES: Role[] = ['admin', 'operator', 'viewer'];

interface AdminFlags extends ConfigFlags {
  role?: string;
  password?: string;
}

async function withStore<T>(flags: ConfigFlags, work: (store: Store) => Promise<T>): Promise<T> {
  const config = loadConfig(flags);
  const db = openDatabase(config.databaseUrl);
  try {
    await migrateToLatest(db);
    return await work(createStore(db));
  } finally {
    await db.destroy();
  }
}

/** Takes the password from --password, OUTPOST_NEW_PASSWORD or a random one. */
function choosePassword(flags: AdminFlags): { password: string; generated: boolean } {
  const given = flags.password ?? process.env.OUTPOST_NEW_PASSWORD;
  if (!given) return { password: randomPassword(), generated: true };

  const problem = passwordProblem(given);
  if (problem) throw new Error(`Invalid password: it ${problem}.`);
  return { password: given, generated: false };
}

export function registerAdminCommands(program: Command): void {
  const admin = program.command('admin').description('manage console users');

  admin
    .command('create <username>')
    .description('create a console user and print its password')
    .option('--role <role>', `one of ${ROLES.join(', ')}`, 'admin')
    .option('--password <password>', 'password to set (or OUTPOST_NEW_PASSWORD); random when unset')
    .option('--data-dir <path>', 'data directory (OUTPOST_DATA_DIR)')
    .option('--database-url <url>', 'database file or URL (OUTPOST_DATABASE_URL)')
    .action(async (username: string, flags: AdminFlags) => {
      const role = flags.role as Role;
      if (!ROLES.includes(role)) throw new Error(`Invalid role "${flags.role}": use one of ${ROLES.join(', ')}.`);
      if (!/^[A-Za-z0-9._@-]{1,64}$/.test(username)) {
        throw new Error(`Invalid username "${username}": use 1 to 64 letters, digits or . _ @ -.`);
      }

      const { password, generated } = choosePassword(flags);
      await withStore(flags, async (store) => {
        if (await store.users.findByUsername(username)) throw new Error(`The user "${username}" already exists.`);
        const id = newId();
        await store.users.insert({ id, username, passwordHash: await hashPassword(password), role });
        await store.audit.record({ actor: 'cli', action: 'user.create', targetType: 'user', targetId: id, details: { username, role } });
      });
      process.stdout.write(`Created ${role} "${username}"${generated ? ` with password: ${password}` : '.'}\n`);
    });

  admin
    .command('reset-password <username>')
    .description('set a new password for a console user and end its sessions')
    .option('--password <password>', 'password to set (or OUTPOST_NEW_PASSWORD); random when unset')
    .option('--data-dir <path>', 'data directory (OUTPOST_DATA_DIR)')
    .option('--database-url <url>', 'database file or URL (OUTPOST_DATABASE_URL)')
    .action(async (username: string, flags: AdminFlags) => {
      const { password, generated } = choosePassword(flags);
      await withStore(flags, async (store) => {
        const user = await store.users.findByUsername(username);
        if (!user) throw new Error(`The user "${username}" was not found; list users in the console or create one with "outpost admin create".`);
        await store.users.setPasswordHash(user.id, await hashPassword(password));
        await store.users.deleteSessionsOfUser(user.id);
        await store.audit.record({ actor: 'cli', action: 'user.reset_password', targetType: 'user', targetId: user.id, details: { username } });
      });
      process.stdout.write(`Password of "${username}" reset${generated ? `; new password: ${password}` : '.'}\n`);
    });
}

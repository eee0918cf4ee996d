import type { Command } from 'commander';

import { loadConfig, type ConfigFlags } from '../config.js';
import { migrateToLatest, openDatabase } from '../store/database.js';

export function registerMigrateCommand(program: Command): void {
  program
    .command('migrate')
    .description('apply pending database migrations and exit')
    .option('--data-dir <path>', 'directory for the database and files (OUTPOST_DATA_DIR)')
    .option('--database-url <url>', 'database file or URL (OUTPOST_DATABASE_URL)')
    .action(async (flags: ConfigFlags) => {
      const config = loadConfig(flags);
      const db = openDatabase(config.databaseUrl);
      try {
        const { applied } = await migrateToLatest(db);
        process.stdout.write(applied.length > 0 ? `Applied: ${applied.join(', ')}\n` : 'The database is up to date.\n');
      } finally {
        await db.destroy();
      }
    });
}

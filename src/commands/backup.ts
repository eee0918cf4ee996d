import path from 'node:path';

import type { Command } from 'commander';

import { createBackup } from '../backup/create-backup.js';
import { ConfigError, loadConfig, type ConfigFlags } from '../config.js';
import { createLogger } from '../logger.js';

interface BackupFlags extends ConfigFlags {
  out: string;
}

/** Returns the SQLite file of a database URL, or throws for PostgreSQL, which pg_dump backs up. */
export function sqliteFileOf(databaseUrl: string): string {
  if (/^(postgres(ql)?|pglite):/.test(databaseUrl)) {
    throw new ConfigError(
      'This command handles SQLite only. Back up PostgreSQL with pg_dump and copy DATA_DIR/blobs; see docs/operations.md.',
    );
  }
  if (databaseUrl === ':memory:') throw new ConfigError('An in-memory database cannot be backed up or restored.');
  return path.resolve(databaseUrl.replace(/^sqlite:\/\//, ''));
}

export function registerBackupCommand(program: Command): void {
  program
    .command('backup')
    .description('write a backup archive (tar.gz) of the SQLite database and APK files; safe while the server runs')
    .requiredOption('--out <file>', 'archive to write, e.g. /var/backups/outpost-2024-06-01.tar.gz')
    .option('--data-dir <path>', 'data directory to back up (OUTPOST_DATA_DIR)')
    .option('--database-url <url>', 'database file, when not DATA_DIR/outpost.sqlite (OUTPOST_DATABASE_URL)')
    .action(async (flags: BackupFlags) => {
      const config = loadConfig(flags);
      const logger = createLogger(config.logLevel);
      const source = { databaseFile: sqliteFileOf(config.databaseUrl), blobsDir: path.join(config.dataDir, 'blobs') };

      const manifest = await createBackup(source, flags.out, logger);
      const devices = manifest.rowCounts.devices ?? 0;
      const commands = manifest.rowCounts.commands ?? 0;
      process.stdout.write(
        `Wrote ${flags.out}: ${devices} devices, ${commands} commands, ${manifest.blobs.length} APK files.\n`,
      );
    });
}

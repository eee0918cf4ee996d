import type { Command } from 'commander';

import { restoreBackup } from '../backup/restore-backup.js';
import { loadConfig, type ConfigFlags } from '../config.js';
import { createLogger } from '../logger.js';
import { sqliteFileOf } from './backup.js';

interface RestoreFlags extends ConfigFlags {
  from: string;
  force?: boolean;
}

export function registerRestoreCommand(program: Command): void {
  program
    .command('restore')
    .description('restore a backup archive into a data directory; stop the server first')
    .requiredOption('--from <file>', 'archive written by "outpost backup"')
    .option('--data-dir <path>', 'data directory to restore into (OUTPOST_DATA_DIR)')
    .option('--database-url <url>', 'database file, when not DATA_DIR/outpost.sqlite (OUTPOST_DATABASE_URL)')
    .option('--force', 'replace the database and APK files of a data directory that is not empty', false)
    .action(async (flags: RestoreFlags) => {
      const config = loadConfig(flags);
      const logger = createLogger(config.logLevel);
      const target = { dataDir: config.dataDir, databaseFile: sqliteFileOf(config.databaseUrl), force: flags.force === true };

      const manifest = await restoreBackup(flags.from, target, logger);
      const snapshotTime = new Date(manifest.createdAt).toISOString();
      process.stdout.write(
        `Restored the backup of ${snapshotTime} into ${config.dataDir}: ${manifest.rowCounts.devices ?? 0} devices, ` +
          `${manifest.blobs.length} APK files. Start the server; it applies any newer migrations.\n`,
      );
    });
}

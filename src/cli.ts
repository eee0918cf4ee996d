#!/usr/bin/env node
import { Command } from 'commander';

import { ConfigError, ENVIRONMENT_SETTINGS } from './config.js';
import { registerAdminCommands } from './commands/admin.js';
import { registerBackupCommand } from './commands/backup.js';
import { registerDemoCommand } from './commands/demo.js';
import { registerMigrateCommand } from './commands/migrate.js';
import { registerRestoreCommand } from './commands/restore.js';
import { registerServeCommand } from './commands/serve.js';
import { registerSimulateCommand } from './commands/simulate.js';

const program = new Command();
program
  .name('outpost')
  .description('Outpost: mobile device management for the Android phones of DHIS2 programmes')
  .addHelpText(
    'after',
    `\nEnvironment variables:\n${ENVIRONMENT_SETTINGS.map(([name, meaning, fallback]) => `  ${name}: ${meaning} (default ${fallback})`).join('\n')}`,
  );

registerServeCommand(program);
registerMigrateCommand(program);
registerAdminCommands(program);
registerSimulateCommand(program);
registerDemoCommand(program);
registerBackupCommand(program);
registerRestoreCommand(program);

program.parseAsync(process.argv).catch((error: unknown) => {
  if (error instanceof ConfigError) {
    process.stderr.write(`outpost: ${error.message}\n`);
    process.exit(2);
  }
  process.stderr.write(`outpost: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});

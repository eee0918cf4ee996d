import type { Command } from 'commander';

import { loadConfig, type ConfigFlags } from '../config.js';
import { createLogger } from '../logger.js';
import { startServer, type RunningServer } from '../server.js';

/** Adds the flags shared by commands that start a server. */
export function addServerFlags(command: Command): Command {
  return command
    .option('--host <address>', 'address to listen on (OUTPOST_HOST)')
    .option('--port <number>', 'TCP port to listen on (OUTPOST_PORT)')
    .option('--data-dir <path>', 'directory for the database and files (OUTPOST_DATA_DIR)')
    .option('--public-url <url>', 'URL phones and browsers use (OUTPOST_PUBLIC_URL)')
    .option('--database-url <url>', 'database file or URL (OUTPOST_DATABASE_URL)');
}

/** Stops the server on SIGINT or SIGTERM, letting held polls finish first. */
export function stopOnSignals(server: RunningServer): void {
  const stop = () => {
    void server.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

export function registerServeCommand(program: Command): void {
  addServerFlags(program.command('serve').description('start the Outpost server')).action(async (flags: ConfigFlags) => {
    const config = loadConfig(flags);
    const logger = createLogger(config.logLevel);
    const server = await startServer(config, logger, { announce: (line) => process.stdout.write(`${line}\n`) });
    process.stdout.write(`Outpost is listening on ${server.listenUrl}; console at ${config.publicUrl.href}\n`);
    stopOnSignals(server);
  });
}

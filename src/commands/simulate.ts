import type { Command } from 'commander';

export function registerSimulateCommand(program: Command): void {
  program.command('simulate').description('run virtual agents against a server (not built yet)');
}

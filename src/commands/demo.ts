import type { Command } from 'commander';

export function registerDemoCommand(program: Command): void {
  program.command('demo').description('start a server with a simulated fleet (not built yet)');
}

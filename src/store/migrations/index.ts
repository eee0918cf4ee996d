import type { Migration, MigrationProvider } from 'kysely';

import * as initial from './0001-initial.js';

/** Migrations in order; names sort in application order and never change once released. */
const MIGRATIONS: Record<string, Migration> = {
  '0001-initial': initial,
};

export const migrationProvider: MigrationProvider = {
  async getMigrations() {
    return MIGRATIONS;
  },
};

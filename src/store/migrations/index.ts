import type { Migration, MigrationProvider } from 'kysely';

import * as initial from './0001-initial.js';
import * as jobLeases from './0002-job-leases.js';
import * as rollouts from './0003-rollouts.js';

/** Migrations in order; names sort in application order and never change once released. */
const MIGRATIONS: Record<string, Migration> = {
  '0001-initial': initial,
  '0002-job-leases': jobLeases,
  '0003-rollouts': rollouts,
};

export const migrationProvider: MigrationProvider = {
  async getMigrations() {
    return MIGRATIONS;
  },
};

import type { Migration, MigrationProvider } from 'kysely';

import * as initial from './0001-initial.js';
import * as jobLeases from './0002-job-leases.js';
import * as rollouts from './0003-rollouts.js';
import * as policyTracking from './0004-policy-tracking.js';
import * as bulkActions from './0005-bulk-actions.js';
import * as locationHistory from './0006-location-history.js';
import * as dhis2 from './0007-dhis2.js';
import * as scopesAssignments from './0008-scopes-assignments.js';
import * as enrolmentRulesRetention from './0009-enrolment-rules-retention.js';
import * as deviceListIndexes from './0010-device-list-indexes.js';
import * as configGenerations from './0011-config-generations.js';
import * as deviceSearchTerms from './0012-device-search-terms.js';

/** Migrations in order; names sort in application order and never change once released. */
const MIGRATIONS: Record<string, Migration> = {
  '0001-initial': initial,
  '0002-job-leases': jobLeases,
  '0003-rollouts': rollouts,
  '0004-policy-tracking': policyTracking,
  '0005-bulk-actions': bulkActions,
  '0006-location-history': locationHistory,
  '0007-dhis2': dhis2,
  '0008-scopes-assignments': scopesAssignments,
  '0009-enrolment-rules-retention': enrolmentRulesRetention,
  '0010-device-list-indexes': deviceListIndexes,
  '0011-config-generations': configGenerations,
  '0012-device-search-terms': deviceSearchTerms,
};

export const migrationProvider: MigrationProvider = {
  async getMigrations() {
    return MIGRATIONS;
  },
};

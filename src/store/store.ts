import type { Db } from './database.js';
import { AppRepository } from './repositories/apps.js';
import { AssignmentRepository } from './repositories/assignments.js';
import { AuditRepository } from './repositories/audit.js';
import { BulkJobRepository } from './repositories/bulk-jobs.js';
import { CommandRepository } from './repositories/commands.js';
import { ComplianceRepository } from './repositories/compliance.js';
import { DeviceLogRepository } from './repositories/device-logs.js';
import { Dhis2AttentionRepository } from './repositories/dhis2-attention.js';
import { Dhis2DirectoryRepository } from './repositories/dhis2-directory.js';
import { Dhis2SyncRunRepository } from './repositories/dhis2-sync-runs.js';
import { DeviceIdClaimRepository } from './repositories/device-id-claims.js';
import { DeviceOverrideRepository } from './repositories/device-overrides.js';
import { DeviceRepository } from './repositories/devices.js';
import { EnrolmentRepository } from './repositories/enrolment.js';
import { LocationRepository } from './repositories/locations.js';
import { MetricsRepository } from './repositories/metrics.js';
import { OrgUnitPolicyRepository } from './repositories/org-unit-policies.js';
import { OrgUnitRepository } from './repositories/org-units.js';
import { PinRepository } from './repositories/pins.js';
import { PolicyRepository } from './repositories/policies.js';
import { PolicyStateRepository } from './repositories/policy-state.js';
import { PreregisteredDeviceRepository } from './repositories/preregistered-devices.js';
import { RetentionRepository } from './repositories/retention.js';
import { RolloutRepository } from './repositories/rollouts.js';
import { SettingsRepository } from './repositories/settings.js';
import { UserRepository } from './repositories/users.js';

/** Every repository over one database. */
export interface Store {
  db: Db;
  apps: AppRepository;
  assignments: AssignmentRepository;
  audit: AuditRepository;
  bulkJobs: BulkJobRepository;
  commands: CommandRepository;
  compliance: ComplianceRepository;
  deviceLogs: DeviceLogRepository;
  dhis2Attention: Dhis2AttentionRepository;
  dhis2Directory: Dhis2DirectoryRepository;
  dhis2SyncRuns: Dhis2SyncRunRepository;
  devices: DeviceRepository;
  deviceIdClaims: DeviceIdClaimRepository;
  deviceOverrides: DeviceOverrideRepository;
  enrolment: EnrolmentRepository;
  locations: LocationRepository;
  metrics: MetricsRepository;
  orgUnits: OrgUnitRepository;
  orgUnitPolicies: OrgUnitPolicyRepository;
  policies: PolicyRepository;
  policyState: PolicyStateRepository;
  preregisteredDevices: PreregisteredDeviceRepository;
  retention: RetentionRepository;
  pins: PinRepository;
  rollouts: RolloutRepository;
  settings: SettingsRepository;
  users: UserRepository;
}

export function createStore(db: Db): Store {
  return {
    db,
    apps: new AppRepository(db),
    assignments: new AssignmentRepository(db),
    audit: new AuditRepository(db),
    bulkJobs: new BulkJobRepository(db),
    commands: new CommandRepository(db),
    compliance: new ComplianceRepository(db),
    deviceLogs: new DeviceLogRepository(db),
    dhis2Attention: new Dhis2AttentionRepository(db),
    dhis2Directory: new Dhis2DirectoryRepository(db),
    dhis2SyncRuns: new Dhis2SyncRunRepository(db),
    devices: new DeviceRepository(db),
    deviceIdClaims: new DeviceIdClaimRepository(db),
    deviceOverrides: new DeviceOverrideRepository(db),
    enrolment: new EnrolmentRepository(db),
    locations: new LocationRepository(db),
    metrics: new MetricsRepository(db),
    orgUnits: new OrgUnitRepository(db),
    orgUnitPolicies: new OrgUnitPolicyRepository(db),
    policies: new PolicyRepository(db),
    policyState: new PolicyStateRepository(db),
    preregisteredDevices: new PreregisteredDeviceRepository(db),
    retention: new RetentionRepository(db),
    pins: new PinRepository(db),
    rollouts: new RolloutRepository(db),
    settings: new SettingsRepository(db),
    users: new UserRepository(db),
  };
}

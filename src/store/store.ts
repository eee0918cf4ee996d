import type { Db } from './database.js';
import { AppRepository } from './repositories/apps.js';
import { AuditRepository } from './repositories/audit.js';
import { CommandRepository } from './repositories/commands.js';
import { DeviceLogRepository } from './repositories/device-logs.js';
import { DeviceRepository } from './repositories/devices.js';
import { EnrolmentRepository } from './repositories/enrolment.js';
import { LocationRepository } from './repositories/locations.js';
import { OrgUnitRepository } from './repositories/org-units.js';
import { PinRepository } from './repositories/pins.js';
import { PolicyRepository } from './repositories/policies.js';
import { RolloutRepository } from './repositories/rollouts.js';
import { SettingsRepository } from './repositories/settings.js';
import { UserRepository } from './repositories/users.js';

/** Every repository over one database. */
export interface Store {
  db: Db;
  apps: AppRepository;
  audit: AuditRepository;
  commands: CommandRepository;
  deviceLogs: DeviceLogRepository;
  devices: DeviceRepository;
  enrolment: EnrolmentRepository;
  locations: LocationRepository;
  orgUnits: OrgUnitRepository;
  policies: PolicyRepository;
  pins: PinRepository;
  rollouts: RolloutRepository;
  settings: SettingsRepository;
  users: UserRepository;
}

export function createStore(db: Db): Store {
  return {
    db,
    apps: new AppRepository(db),
    audit: new AuditRepository(db),
    commands: new CommandRepository(db),
    deviceLogs: new DeviceLogRepository(db),
    devices: new DeviceRepository(db),
    enrolment: new EnrolmentRepository(db),
    locations: new LocationRepository(db),
    orgUnits: new OrgUnitRepository(db),
    policies: new PolicyRepository(db),
    pins: new PinRepository(db),
    rollouts: new RolloutRepository(db),
    settings: new SettingsRepository(db),
    users: new UserRepository(db),
  };
}

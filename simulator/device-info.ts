import { LAUNCHER_TYPE } from './agent-constants.js';
import type { DeviceProfile } from './device-profile.js';
import { scatter, VillageRound, type Position } from './movement.js';
import type { SeededRandom } from './random.js';

const HOUR_MS = 3_600_000;

// Battery behaviour of a phone in daily field use: a full charge lasts about
// 16 hours, it is plugged in near 15 % and charges to full in about 2.5 hours.
const DRAIN_PERCENT_PER_HOUR = 6;
const CHARGE_PERCENT_PER_HOUR = 40;
const START_CHARGING_AT_PERCENT = 15;

/** Battery level that drains in use and recharges when low, over simulated time. */
export class BatteryModel {
  private level: number;
  private charging = false;
  private updatedAt: number;

  constructor(random: SeededRandom, simulatedNow: number) {
    this.level = random.integer(30, 100);
    this.updatedAt = simulatedNow;
  }

  /** Advances the model to the given simulated time and returns the reported values. */
  read(simulatedNow: number): { batteryLevel: number; batteryCharging: string } {
    const hours = Math.max(0, simulatedNow - this.updatedAt) / HOUR_MS;
    this.updatedAt = simulatedNow;

    if (this.charging) {
      this.level = Math.min(100, this.level + hours * CHARGE_PERCENT_PER_HOUR);
      if (this.level >= 100) this.charging = false;
    } else {
      this.level = Math.max(1, this.level - hours * DRAIN_PERCENT_PER_HOUR);
      if (this.level <= START_CHARGING_AT_PERCENT) this.charging = true;
    }
    // DeviceInfo.batteryCharging is "usb", "ac" or "" when not charging.
    return { batteryLevel: Math.round(this.level), batteryCharging: this.charging ? 'ac' : '' };
  }
}

/**
 * Last-known location of a phone that follows its user's daily round
 * (movement.ts), with the scatter of a real fix.
 */
export class LocationModel {
  private readonly round: VillageRound;

  constructor(
    private readonly random: SeededRandom,
    home: Position,
  ) {
    this.round = new VillageRound(random, home);
  }

  /**
   * Returns the fix at a simulated time as DeviceInfo.location. The time
   * taken is the real clock, because Outpost rejects fixes from the future
   * and simulated time runs ahead of it.
   */
  next(simulatedNow: number): { ts: number; lat: number; lon: number } {
    const position = scatter(this.random, this.round.positionAt(simulatedNow));
    return { ts: Date.now(), lat: round6(position.lat), lon: round6(position.lon) };
  }
}

/** Report faults of a real network: reports that arrive late, after newer ones, or twice. */
export interface ReportFaults {
  /** Share of reports, 0 to 1, held back and sent after the next report. */
  lateReportShare?: number;
  /** Share of reports, 0 to 1, sent twice in a row, as after a retry whose response was lost. */
  repeatedReportShare?: number;
}

/**
 * Decides which device-info bodies go out at each report time. A late
 * report waits for the next one and follows it, so Outpost receives the
 * two fixes out of order. The choices come from the seeded generator given
 * to the constructor.
 */
export class ReportDelivery {
  private held: Record<string, unknown> | null = null;
  /** Reports held back so far. */
  lateReports = 0;
  /** Reports sent a second time so far. */
  repeatedReports = 0;
  /** Distinct reports handed out for sending so far, each counted once however often it is sent. */
  releasedReports = 0;

  constructor(
    private readonly random: SeededRandom,
    private readonly faults: ReportFaults = {},
  ) {}

  /** Returns the bodies to send now, in order, for a new report `body`. */
  plan(body: Record<string, unknown>): Array<Record<string, unknown>> {
    const late = this.held;
    this.held = null;

    if (late === null && this.random.next() < (this.faults.lateReportShare ?? 0)) {
      this.held = body;
      this.lateReports += 1;
      return [];
    }

    this.releasedReports += late === null ? 1 : 2;

    const bodies = [body];
    if (this.random.next() < (this.faults.repeatedReportShare ?? 0)) {
      bodies.push(body);
      this.repeatedReports += 1;
    }
    if (late !== null) bodies.push(late);
    return bodies;
  }
}

/** A config app the agent has installed, as DeviceInfo.applications lists it. */
export interface InstalledApp {
  name: string;
  pkg: string;
  version: string;
}

export interface DeviceInfoInput {
  deviceId: string;
  profile: DeviceProfile;
  battery: { batteryLevel: number; batteryCharging: string };
  location: { ts: number; lat: number; lon: number };
  applications: InstalledApp[];
  agentPackage: string;
  /** False in background (agent) mode, when the agent does not take over Home. */
  defaultLauncher: boolean;
  /** Set only in the factory-reset confirmation: the device admin is active. */
  factoryReset?: boolean;
}

/** Builds the DeviceInfo body of POST /public/sync/info and of the reset confirmations. */
export function buildDeviceInfo(input: DeviceInfoInput): Record<string, unknown> {
  const body: Record<string, unknown> = {
    deviceId: input.deviceId,
    model: input.profile.model,
    androidVersion: input.profile.androidVersion,
    cpu: input.profile.cpu,
    serial: input.profile.serial,
    imei: input.profile.imei,
    batteryLevel: input.battery.batteryLevel,
    batteryCharging: input.battery.batteryCharging,
    mdmMode: true,
    kioskMode: false,
    launcherType: LAUNCHER_TYPE,
    launcherPackage: input.defaultLauncher ? input.agentPackage : input.profile.systemLauncher,
    defaultLauncher: input.defaultLauncher,
    // Device admin, overlay, usage stats and accessibility. The free agent stubs the last two.
    permissions: [1, 1, 0, 0],
    applications: input.applications.map(applicationEntry),
    files: [],
    location: input.location,
  };
  if (input.factoryReset !== undefined) body.factoryReset = input.factoryReset;
  return body;
}

/**
 * Builds one DeviceInfo.applications entry. The agent serialises its whole
 * Application class, so the fields it does not set arrive as null or false.
 */
function applicationEntry(app: InstalledApp): Record<string, unknown> {
  return {
    type: null,
    name: app.name,
    pkg: app.pkg,
    version: app.version,
    code: null,
    url: null,
    icon: null,
    iconText: null,
    intent: null,
    screenOrder: null,
    keyCode: null,
    remove: false,
    skipVersion: false,
    runAfterInstall: false,
    runAtBoot: false,
    showIcon: false,
    useKiosk: false,
    bottom: false,
    longTap: false,
  };
}

function round6(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}

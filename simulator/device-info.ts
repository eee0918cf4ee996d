import { LAUNCHER_TYPE } from './agent-constants.js';
import type { DeviceProfile } from './device-profile.js';
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

// A health worker moves around their village: each fix is at most about
// 300 m from the last and is pulled back when more than about 2 km from home.
const STEP_DEGREES = 0.0027;
const RANGE_DEGREES = 0.018;

/** Last-known location drifting around the phone's home point. */
export class LocationModel {
  private lat: number;
  private lon: number;

  constructor(
    private readonly random: SeededRandom,
    private readonly home: { lat: number; lon: number },
  ) {
    this.lat = home.lat;
    this.lon = home.lon;
  }

  /** Moves one step and returns the fix as DeviceInfo.location, with a real epoch time. */
  next(): { ts: number; lat: number; lon: number } {
    this.lat = this.step(this.lat, this.home.lat);
    this.lon = this.step(this.lon, this.home.lon);
    return { ts: Date.now(), lat: round6(this.lat), lon: round6(this.lon) };
  }

  private step(value: number, centre: number): number {
    const moved = value + this.random.between(-STEP_DEGREES, STEP_DEGREES);
    return Math.abs(moved - centre) > RANGE_DEGREES ? value + (centre - value) / 2 : moved;
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

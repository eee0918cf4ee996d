import {
  confirmAction,
  downloadApk,
  fetchLogRules,
  sendDeviceInfo,
  type FleetEnvironment,
  type ServerConfig,
} from './agent-calls.js';
import { BatteryModel, buildDeviceInfo, LocationModel, ReportDelivery, type InstalledApp } from './device-info.js';
import { CommandEffects } from './commands.js';
import type { DeviceProfile } from './device-profile.js';
import { planInstall, sha256FromReprDigest, type ConfigApplication, type InstalledPackages } from './installer.js';
import { seedFromText } from './movement.js';
import { SeededRandom } from './random.js';
import { ROUTES } from './server-urls.js';
import type { AgentCounters } from './stats.js';

/**
 * The state of one phone that a factory reset clears (stored config,
 * installed apps, lock overlay, renamed id), with the requests that read or
 * change it. Battery and location belong to the hardware and survive a wipe.
 */
export class AgentDevice {
  deviceId: string;
  config: ServerConfig | null = null;
  installed: InstalledPackages;
  locked = false;
  lockMessage: string | null = null;
  externalIp: string | null = null;
  /** Effects of remote commands; a wipe keeps them, so tests can count across enrolments. */
  readonly effects = new CommandEffects();

  private readonly battery: BatteryModel;
  private readonly location: LocationModel;
  /** Late and repeated reports, as the fleet's faults ask. */
  readonly reports: ReportDelivery;
  /** Chosen once per phone from the fleet's installFailureShare. */
  readonly installsFail: boolean;

  constructor(
    private readonly env: FleetEnvironment,
    private readonly profile: DeviceProfile,
    random: SeededRandom,
    private readonly counters: AgentCounters,
  ) {
    this.deviceId = this.provisionedDeviceId();
    this.installed = this.provisionedPackages();
    this.battery = new BatteryModel(random, env.clock.elapsed());
    // Movement and report faults draw from generators of their own, seeded
    // by the phone's identity, so they leave the main sequence unchanged.
    this.location = new LocationModel(new SeededRandom(seedFromText(`${profile.serial}/movement`)), profile.home);
    this.reports = new ReportDelivery(new SeededRandom(seedFromText(`${profile.serial}/reports`)), env.faults);
    this.installsFail = random.next() < (env.faults?.installFailureShare ?? 0);
  }

  /** Stores an accepted config and applies its fields that need no request. */
  acceptConfig(config: ServerConfig, externalIp: string | null): void {
    // newNumber renames the device, and the agent uses the new id from now on.
    if (typeof config.newNumber === 'string' && config.newNumber !== '') this.deviceId = config.newNumber;
    this.config = config;
    this.locked = config.lock === true;
    this.lockMessage = this.locked ? (config.lockMessage ?? null) : null;
    if (externalIp !== null) this.externalIp = externalIp;
  }

  /** Forgets everything a factory reset erases, so the next sync enrols again. */
  erase(): void {
    this.deviceId = this.provisionedDeviceId();
    this.config = null;
    this.installed = this.provisionedPackages();
    this.locked = false;
    this.lockMessage = null;
    this.externalIp = null;
  }

  installedVersions(): Array<{ pkg: string; versionName: string | null }> {
    const versions: Array<{ pkg: string; versionName: string | null }> = [];
    for (const [pkg, app] of this.installed) {
      // An agent provisioned without a known APK has no version to show.
      if (pkg === this.env.settings.agentPackage && app.versionName === null) continue;
      versions.push({ pkg, versionName: app.versionName });
    }
    return versions;
  }

  /** Removes, then downloads and installs, the apps the config's app list requests. */
  async applyApps(applications: readonly ConfigApplication[], signal: AbortSignal): Promise<void> {
    const plan = planInstall(applications, this.installed);
    for (const pkg of plan.remove) {
      this.installed.delete(pkg);
      this.counters.removals += 1;
    }
    for (const app of plan.install) {
      if (signal.aborted) return;
      await this.install(app, signal);
    }
  }

  /** Handles the push command uninstallApp. */
  uninstall(pkg: string): void {
    if (this.installed.delete(pkg)) this.counters.removals += 1;
  }

  async reportInfo(signal: AbortSignal): Promise<void> {
    try {
      for (const body of this.reports.plan(this.deviceInfo())) {
        const accepted = await sendDeviceInfo(this.env, body, signal);
        if (accepted) this.counters.infos += 1;
        else this.counters.infoFailures += 1;
      }
    } catch {
      if (signal.aborted) return;
      this.counters.networkErrors += 1;
      this.counters.infoFailures += 1;
    }
  }

  /** Fetches remote-log rules as the agent does after each sync, ignoring the result and any failure. */
  async fetchLogRules(signal: AbortSignal): Promise<void> {
    try {
      await fetchLogRules(this.env, this.deviceId, signal);
    } catch {
      // The agent goes on without rules, so the simulator does too.
    }
  }

  /** Requests confirmation of a wipe. Returns true on HTTP 2xx, the only case in which the agent wipes. */
  confirmFactoryReset(signal: AbortSignal): Promise<boolean> {
    return this.confirm(ROUTES.factoryReset(this.deviceId), this.deviceInfo(true), signal);
  }

  /** Requests confirmation of a reboot. Returns true on HTTP 2xx, the only case in which the agent reboots. */
  confirmReboot(signal: AbortSignal): Promise<boolean> {
    return this.confirm(ROUTES.reboot(this.deviceId), this.deviceInfo(), signal);
  }

  /** Resets the screen-lock password, then reports it. The agent ignores the response. */
  async confirmPasswordReset(signal: AbortSignal): Promise<void> {
    this.counters.passwordResets += 1;
    if (typeof this.config?.passwordReset === 'string') this.effects.screenPasswords.push(this.config.passwordReset);
    await this.confirm(ROUTES.passwordReset(this.deviceId), this.deviceInfo(), signal);
  }

  /** Builds DeviceInfo, moving the battery and location models forward. */
  deviceInfo(factoryReset?: boolean): Record<string, unknown> {
    return buildDeviceInfo({
      deviceId: this.deviceId,
      profile: this.profile,
      battery: this.battery.read(this.env.clock.elapsed()),
      location: this.location.next(this.env.clock.elapsed()),
      applications: this.reportedApps(),
      agentPackage: this.env.settings.agentPackage,
      defaultLauncher: this.config?.runDefaultLauncher !== true,
      factoryReset,
    });
  }

  private async confirm(path: string, info: Record<string, unknown>, signal: AbortSignal): Promise<boolean> {
    try {
      const status = await confirmAction(this.env, path, info, signal);
      return status >= 200 && status <= 299;
    } catch {
      if (!signal.aborted) this.counters.networkErrors += 1;
      return false;
    }
  }

  private async install(app: ConfigApplication, signal: AbortSignal): Promise<void> {
    const pkg = app.pkg ?? '';
    const versionKey = `${pkg}@${app.version ?? '?'}`;
    this.counters.downloads += 1;
    this.counters.downloadsByVersion[versionKey] = (this.counters.downloadsByVersion[versionKey] ?? 0) + 1;

    let result: Awaited<ReturnType<typeof downloadApk>>;
    try {
      result = await downloadApk(this.env, app.url ?? '', signal);
    } catch {
      if (signal.aborted) return;
      this.counters.networkErrors += 1;
      this.counters.installFailures += 1;
      return;
    }

    this.counters.bytes += result.bytes;
    if (result.status !== 200) {
      this.counters.installFailures += 1;
      return;
    }

    const expected = sha256FromReprDigest(result.reprDigest);
    if (expected === null) {
      // The agent itself checks no digest, so the install goes ahead.
      this.counters.digestMissing += 1;
    } else if (expected !== result.sha256Base64) {
      this.counters.digestMismatches += 1;
      this.counters.installFailures += 1;
      return;
    }

    if (this.installsFail) {
      // Android rejected the package, e.g. for lack of space; the phone keeps reporting its old version.
      this.counters.installFailures += 1;
      return;
    }
    this.installed.set(pkg, { name: app.name ?? pkg, versionName: app.version ?? null, versionCode: app.code ?? null });
    this.counters.installs += 1;
  }

  /** Config apps that are installed, with the installed version, as DeviceInfo.applications lists them. */
  private reportedApps(): InstalledApp[] {
    const reported: InstalledApp[] = [];
    const seen = new Set<string>();
    for (const app of this.config?.applications ?? []) {
      if (!app.pkg || seen.has(app.pkg)) continue;
      const installed = this.installed.get(app.pkg);
      if (!installed) continue;
      seen.add(app.pkg);
      reported.push({ name: app.name ?? installed.name, pkg: app.pkg, version: installed.versionName ?? '' });
    }
    return reported;
  }

  private provisionedDeviceId(): string {
    const settings = this.env.settings;
    if (settings.presetDeviceId) return settings.presetDeviceId;
    if (settings.deviceIdSource === 'serial') return this.profile.serial;
    if (settings.deviceIdSource === 'imei') return this.profile.imei;
    return this.profile.typedDeviceId;
  }

  private provisionedPackages(): InstalledPackages {
    return new Map([[this.env.settings.agentPackage, { ...this.env.provisionedAgent }]]);
  }
}

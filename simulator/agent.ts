import {
  CONFIG_UPDATE_INTERVAL_MS,
  DEVICE_INFO_INTERVAL_MS,
  FACTORY_RESET_DURATION_MS,
  FIRST_SYNC_GIVE_UP_PAUSE_MS,
  FIRST_SYNC_RETRY_COUNT,
  FIRST_SYNC_RETRY_DELAY_MS,
  REBOOT_DURATION_MS,
  SYNC_CHECK_INTERVAL_MS,
} from './agent-constants.js';
import { requestConfig, type EnrolOptions, type FleetEnvironment, type ServerConfig } from './agent-calls.js';
import { AgentDevice } from './agent-device.js';
import type { DeviceProfile } from './device-profile.js';
import { MqttListener, type MqttMode } from './mqtt-listener.js';
import { PushListener } from './push-listener.js';
import type { SeededRandom } from './random.js';
import { newCounters, type AgentCounters, type AgentStatus, type AgentView } from './stats.js';

/**
 * One simulated phone running the open-source agent. It enrols, syncs its
 * configuration at start, on push and when the hourly check finds it due,
 * reports device info after each sync and every 15 minutes, and carries out
 * the app installs and remote actions the config requests.
 */
export class SimulatedAgent implements AgentView {
  status: AgentStatus = 'starting';
  lastSyncAt: number | null = null;
  lastError: string | null = null;
  readonly counters: AgentCounters = newCounters();
  readonly device: AgentDevice;

  private readonly lifetime = new AbortController();
  /** Aborted when the phone reboots or is wiped, ending that boot's requests and long poll. */
  private session = new AbortController();
  private readonly push: PushListener;
  private readonly mqtt: MqttListener;
  private syncing: Promise<void> | null = null;
  private syncRequested = false;
  private failedFirstSyncs = 0;
  private readonly tasks = new Set<Promise<unknown>>();

  constructor(
    readonly index: number,
    private readonly env: FleetEnvironment,
    readonly profile: DeviceProfile,
    random: SeededRandom,
  ) {
    this.device = new AgentDevice(env, profile, random, this.counters);
    this.push = new PushListener(env, this.device, this.counters, {
      onConfigUpdated: () => void this.requestSync(),
      onReboot: () => this.spawn(this.reboot()),
    });
    this.mqtt = new MqttListener(env, this.device, this.counters, (messages) => this.push.handle(messages), this.lifetime.signal);
  }

  get deviceId(): string {
    return this.device.deviceId;
  }

  /** Whether the agent is connected to the MQTT broker now. */
  get mqttConnected(): boolean {
    return this.mqtt.connected;
  }

  /**
   * Whether the agent can receive a push now: a long poll is in flight, or
   * the broker granted the MQTT subscription to its topic.
   */
  get listening(): boolean {
    return this.push.waiting || this.mqtt.subscribed;
  }

  get enrolled(): boolean {
    return this.device.config !== null;
  }

  installedVersions() {
    return this.device.installedVersions();
  }

  /** Starts the agent after a simulated delay, which spreads a fleet's first requests. */
  start(delayMs: number): void {
    this.spawn(this.run(delayMs));
  }

  /** Stops every loop and request. The agent cannot be started again. */
  async stop(): Promise<void> {
    if (this.status !== 'device-not-found') this.status = 'stopped';
    this.session.abort();
    this.lifetime.abort();
    this.mqtt.close();
    await Promise.allSettled([...this.tasks, this.syncing]);
  }

  /**
   * Queues a full config sync. Requests made while one runs are coalesced
   * into one more sync afterwards. Resolves when the queue is empty.
   */
  requestSync(): Promise<void> {
    this.syncRequested = true;
    if (!this.syncing) {
      this.syncing = this.drainSyncs().finally(() => {
        this.syncing = null;
        // A request that arrived while the loop was ending must not be lost.
        if (this.syncRequested && this.canSync()) void this.requestSync();
      });
    }
    return this.syncing;
  }

  /**
   * Wipes the phone as a factory reset does, without a server request, then
   * provisions it again from the same QR: the same hardware enrols anew.
   */
  async wipe(): Promise<void> {
    this.counters.resets += 1;
    this.status = 'wiping';
    this.session.abort();
    await this.syncing;
    if (await this.eraseAndBoot()) await this.requestSync();
  }

  private async run(delayMs: number): Promise<void> {
    if (!(await this.env.clock.sleep(delayMs, this.lifetime.signal))) return;

    this.status = 'running';
    this.spawn(this.repeat(DEVICE_INFO_INTERVAL_MS, () => this.device.reportInfo(this.session.signal)));
    this.spawn(this.repeat(SYNC_CHECK_INTERVAL_MS, () => this.syncIfDue()));
    await this.requestSync();
  }

  private canSync(): boolean {
    return this.status === 'running' && !this.lifetime.signal.aborted;
  }

  private async drainSyncs(): Promise<void> {
    while (this.syncRequested && this.canSync()) {
      this.syncRequested = false;
      await this.syncOnce();
    }
  }

  private async syncOnce(): Promise<void> {
    const signal = this.session.signal;
    const enrol = this.enrolled ? null : this.enrolOptions();

    let result: Awaited<ReturnType<typeof requestConfig>>;
    try {
      result = await requestConfig(this.env, { deviceId: this.deviceId, cpu: this.profile.cpu }, enrol, signal);
    } catch (error) {
      if (signal.aborted) return;
      this.counters.networkErrors += 1;
      result = { kind: 'failed', reason: error instanceof Error ? error.message : String(error) };
    }

    switch (result.kind) {
      case 'not-found':
        // The real agent stops here and prompts the user for another device id.
        this.lastError = 'error.notfound.device';
        this.status = 'device-not-found';
        this.session.abort();
        return;
      case 'signature-mismatch':
        this.counters.signatureMismatches += 1;
        this.syncFailed('X-Response-Signature is missing or wrong');
        return;
      case 'failed':
        this.syncFailed(result.reason);
        return;
      case 'ok':
        break;
    }

    if (enrol) this.counters.enrolments += 1;
    this.counters.syncs += 1;
    this.failedFirstSyncs = 0;
    this.lastSyncAt = this.env.clock.elapsed();
    this.device.acceptConfig(result.config, result.externalIp);
    await this.applyConfig(result.config, signal);
  }

  /**
   * Retries a failed first sync after CONN_RETRY_DELAY, CONN_RETRY_COUNT
   * times, then after a longer pause. An enrolled agent waits for the next
   * push or the periodic sync check instead.
   */
  private syncFailed(reason: string): void {
    this.counters.syncFailures += 1;
    this.lastError = reason;
    if (this.enrolled) return;

    this.failedFirstSyncs += 1;
    const retryIn = this.failedFirstSyncs <= FIRST_SYNC_RETRY_COUNT ? FIRST_SYNC_RETRY_DELAY_MS : FIRST_SYNC_GIVE_UP_PAUSE_MS;
    if (this.failedFirstSyncs > FIRST_SYNC_RETRY_COUNT) this.failedFirstSyncs = 0;
    this.spawn(this.retryLater(retryIn, this.session.signal));
  }

  private async retryLater(delayMs: number, signal: AbortSignal): Promise<void> {
    if (await this.env.clock.sleep(delayMs, signal)) await this.requestSync();
  }

  private async applyConfig(config: ServerConfig, signal: AbortSignal): Promise<void> {
    if (config.factoryReset) {
      const confirmed = await this.device.confirmFactoryReset(signal);
      if (confirmed) {
        this.counters.resets += 1;
        this.status = 'wiping';
        this.session.abort();
        this.mqtt.close();
        // The drain loop that runs this sync enrols once the phone is back.
        if (await this.eraseAndBoot()) this.syncRequested = true;
        return;
      }
    }
    if (config.passwordReset) await this.device.confirmPasswordReset(signal);

    await this.device.applyApps(config.applications ?? [], signal);
    if (signal.aborted) return;

    const polling = this.push.follow(config.pushOptions === 'polling' ? this.session : null);
    if (polling) this.spawn(polling);
    this.mqtt.follow(mqttModeOf(config.pushOptions), config.keepaliveTime ?? undefined);
    await this.device.fetchLogRules(signal);
    await this.device.reportInfo(signal);

    if (config.reboot && (await this.device.confirmReboot(signal))) await this.reboot();
  }

  /** Turns the phone off and on, then syncs at boot. */
  private async reboot(): Promise<void> {
    if (this.status !== 'running') return;
    this.counters.reboots += 1;
    this.status = 'rebooting';
    this.session.abort();
    this.mqtt.close();
    if (!(await this.env.clock.sleep(REBOOT_DURATION_MS, this.lifetime.signal))) return;

    this.session = new AbortController();
    this.status = 'running';
    void this.requestSync();
  }

  /** Clears the phone's state and waits for it to restart. Returns false when the agent was stopped meanwhile. */
  private async eraseAndBoot(): Promise<boolean> {
    this.device.erase();
    this.lastSyncAt = null;
    if (!(await this.env.clock.sleep(FACTORY_RESET_DURATION_MS, this.lifetime.signal))) return false;

    this.session = new AbortController();
    this.status = 'running';
    return true;
  }

  private async syncIfDue(): Promise<void> {
    const due = this.lastSyncAt === null || this.env.clock.elapsed() - this.lastSyncAt > CONFIG_UPDATE_INTERVAL_MS;
    if (due) await this.requestSync();
  }

  /** Runs a periodic job, like a WorkManager worker whose first run is one period after scheduling. */
  private async repeat(intervalMs: number, job: () => Promise<void>): Promise<void> {
    while (await this.env.clock.sleep(intervalMs, this.lifetime.signal)) {
      if (this.status === 'running' && this.enrolled) await job();
    }
  }

  private enrolOptions(): EnrolOptions {
    const settings = this.env.settings;
    return {
      customer: settings.customer,
      configuration: settings.configuration,
      groups: settings.groups,
      groupSet: settings.groups,
    };
  }

  /** Tracks a background task so stop() can wait for it. An unexpected error becomes lastError. */
  private spawn(task: Promise<unknown>): void {
    const tracked = task.catch((error: unknown) => {
      this.lastError = error instanceof Error ? error.message : String(error);
    });
    this.tasks.add(tracked);
    void tracked.then(() => this.tasks.delete(tracked));
  }
}

function mqttModeOf(pushOptions: string | null | undefined): MqttMode | null {
  return pushOptions === 'mqttWorker' || pushOptions === 'mqttAlarm' ? pushOptions : null;
}

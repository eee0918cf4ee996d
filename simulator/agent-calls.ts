// The agent's HTTP calls: one function per request, returning what the agent
// acts on. Failover to the secondary URL happens only when a call throws.

import type { SimClock } from './clock.js';
import type { ReportFaults } from './device-info.js';
import type { DownloadResult, FleetHttp, HttpResponse } from './http-client.js';
import type { ConfigApplication, InstalledPackage } from './installer.js';
import type { AgentSettings } from './qr-extras.js';
import { ROUTES, withFailover, type ServerUrls } from './server-urls.js';
import {
  configRequestSignature,
  fileRequestSignature,
  pollRequestSignature,
  responseSignatureMatches,
} from './signature.js';

/** Services and settings shared by every agent of a fleet. */
export interface FleetEnvironment {
  http: FleetHttp;
  clock: SimClock;
  urls: ServerUrls;
  settings: AgentSettings;
  /** REQUEST_SIGNATURE compiled into the simulated agent build. */
  secret: string;
  /** The agent app as provisioning installed it, with its version when known. */
  provisionedAgent: InstalledPackage;
  faults?: AgentFaults;
  /** BuildConfig.MQTT_PORT of the simulated agent build; 31000 when absent. */
  mqttPort?: number;
}

/** Faults injected into a fleet, to test how the server copes; ReportFaults adds late and repeated reports. */
export interface AgentFaults extends ReportFaults {
  /** Share of agents, 0 to 1, whose app installs always fail after the download. */
  installFailureShare?: number;
  /**
   * Cuts each APK download after this share of its bytes, 0 to 1, then
   * resumes it with Range and If-Range. The stock agent restarts instead.
   */
  cutDownloadsAt?: number;
}

/** The ServerConfig fields the simulator acts on. The agent ignores unknown fields. */
export interface ServerConfig {
  applications?: ConfigApplication[] | null;
  pushOptions?: string | null;
  keepaliveTime?: number | null;
  runDefaultLauncher?: boolean | null;
  factoryReset?: boolean | null;
  reboot?: boolean | null;
  lock?: boolean | null;
  lockMessage?: string | null;
  passwordReset?: string | null;
  newNumber?: string | null;
  [field: string]: unknown;
}

export type ConfigResult =
  | { kind: 'ok'; config: ServerConfig; externalIp: string | null }
  | { kind: 'not-found' }
  | { kind: 'signature-mismatch' }
  | { kind: 'failed'; reason: string };

/** Enrolment options the agent POSTs while it has no stored config. */
export interface EnrolOptions {
  customer: string | null;
  configuration: string | null;
  groups: string[] | null;
  groupSet: string[] | null;
}

const NOT_FOUND_MESSAGE = 'error.notfound.device';

/**
 * Fetches the configuration: POST with the enrolment options when `enrol`
 * is given, GET otherwise. The response must be an OK envelope with data and
 * a valid X-Response-Signature, as a CHECK_SIGNATURE=true build requires.
 */
export async function requestConfig(
  env: FleetEnvironment,
  device: { deviceId: string; cpu: string },
  enrol: EnrolOptions | null,
  signal: AbortSignal,
): Promise<ConfigResult> {
  const headers = {
    'x-request-signature': configRequestSignature(env.secret, device.deviceId),
    'x-cpu-arch': device.cpu,
  };
  const path = ROUTES.configuration(device.deviceId);
  const response = await withFailover(env.urls, signal, (base) =>
    env.http.send({
      method: enrol ? 'POST' : 'GET',
      url: env.urls.route(base, path),
      headers,
      json: enrol ?? undefined,
      signal,
    }),
  );

  if (response.status < 200 || response.status > 299) return { kind: 'failed', reason: `HTTP ${response.status}` };
  const envelope = parseEnvelope(response);
  if (!envelope) return { kind: 'failed', reason: 'the body is not a JSON envelope' };
  if (envelope.status === 'ERROR' && envelope.message === NOT_FOUND_MESSAGE) return { kind: 'not-found' };
  if (envelope.status !== 'OK' || !isObject(envelope.data)) {
    return { kind: 'failed', reason: `status ${String(envelope.status)}: ${String(envelope.message)}` };
  }
  if (!responseSignatureMatches(env.secret, response.text, response.headers['x-response-signature'] ?? null)) {
    return { kind: 'signature-mismatch' };
  }
  return { kind: 'ok', config: envelope.data as ServerConfig, externalIp: response.headers['x-ip-address'] ?? null };
}

/** Posts device info and returns whether the status was 2xx, the only part the agent reads. */
export async function sendDeviceInfo(env: FleetEnvironment, info: Record<string, unknown>, signal: AbortSignal): Promise<boolean> {
  const response = await withFailover(env.urls, signal, (base) =>
    env.http.send({ method: 'POST', url: env.urls.route(base, ROUTES.info()), json: info, signal }),
  );
  return isSuccess(response.status);
}

/** Posts a devicereset confirmation (factory reset, reboot or password) and returns the HTTP status. */
export async function confirmAction(
  env: FleetEnvironment,
  path: string,
  info: Record<string, unknown>,
  signal: AbortSignal,
): Promise<number> {
  const response = await withFailover(env.urls, signal, (base) =>
    env.http.send({ method: 'POST', url: env.urls.route(base, path), json: info, signal }),
  );
  return response.status;
}

/** Fetches the remote-log rules, as the agent does after every sync. */
export async function fetchLogRules(env: FleetEnvironment, deviceId: string, signal: AbortSignal): Promise<void> {
  await withFailover(env.urls, signal, (base) =>
    env.http.send({ method: 'GET', url: env.urls.route(base, ROUTES.logRules(deviceId)), signal }),
  );
}

export interface PushMessage {
  messageType: string;
  payload: string | null;
}

export type PollResult =
  | { kind: 'messages'; messages: PushMessage[] }
  | { kind: 'client-error'; status: number }
  | { kind: 'server-error'; status: number }
  | { kind: 'unparseable' };

/** Sends one long poll and returns its messages or why it had none. */
export async function longPoll(env: FleetEnvironment, deviceId: string, signal: AbortSignal): Promise<PollResult> {
  const headers = {
    'x-request-signature': pollRequestSignature(env.secret, env.settings.serverProject, deviceId),
  };
  const response = await withFailover(env.urls, signal, (base) =>
    env.http.poll({ method: 'GET', url: env.urls.route(base, ROUTES.poll(deviceId)), headers, signal }),
  );

  if (response.status >= 400 && response.status <= 499) return { kind: 'client-error', status: response.status };
  if (!isSuccess(response.status)) return { kind: 'server-error', status: response.status };

  const envelope = parseEnvelope(response);
  if (!envelope) return { kind: 'unparseable' };
  const data = envelope.data ?? [];
  if (!Array.isArray(data)) return { kind: 'unparseable' };

  // PushMessage.payload is a Java String: a nested object would make
  // Jackson reject the whole batch.
  const messages: PushMessage[] = [];
  for (const item of data) {
    if (!isObject(item) || typeof item.messageType !== 'string') return { kind: 'unparseable' };
    if (item.payload !== undefined && item.payload !== null && typeof item.payload !== 'string') {
      return { kind: 'unparseable' };
    }
    messages.push({ messageType: item.messageType, payload: (item.payload as string | null | undefined) ?? null });
  }
  return { kind: 'messages', messages };
}

interface Envelope {
  status?: unknown;
  message?: unknown;
  data?: unknown;
}

function parseEnvelope(response: HttpResponse): Envelope | null {
  try {
    const parsed: unknown = JSON.parse(response.text);
    return isObject(parsed) ? parsed : null;
  } catch {
    return null;
  }
}

function isSuccess(status: number): boolean {
  return status >= 200 && status <= 299;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Downloads an APK from a config URL. A URL containing /files/ is signed over
 * its raw remainder, as the agent signs file downloads.
 */
export async function downloadApk(env: FleetEnvironment, url: string, signal: AbortSignal): Promise<DownloadResult> {
  const signature = fileRequestSignature(env.secret, url);
  const headers: Record<string, string> = signature ? { 'x-request-signature': signature } : {};
  const cutAt = env.faults?.cutDownloadsAt;
  if (cutAt !== undefined) return env.http.downloadResuming(env.urls.download(url), headers, signal, cutAt);
  return env.http.download(env.urls.download(url), headers, signal);
}

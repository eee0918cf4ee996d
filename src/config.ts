import path from 'node:path';

import { MAX_CONTACT_THRESHOLD_MINUTES } from './domain/contact-state.js';
import {
  checkTileUrlTemplate,
  DEFAULT_MAP_TILE_ATTRIBUTION,
  DEFAULT_MAP_TILE_URL,
  type MapTileSettings,
} from './domain/location-map-tiles.js';
import { AGENT_MQTT_PORT, type MqttSettings } from './push/mqtt/settings.js';

/** Settings of one Outpost process, read from flags and environment. */
export interface OutpostConfig {
  host: string;
  port: number;
  dataDir: string;
  /** URL the phones and browsers use; may differ from the listen address. */
  publicUrl: URL;
  /** Single path segment the agent puts before `/rest`, or '' for none. */
  projectPath: string;
  /** SQLite file by default; a postgres:// URL once PostgreSQL lands. */
  databaseUrl: string;
  longPollHoldSeconds: number;
  maxUploadBytes: number;
  agentBodyLimitBytes: number;
  /** Secret compiled into the agent APK; signs config responses. */
  agentSecret: string;
  initialAdminPassword: string | null;
  sessionHours: number;
  loginAttemptsPerMinute: number;
  /** Default minutes since last contact after which a device counts as late; the console setting overrides it. */
  onlineMinutes: number;
  /** Default minutes since last contact after which a device counts as offline; the console setting overrides it. */
  offlineMinutes: number;
  /** Map tiles for the console: a Leaflet URL template with {z}, {x} and {y}, and the attribution the tile provider requires. */
  mapTiles: MapTileSettings;
  logLevel: string;
  /** Proxies whose X-Forwarded-For is believed: fastify's trustProxy value. */
  trustProxy: boolean | string;
  /** MQTT push: off, a broker inside Outpost, or an external broker. */
  mqtt: MqttSettings;
  /** Config deliveries naming a rollout target before a device that never installs it counts as failed. */
  rolloutMaxOffers: number;
  /** nginx `internal` location that serves APK files through X-Accel-Redirect, or null to send them from Outpost. */
  accelRedirectPrefix: string | null;
  /** Reject agent requests whose X-Request-Signature does not match agentSecret. */
  requireAgentSignature: boolean;
  /** Agent requests per minute from one client address, downloads excluded. */
  agentRequestsPerMinute: number;
  /** Agent requests per minute naming one device id, downloads excluded. */
  agentDeviceRequestsPerMinute: number;
  /** Bearer token that GET /metrics requires; null serves metrics to loopback clients only. */
  metricsToken: string | null;
  /** 32-byte key that encrypts stored secrets such as the DHIS2 token; null: a key file in dataDir. */
  secretKey: Buffer | null;
}

/** Flag values from the command line; each overrides its environment variable. */
export interface ConfigFlags {
  host?: string;
  port?: string | number;
  dataDir?: string;
  publicUrl?: string;
  databaseUrl?: string;
  secretKey?: string;
}

export class ConfigError extends Error {}

// Under the agent's 300 s long-poll read timeout with 30 s for a slow proxy.
// Holds of 255 s or more cut the long-poll bytes to a quarter of a 60 s hold,
// because a phone pauses 5 s between polls: (255 + 5) / (60 + 5) = 4.
const DEFAULT_LONG_POLL_HOLD_SECONDS = 270;
const AGENT_LONG_POLL_READ_TIMEOUT_SECONDS = 300;
// DHIS2 Capture APKs are about 40 MB; 500 MB leaves room for large XAPKs.
const DEFAULT_MAX_UPLOAD_BYTES = 500 * 1024 * 1024;
// Device info with 100 apps and files is about 30 KB; 1 MB is generous.
const DEFAULT_AGENT_BODY_LIMIT_BYTES = 1024 * 1024;
// The public open-source agent build signs with this value.
const DEFAULT_AGENT_SECRET = 'changeme-C3z9vi54';
// The agent reports every 15 minutes; 20 allows one late report.
const DEFAULT_ONLINE_MINUTES = 20;
// The agent reports every 15 minutes and forces a config sync when the last
// one is over an hour old. Two hours of silence means about eight missed
// reports and a missed forced sync, so the phone is off or out of coverage.
const DEFAULT_OFFLINE_MINUTES = 120;
// Three deliveries give a phone two more chances after a dropped download
// or a full disk, while a phone that can never install stops costing data.
const DEFAULT_ROLLOUT_MAX_OFFERS = 3;
// By estimate a phone makes one request every two minutes, because it
// renews a 270 s long poll and syncs, reports and fetches log rules every
// 15 minutes. A national carrier's NAT can put thousands of phones behind
// one address, so 6,000 a minute leaves room for about ten thousand. The
// per-device limit is what stops a single misbehaving phone.
const DEFAULT_AGENT_REQUESTS_PER_MINUTE = 6000;
// One phone needs a handful of requests a minute even in a burst, such as
// enrolment or a push that triggers a sync, a report and a new long poll.
const DEFAULT_AGENT_DEVICE_REQUESTS_PER_MINUTE = 30;

/** Environment variables, their meaning and default, for docs and `--help`. */
export const ENVIRONMENT_SETTINGS = [
  ['OUTPOST_HOST', 'Address to listen on', '127.0.0.1'],
  ['OUTPOST_PORT', 'TCP port to listen on', '8080'],
  ['OUTPOST_DATA_DIR', 'Directory for the database and APK files', './data'],
  ['OUTPOST_PUBLIC_URL', 'URL phones and browsers use; its path is the project path', 'http://localhost:PORT'],
  ['OUTPOST_DATABASE_URL', 'Database; a file path or sqlite:// URL', 'DATA_DIR/outpost.sqlite'],
  ['OUTPOST_LONG_POLL_HOLD_SECONDS', 'Seconds a long poll is held open; under 300', String(DEFAULT_LONG_POLL_HOLD_SECONDS)],
  ['OUTPOST_MAX_UPLOAD_BYTES', 'Largest APK upload in bytes', String(DEFAULT_MAX_UPLOAD_BYTES)],
  ['OUTPOST_AGENT_BODY_LIMIT_BYTES', 'Largest agent request body in bytes', String(DEFAULT_AGENT_BODY_LIMIT_BYTES)],
  ['OUTPOST_AGENT_SECRET', 'Request-signature secret compiled into the agent', DEFAULT_AGENT_SECRET],
  ['OUTPOST_ADMIN_PASSWORD', 'Password of the first admin user; random when unset', '(random, printed once)'],
  ['OUTPOST_SESSION_HOURS', 'Hours a console session lasts', '12'],
  ['OUTPOST_LOGIN_ATTEMPTS_PER_MINUTE', 'Login attempts per client address per minute', '10'],
  ['OUTPOST_ONLINE_MINUTES', 'Minutes since last contact for a device to count as online; later it is late. Default until set in the console', String(DEFAULT_ONLINE_MINUTES)],
  ['OUTPOST_OFFLINE_MINUTES', 'Minutes since last contact after which a device counts as offline; above OUTPOST_ONLINE_MINUTES. Default until set in the console', String(DEFAULT_OFFLINE_MINUTES)],
  ['OUTPOST_MAP_TILE_URL', 'Map tile URL template with {z}, {x} and {y} (and optionally {s}) for the console maps', DEFAULT_MAP_TILE_URL],
  ['OUTPOST_MAP_TILE_ATTRIBUTION', 'Attribution text the tile provider requires, shown on every map', DEFAULT_MAP_TILE_ATTRIBUTION],
  ['OUTPOST_LOG_LEVEL', 'pino log level', 'info'],
  ['OUTPOST_TRUST_PROXY', 'Proxy addresses whose X-Forwarded-For is believed: loopback, none, or addresses and CIDRs', 'loopback'],
  ['OUTPOST_MQTT_MODE', 'MQTT push: off, embedded (broker inside Outpost) or external', 'off'],
  ['OUTPOST_MQTT_HOST', 'Address the embedded MQTT broker listens on', '0.0.0.0'],
  ['OUTPOST_MQTT_PORT', 'TCP port of the embedded MQTT broker; the stock agent connects to 31000', String(AGENT_MQTT_PORT)],
  ['OUTPOST_ROLLOUT_MAX_OFFERS', 'Config deliveries of a rollout version before a phone that never installs it counts as failed', String(DEFAULT_ROLLOUT_MAX_OFFERS)],
  ['OUTPOST_ACCEL_REDIRECT_PREFIX', 'nginx internal location that serves APK files via X-Accel-Redirect, e.g. /outpost-blobs', '(none: Outpost sends files)'],
  ['OUTPOST_REQUIRE_AGENT_SIGNATURE', 'Reject agent config and polling requests without a valid X-Request-Signature: true or false', 'false'],
  ['OUTPOST_AGENT_REQUESTS_PER_MINUTE', 'Agent requests per client address per minute, APK downloads excluded', String(DEFAULT_AGENT_REQUESTS_PER_MINUTE)],
  ['OUTPOST_AGENT_DEVICE_REQUESTS_PER_MINUTE', 'Agent requests per device id per minute, APK downloads excluded', String(DEFAULT_AGENT_DEVICE_REQUESTS_PER_MINUTE)],
  ['OUTPOST_MQTT_URL', 'External broker URL with the login Outpost publishes with, mqtt://user:password@host:1883', '(none)'],
  ['OUTPOST_METRICS_TOKEN', 'Bearer token Prometheus sends to GET /metrics; at least 16 characters', '(none: loopback clients only)'],
  ['OUTPOST_SECRET_KEY', 'Key that encrypts stored secrets such as the DHIS2 token: 32 bytes as 64 hex digits or base64. Set the same value on every process that shares a PostgreSQL database', '(generated once into DATA_DIR/secret.key)'],
] as const;

type Env = Record<string, string | undefined>;

/** Builds the configuration from flags and environment, or throws ConfigError. */
export function loadConfig(flags: ConfigFlags = {}, env: Env = process.env): OutpostConfig {
  const host = flags.host ?? env.OUTPOST_HOST ?? '127.0.0.1';
  // The message names what the operator set: the flag, or else the variable.
  const port = readInteger(flags.port !== undefined ? '--port' : 'OUTPOST_PORT', flags.port ?? env.OUTPOST_PORT, 8080, 0, 65535);
  const dataDir = path.resolve(flags.dataDir ?? env.OUTPOST_DATA_DIR ?? './data');

  const publicUrlText = flags.publicUrl ?? env.OUTPOST_PUBLIC_URL ?? `http://localhost:${port}`;
  const publicUrl = parsePublicUrl(publicUrlText);
  const projectPath = projectPathOf(publicUrl);

  const longPollHoldSeconds = readInteger(
    'OUTPOST_LONG_POLL_HOLD_SECONDS',
    env.OUTPOST_LONG_POLL_HOLD_SECONDS,
    DEFAULT_LONG_POLL_HOLD_SECONDS,
    1,
    AGENT_LONG_POLL_READ_TIMEOUT_SECONDS - 10,
  );

  return {
    host,
    port,
    dataDir,
    publicUrl,
    projectPath,
    databaseUrl: flags.databaseUrl ?? env.OUTPOST_DATABASE_URL ?? path.join(dataDir, 'outpost.sqlite'),
    longPollHoldSeconds,
    maxUploadBytes: readInteger('OUTPOST_MAX_UPLOAD_BYTES', env.OUTPOST_MAX_UPLOAD_BYTES, DEFAULT_MAX_UPLOAD_BYTES, 1024),
    agentBodyLimitBytes: readInteger(
      'OUTPOST_AGENT_BODY_LIMIT_BYTES',
      env.OUTPOST_AGENT_BODY_LIMIT_BYTES,
      DEFAULT_AGENT_BODY_LIMIT_BYTES,
      1024,
    ),
    agentSecret: env.OUTPOST_AGENT_SECRET ?? DEFAULT_AGENT_SECRET,
    initialAdminPassword: env.OUTPOST_ADMIN_PASSWORD || null,
    sessionHours: readInteger('OUTPOST_SESSION_HOURS', env.OUTPOST_SESSION_HOURS, 12, 1, 24 * 30),
    loginAttemptsPerMinute: readInteger(
      'OUTPOST_LOGIN_ATTEMPTS_PER_MINUTE',
      env.OUTPOST_LOGIN_ATTEMPTS_PER_MINUTE,
      10,
      1,
    ),
    ...readContactMinutes(env),
    mapTiles: readMapTiles(env),
    logLevel: env.OUTPOST_LOG_LEVEL ?? 'info',
    trustProxy: readTrustProxy(env.OUTPOST_TRUST_PROXY),
    mqtt: readMqttSettings(env),
    rolloutMaxOffers: readInteger('OUTPOST_ROLLOUT_MAX_OFFERS', env.OUTPOST_ROLLOUT_MAX_OFFERS, DEFAULT_ROLLOUT_MAX_OFFERS, 1, 100),
    accelRedirectPrefix: env.OUTPOST_ACCEL_REDIRECT_PREFIX?.trim().replace(/\/+$/, '') || null,
    requireAgentSignature: readBoolean('OUTPOST_REQUIRE_AGENT_SIGNATURE', env.OUTPOST_REQUIRE_AGENT_SIGNATURE, false),
    agentRequestsPerMinute: readInteger(
      'OUTPOST_AGENT_REQUESTS_PER_MINUTE',
      env.OUTPOST_AGENT_REQUESTS_PER_MINUTE,
      DEFAULT_AGENT_REQUESTS_PER_MINUTE,
      1,
    ),
    agentDeviceRequestsPerMinute: readInteger(
      'OUTPOST_AGENT_DEVICE_REQUESTS_PER_MINUTE',
      env.OUTPOST_AGENT_DEVICE_REQUESTS_PER_MINUTE,
      DEFAULT_AGENT_DEVICE_REQUESTS_PER_MINUTE,
      1,
    ),
    secretKey: readSecretKey(flags.secretKey ?? env.OUTPOST_SECRET_KEY),
    metricsToken: readMetricsToken(env.OUTPOST_METRICS_TOKEN),
  };
}

// A token shorter than 16 characters could be guessed by a scraper that
// retries; a random 32-character token is the suggested form.
const MIN_METRICS_TOKEN_LENGTH = 16;

function readMetricsToken(value: string | undefined): string | null {
  const token = value?.trim() ?? '';
  if (token === '') return null;
  // The token is a secret, so the message gives its length only.
  if (token.length < MIN_METRICS_TOKEN_LENGTH) {
    throw new ConfigError(
      `Invalid OUTPOST_METRICS_TOKEN: it has ${token.length} characters, fewer than ${MIN_METRICS_TOKEN_LENGTH}; ` +
        'use a random value such as the output of openssl rand -hex 16.',
    );
  }
  return token;
}

// AES-256 takes a 256-bit key.
const SECRET_KEY_BYTES = 32;

/** Reads a 32-byte key given as 64 hex digits or as base64; the message never repeats the value. */
function readSecretKey(value: string | undefined): Buffer | null {
  const text = value?.trim() ?? '';
  if (text === '') return null;

  const key = /^[0-9a-fA-F]{64}$/.test(text) ? Buffer.from(text, 'hex') : Buffer.from(text, 'base64');
  if (key.length !== SECRET_KEY_BYTES || (!/^[0-9a-fA-F]{64}$/.test(text) && !/^[A-Za-z0-9+/_-]+={0,2}$/.test(text))) {
    throw new ConfigError(
      'Invalid OUTPOST_SECRET_KEY: give 32 random bytes as 64 hex digits or as base64, for example the output of `openssl rand -hex 32`.',
    );
  }
  return key;
}

/**
 * Reads which peers may set the client address through X-Forwarded-For.
 * Trusting every peer would let a client choose its own address and slip
 * past per-address limits such as the login rate limit.
 */
function readTrustProxy(value: string | undefined): boolean | string {
  const text = (value ?? 'loopback').trim();
  if (text === 'none' || text === '') return false;
  if (text === 'all') {
    throw new ConfigError('Invalid OUTPOST_TRUST_PROXY "all": list the proxy addresses instead, for example loopback or 10.0.0.2.');
  }
  return text;
}

function readMqttSettings(env: Env): MqttSettings {
  const mode = env.OUTPOST_MQTT_MODE || 'off';
  if (mode === 'off') return { mode };

  if (mode === 'embedded') {
    return {
      mode,
      host: env.OUTPOST_MQTT_HOST || '0.0.0.0',
      port: readInteger('OUTPOST_MQTT_PORT', env.OUTPOST_MQTT_PORT, AGENT_MQTT_PORT, 0, 65535),
    };
  }

  if (mode === 'external') {
    const url = env.OUTPOST_MQTT_URL;
    if (!url) {
      throw new ConfigError(
        'Missing OUTPOST_MQTT_URL: OUTPOST_MQTT_MODE=external needs the broker URL, ' +
          'for example mqtt://outpost:password@127.0.0.1:1883.',
      );
    }
    // The URL carries a password, so the message does not repeat it.
    if (!/^mqtts?:\/\/[^/]/.test(url) || !URL.canParse(url)) {
      throw new ConfigError('Invalid OUTPOST_MQTT_URL: expected mqtt://user:password@host:port or mqtts://….');
    }
    return { mode, url };
  }

  throw new ConfigError(`Invalid OUTPOST_MQTT_MODE "${mode}": expected off, embedded or external.`);
}

/** Reads the default contact-state thresholds; late must come before offline. */
function readContactMinutes(env: Env): { onlineMinutes: number; offlineMinutes: number } {
  const max = MAX_CONTACT_THRESHOLD_MINUTES;
  const onlineMinutes = readInteger('OUTPOST_ONLINE_MINUTES', env.OUTPOST_ONLINE_MINUTES, DEFAULT_ONLINE_MINUTES, 1, max - 1);
  const offlineDefault = Math.max(DEFAULT_OFFLINE_MINUTES, onlineMinutes + 1);
  const offlineMinutes = readInteger('OUTPOST_OFFLINE_MINUTES', env.OUTPOST_OFFLINE_MINUTES, offlineDefault, 2, max);

  if (offlineMinutes <= onlineMinutes) {
    throw new ConfigError(
      `Invalid OUTPOST_OFFLINE_MINUTES "${offlineMinutes}": it must be greater than OUTPOST_ONLINE_MINUTES (${onlineMinutes}).`,
    );
  }
  return { onlineMinutes, offlineMinutes };
}

/**
 * Returns settings that are valid but will not work as an operator expects,
 * for the server to log at start.
 */
export function configWarnings(config: OutpostConfig): string[] {
  const warnings: string[] = [];
  // URL schemes are case-insensitive, so HTTP://tiles... is plain http too.
  if (config.publicUrl.protocol === 'https:' && /^http:/i.test(config.mapTiles.urlTemplate)) {
    warnings.push(
      `OUTPOST_MAP_TILE_URL "${config.mapTiles.urlTemplate}" uses http while the console is served over https, so browsers block the tiles and maps stay blank. Use an https tile server.`,
    );
  }
  return warnings;
}

function readMapTiles(env: Env): MapTileSettings {
  const urlTemplate = env.OUTPOST_MAP_TILE_URL?.trim() || DEFAULT_MAP_TILE_URL;
  const problem = checkTileUrlTemplate(urlTemplate);
  if (problem) throw new ConfigError(`Invalid OUTPOST_MAP_TILE_URL "${urlTemplate}": ${problem}`);

  const attribution = env.OUTPOST_MAP_TILE_ATTRIBUTION?.trim() || DEFAULT_MAP_TILE_ATTRIBUTION;
  return { urlTemplate, attribution };
}

function readBoolean(name: string, value: string | undefined, fallback: boolean): boolean {
  const text = value?.trim().toLowerCase() ?? '';
  if (text === '') return fallback;
  if (text === 'true') return true;
  if (text === 'false') return false;
  throw new ConfigError(`Invalid ${name} "${value}": expected true or false.`);
}

const DECIMAL_INTEGER = /^-?\d+$/;

function readInteger(
  name: string,
  value: string | number | undefined,
  fallback: number,
  min: number,
  max = Number.MAX_SAFE_INTEGER,
): number {
  if (value === undefined || value === '') return fallback;

  // Only plain decimal digits are valid. Number() alone would also accept
  // 0x14, 1e3 and " 20 ", which are typing mistakes in a setting.
  const parsed = typeof value === 'number' ? value : DECIMAL_INTEGER.test(value) ? Number(value) : Number.NaN;
  if (!Number.isInteger(parsed) || parsed < min || parsed > max) {
    throw new ConfigError(`Invalid ${name} "${value}": expected a whole number from ${min} to ${max}.`);
  }
  return parsed;
}

function parsePublicUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ConfigError(`Invalid public URL "${text}": expected an absolute URL such as https://mdm.example.org.`);
  }

  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigError(`Invalid public URL "${text}": the scheme must be http or https.`);
  }
  if (url.search || url.hash || url.username || url.password) {
    throw new ConfigError(`Invalid public URL "${text}": remove the query, fragment and credentials.`);
  }
  return url;
}

/**
 * Returns the single path segment of the public URL. The agent places it
 * before `/rest` as one URL segment, so a deeper path cannot work.
 */
function projectPathOf(url: URL): string {
  const segments = url.pathname.split('/').filter((segment) => segment !== '');
  if (segments.length > 1) {
    throw new ConfigError(
      `Invalid public URL "${url.href}": the path "${url.pathname}" has ${segments.length} segments, ` +
        'but the agent supports one at most (for example https://example.org/outpost).',
    );
  }
  return decodeURIComponent(segments[0] ?? '');
}

/** Origin the agent gets as BASE_URL: scheme, host and a non-default port, no path. */
export function agentBaseUrl(config: OutpostConfig): string {
  return config.publicUrl.origin;
}

/** Path prefix of every route, '' or '/segment'. */
export function routePrefix(config: OutpostConfig): string {
  return config.projectPath === '' ? '' : `/${encodeURIComponent(config.projectPath)}`;
}

// Requests as the open-source agent sends them: the device-info body built
// by the simulator, with placeholders that each request fills in, and the
// header lines OkHttp adds.

import { buildDeviceInfo } from '../../simulator/device-info.js';
import type { DeviceProfile } from '../../simulator/device-profile.js';
import { imeiOf, modelOf, POLICY_APPS, serialOf } from './fleet-shape.js';

/** Placeholders in the device-info template; the wrk script fills the same tokens. */
export const PLACEHOLDERS = {
  deviceId: '__DEVICE_ID__',
  serial: '__SERIAL__',
  imei: '__IMEI__',
  // A number in the JSON, so the placeholder is a number that no real field carries.
  timestamp: '1111111111111',
} as const;

/** Device-info body with placeholders for device id, serial, IMEI and location time. */
export function deviceInfoTemplate(): string {
  const hardware = modelOf(0);
  const profile: DeviceProfile = {
    serial: PLACEHOLDERS.serial,
    imei: PLACEHOLDERS.imei,
    model: hardware.model,
    androidVersion: hardware.androidVersion,
    cpu: hardware.cpu,
    systemLauncher: 'com.sec.android.app.launcher',
    home: { lat: 0.347596, lon: 32.58252 },
    typedDeviceId: PLACEHOLDERS.deviceId,
  };
  const body = buildDeviceInfo({
    deviceId: PLACEHOLDERS.deviceId,
    profile,
    battery: { batteryLevel: 73, batteryCharging: '' },
    location: { ts: Number(PLACEHOLDERS.timestamp), lat: 0.348871, lon: 32.581906 },
    applications: POLICY_APPS.map((app) => ({ name: app.label, pkg: app.packageName, version: app.versionName })),
    agentPackage: 'com.hmdm.launcher',
    defaultLauncher: false,
  });
  return JSON.stringify(body);
}

/** Fills the template for device number n with a location taken at `timestamp`. */
export function fillDeviceInfo(template: string, deviceId: string, n: number, timestamp: number): string {
  return template
    .replace(PLACEHOLDERS.deviceId, deviceId)
    .replace(PLACEHOLDERS.serial, serialOf(n))
    .replace(PLACEHOLDERS.imei, imeiOf(n))
    .replace(PLACEHOLDERS.timestamp, String(timestamp));
}

// NOTE: the agent's OkHttp version, and so its User-Agent, differs between
// agent releases; this one is an assumption, and a few bytes either way.
export const AGENT_USER_AGENT = 'okhttp/3.14.9';

/**
 * Header lines OkHttp adds to every request of a client without
 * interceptors, as the agent builds its clients. OkHttp adds
 * Accept-Encoding gzip itself, and then decompresses gzip responses
 * transparently.
 */
export function okHttpHeaderLines(host: string): string[] {
  return [`Host: ${host}`, 'Connection: Keep-Alive', ACCEPT_GZIP_LINE, `User-Agent: ${AGENT_USER_AGENT}`];
}

export const ACCEPT_GZIP_LINE = 'Accept-Encoding: gzip';

/** The agent's calls an idle phone makes, as counted by the wire-bytes benchmark. */
export type AgentCall = 'config' | 'logRules' | 'deviceInfo' | 'poll';

// Outpost does not check X-Request-Signature by default, but its 40 hex
// characters are part of every config request and poll the agent sends.
const SIGNATURE = 'D2C0F8E7A1B6C3D4E5F60718293A4B5C6D7E8F90';

/**
 * Returns the HTTP/1.1 request text of one agent call: Retrofit's headers
 * first, then the ones OkHttp adds. A project path of '' means none.
 */
export function agentRequestText(
  call: AgentCall,
  options: { host: string; deviceId: string; cpu?: string; deviceInfoBody?: string; withoutGzip?: boolean },
): string {
  const id = encodeURIComponent(options.deviceId);
  const allOkHttp = okHttpHeaderLines(options.host);
  const okHttp = options.withoutGzip ? allOkHttp.filter((line) => line !== ACCEPT_GZIP_LINE) : allOkHttp;
  let lines: string[];
  let body = '';
  switch (call) {
    case 'config':
      lines = [
        `GET /rest/public/sync/configuration/${id} HTTP/1.1`,
        `X-Request-Signature: ${SIGNATURE}`,
        `X-CPU-Arch: ${options.cpu ?? modelOf(0).cpu}`,
        ...okHttp,
      ];
      break;
    case 'logRules':
      lines = [`GET /rest/plugins/devicelog/log/rules/${id} HTTP/1.1`, ...okHttp];
      break;
    case 'deviceInfo':
      if (options.deviceInfoBody === undefined) throw new Error('A deviceInfo request needs deviceInfoBody.');
      body = options.deviceInfoBody;
      lines = [
        'POST /rest/public/sync/info HTTP/1.1',
        'Content-Type: application/json; charset=UTF-8',
        `Content-Length: ${Buffer.byteLength(body)}`,
        ...okHttp,
      ];
      break;
    case 'poll':
      lines = [`GET /rest/notification/polling/${id} HTTP/1.1`, `X-Request-Signature: ${SIGNATURE}`, ...okHttp];
      break;
  }
  return `${lines.join('\r\n')}\r\n\r\n${body}`;
}

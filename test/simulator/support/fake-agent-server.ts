// A scriptable stand-in for the agent side of an MDM server, on a random
// loopback port, for simulator tests that need replies the real server does
// not give on demand (one-shot flags, a tampered signature, odd push payloads).

import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export const FAKE_SECRET = 'changeme-C3z9vi54';

export interface RecordedRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: unknown;
}

export interface FakeApk {
  bytes: Buffer;
  /** Repr-Digest header to send: the correct one when undefined, none when null. */
  reprDigest?: string | null;
}

export class FakeAgentServer {
  readonly requests: RecordedRequest[] = [];
  /** Config `data` per device id. Devices not listed get `defaultConfig`. */
  readonly configs = new Map<string, Record<string, unknown>>();
  defaultConfig: Record<string, unknown> = { pushOptions: 'polling', applications: [] };
  /** Device ids that get error.notfound.device. */
  readonly unknownDevices = new Set<string>();
  readonly apks = new Map<string, FakeApk>();
  /** When true, config responses carry a wrong X-Response-Signature. */
  tamperSignature = false;
  /** HTTP status of the devicereset confirmations. */
  confirmStatus = 200;
  /** Milliseconds a long poll stays open before an empty response. */
  pollHoldMs = 2_000;
  /** HTTP status of every long poll. A status other than 200 is returned at once. */
  pollStatus = 200;
  /** Raw poll `data` to send next instead of queued messages, e.g. an invalid payload. */
  nextPollData: unknown = undefined;

  private readonly waiting = new Map<string, () => void>();
  private readonly queued = new Map<string, Array<{ messageType: string; payload: string | null }>>();
  private server: http.Server | null = null;
  origin = '';

  constructor(readonly project: string) {}

  async start(): Promise<void> {
    this.server = http.createServer((request, response) => void this.handle(request, response));
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    const { port } = this.server.address() as AddressInfo;
    this.origin = `http://127.0.0.1:${port}`;
  }

  async close(): Promise<void> {
    for (const wake of this.waiting.values()) wake();
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }

  /** Provisioning JSON a QR for this server would carry. */
  qr(extras: Record<string, string> = {}): Record<string, unknown> {
    return {
      'android.app.extra.PROVISIONING_DEVICE_ADMIN_COMPONENT_NAME': 'com.hmdm.launcher/com.hmdm.launcher.AdminReceiver',
      'android.app.extra.PROVISIONING_ADMIN_EXTRAS_BUNDLE': {
        'com.hmdm.BASE_URL': this.origin,
        'com.hmdm.SERVER_PROJECT': this.project,
        'com.hmdm.CONFIG': 'token-1',
        ...extras,
      },
    };
  }

  /** Absolute URL of a served APK. */
  apkUrl(name: string): string {
    return `${this.origin}${this.prefix()}/files/${name}`;
  }

  /** Queues a push message and completes the device's open poll. */
  push(deviceId: string, messageType: string, payload: string | null = null): void {
    const queue = this.queued.get(deviceId) ?? [];
    queue.push({ messageType, payload });
    this.queued.set(deviceId, queue);
    this.wake(deviceId);
  }

  /** Completes the device's open poll now, e.g. with `nextPollData`. */
  wake(deviceId: string): void {
    this.waiting.get(deviceId)?.();
  }

  /** Requests whose path, after the project prefix and /rest/, starts with `route`. */
  calls(route: string): RecordedRequest[] {
    const start = `${this.prefix()}/rest/${route}`;
    return this.requests.filter((request) => request.path.startsWith(start));
  }

  private prefix(): string {
    return this.project === '' ? '' : `/${this.project}`;
  }

  private async handle(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const path = decodeURI(request.url ?? '');
    this.requests.push({ method: request.method ?? '', path, headers: request.headers, body: text ? JSON.parse(text) : null });

    const rest = `${this.prefix()}/rest/`;
    if (path.startsWith(`${this.prefix()}/files/`)) return this.serveApk(path.slice(`${this.prefix()}/files/`.length), response);
    if (!path.startsWith(rest)) return void response.writeHead(404).end();

    const route = path.slice(rest.length);
    const id = decodeURIComponent(route.split('/').pop() ?? '');
    if (route.startsWith('public/sync/configuration/')) return this.sendConfig(id, response);
    if (route === 'public/sync/info') return void response.writeHead(200).end();
    if (route.startsWith('notification/polling/')) return this.holdPoll(id, response);
    if (route.startsWith('plugins/devicelog/log/rules/')) return sendJson(response, { status: 'OK', message: null, data: [] });
    if (route.startsWith('plugins/devicereset/public/')) return this.confirm(route, id, response);
    response.writeHead(404).end();
  }

  private sendConfig(deviceId: string, response: http.ServerResponse): void {
    if (this.unknownDevices.has(deviceId)) {
      return sendJson(response, { status: 'ERROR', message: 'error.notfound.device', data: null });
    }
    const data = JSON.stringify(this.configs.get(deviceId) ?? this.defaultConfig);
    const body = `{"status":"OK","message":null,"data":${data}}`;
    const signature = createHash('sha1').update(FAKE_SECRET + data.replace(/[ \t\n\x0B\f\r]/g, '')).digest('hex').toUpperCase();
    response.writeHead(200, {
      'content-type': 'application/json',
      'x-response-signature': this.tamperSignature ? signature.replace(/^./, signature.startsWith('0') ? '1' : '0') : signature,
      'x-ip-address': '127.0.0.1',
    });
    response.end(body);
  }

  /** Clears the one-shot flag the confirmation is for, as a server must. */
  private confirm(route: string, deviceId: string, response: http.ServerResponse): void {
    const config = { ...(this.configs.get(deviceId) ?? this.defaultConfig) };
    if (route.startsWith('plugins/devicereset/public/reboot/')) delete config.reboot;
    else if (route.startsWith('plugins/devicereset/public/password/')) delete config.passwordReset;
    else delete config.factoryReset;
    if (this.confirmStatus >= 200 && this.confirmStatus < 300) this.configs.set(deviceId, config);
    response.writeHead(this.confirmStatus).end();
  }

  private holdPoll(deviceId: string, response: http.ServerResponse): void {
    if (this.pollStatus !== 200) return void response.writeHead(this.pollStatus).end();
    const answer = () => {
      clearTimeout(timer);
      this.waiting.delete(deviceId);
      if (this.nextPollData !== undefined) {
        const data = this.nextPollData;
        this.nextPollData = undefined;
        return sendJson(response, { status: 'OK', message: null, data });
      }
      const messages = this.queued.get(deviceId) ?? [];
      this.queued.delete(deviceId);
      sendJson(response, { status: 'OK', message: null, data: messages });
    };
    const timer = setTimeout(answer, this.pollHoldMs);
    this.waiting.set(deviceId, answer);
    if ((this.queued.get(deviceId)?.length ?? 0) > 0 || this.nextPollData !== undefined) answer();
  }

  private serveApk(name: string, response: http.ServerResponse): void {
    const apk = this.apks.get(name);
    if (!apk) return void response.writeHead(404).end();
    const digest = `sha-256=:${createHash('sha256').update(apk.bytes).digest('base64')}:`;
    const headers: Record<string, string> = { 'content-type': 'application/vnd.android.package-archive' };
    const reprDigest = apk.reprDigest === undefined ? digest : apk.reprDigest;
    if (reprDigest !== null) headers['repr-digest'] = reprDigest;
    response.writeHead(200, headers);
    response.end(apk.bytes);
  }
}

function sendJson(response: http.ServerResponse, body: unknown): void {
  response.writeHead(200, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}

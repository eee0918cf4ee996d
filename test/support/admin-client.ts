// A small typed client for the admin API (/api/v1), for tests that drive
// Outpost the way the console does: log in, keep the session cookie, send the
// CSRF token on every change.

export class AdminApiError extends Error {
  constructor(
    readonly method: string,
    readonly path: string,
    readonly status: number,
    readonly body: unknown,
  ) {
    super(`${method} ${path} returned HTTP ${status}: ${JSON.stringify(body)}`);
  }
}

export interface AppVersion {
  id: string;
  versionCode: number;
  versionName: string | null;
  fileSha256: string;
  size: number;
  fileName: string;
}

export interface App {
  id: string;
  packageName: string;
  label: string | null;
  versions: AppVersion[];
}

export interface PolicyApp {
  packageName: string;
  appVersionId: string | null;
  action: 'install' | 'remove';
  versionCode?: number;
  versionName?: string | null;
}

export interface Policy {
  id: string;
  name: string;
  version: number;
  settings: Record<string, unknown>;
  apps: PolicyApp[];
  deviceCount: number;
}

export interface EnrolmentToken {
  id: string;
  policyId: string;
  orgUnitId: string | null;
  presetDeviceId: string | null;
  qrJsonUrl: string;
  qrPngUrl: string;
}

export interface InstalledAppView {
  packageName: string;
  versionName: string | null;
  versionCode: number | null;
  expectedVersionCode: number | null;
  upToDate: boolean;
}

export interface DeviceSummary {
  id: string;
  deviceId: string;
  serial: string | null;
  imei: string | null;
  model: string | null;
  androidVersion: string | null;
  batteryLevel: number | null;
  policyId: string | null;
  enrolmentGeneration: number;
  enrolledAt: number;
  lastContactAt: number | null;
  status: 'online' | 'late' | 'offline' | 'never';
  lastLocation: { lat: number; lon: number; at: number } | null;
}

export interface DeviceDetail extends DeviceSummary {
  installedApps: InstalledAppView[];
  launcherType: string | null;
  mdmMode: boolean | null;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** A logged-in admin API session. `baseUrl` is the public URL, project path included. */
export class AdminClient {
  private constructor(
    private readonly apiUrl: string,
    private readonly cookie: string,
    readonly csrfToken: string,
  ) {}

  static async login(baseUrl: string, username: string, password: string): Promise<AdminClient> {
    const apiUrl = `${baseUrl.replace(/\/$/, '')}/api/v1`;
    const response = await fetch(`${apiUrl}/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password }),
    });
    const body = await readBody(response);
    if (!response.ok) throw new AdminApiError('POST', '/auth/login', response.status, body);

    const setCookie = response.headers.getSetCookie().find((value) => value.startsWith('outpost_session='));
    if (!setCookie) throw new Error('POST /auth/login set no outpost_session cookie.');
    const csrfToken = (body as { csrfToken?: unknown }).csrfToken;
    if (typeof csrfToken !== 'string') throw new Error('POST /auth/login returned no csrfToken.');
    return new AdminClient(apiUrl, setCookie.split(';')[0] ?? '', csrfToken);
  }

  get<T>(path: string): Promise<T> {
    return this.send<T>('GET', path);
  }

  post<T>(path: string, body?: unknown): Promise<T> {
    return this.send<T>('POST', path, body);
  }

  put<T>(path: string, body: unknown): Promise<T> {
    return this.send<T>('PUT', path, body);
  }

  patch<T>(path: string, body: unknown): Promise<T> {
    return this.send<T>('PATCH', path, body);
  }

  /** Uploads an APK file's bytes and returns the app and the new version. */
  async uploadApk(bytes: Uint8Array, fileName: string): Promise<{ app: App; version: AppVersion }> {
    return this.send('POST', `/apps/upload?fileName=${encodeURIComponent(fileName)}`, bytes, 'application/vnd.android.package-archive');
  }

  /** Lists every device, following the cursor through all pages. */
  async listDevices(query = ''): Promise<DeviceSummary[]> {
    const devices: DeviceSummary[] = [];
    let cursor: string | null = null;
    do {
      const params = new URLSearchParams(query);
      params.set('limit', '200');
      if (cursor) params.set('cursor', cursor);
      const page: Page<DeviceSummary> = await this.get(`/devices?${params.toString()}`);
      devices.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    return devices;
  }

  private async send<T>(method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<T> {
    const headers: Record<string, string> = { cookie: this.cookie };
    if (method !== 'GET') headers['x-csrf-token'] = this.csrfToken;

    let payload: BodyInit | undefined;
    if (body instanceof Uint8Array) {
      payload = new Blob([new Uint8Array(body)]);
      headers['content-type'] = contentType;
    } else if (body !== undefined) {
      payload = JSON.stringify(body);
      headers['content-type'] = contentType;
    }

    const response = await fetch(`${this.apiUrl}${path}`, { method, headers, body: payload });
    const parsed = await readBody(response);
    if (!response.ok) throw new AdminApiError(method, path, response.status, parsed);
    return parsed as T;
  }
}

async function readBody(response: Response): Promise<unknown> {
  const text = await response.text();
  if (text === '') return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

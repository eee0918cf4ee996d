import type { AgentSettings } from './qr-extras.js';

/**
 * Builds the agent's request URLs: `{base}/{project}/rest/...`, or
 * `{base}/rest/...` when the project is empty. The project and the device id
 * are each one percent-encoded path segment, as Retrofit's @Path encodes them.
 */
export class ServerUrls {
  readonly primary: string;
  readonly secondary: string;
  private readonly qrOrigins: Set<string>;

  /**
   * `serverOverride` replaces the QR's base URLs, for tests where the public
   * URL differs from the listen address. Download URLs on the QR's origin are
   * redirected to it too.
   */
  constructor(
    private readonly settings: AgentSettings,
    private readonly serverOverride: string | null,
  ) {
    this.primary = serverOverride ?? settings.baseUrl;
    this.secondary = serverOverride ?? settings.secondaryBaseUrl;
    this.qrOrigins = new Set([settings.baseUrl, settings.secondaryBaseUrl]);
  }

  /** Returns the absolute URL of an agent route, e.g. `public/sync/info`, on one base. */
  route(base: string, path: string): string {
    const project = this.settings.serverProject;
    const prefix = project === '' ? '' : `/${encodeURIComponent(project)}`;
    return `${base}${prefix}/rest/${path}`;
  }

  /** Maps an APK URL from the config to the address the simulator can reach. */
  download(url: string): string {
    if (this.serverOverride === null) return url;

    const parsed = new URL(url);
    if (!this.qrOrigins.has(parsed.origin)) return url;
    return `${this.serverOverride}${parsed.pathname}${parsed.search}`;
  }
}

/** Path segments of the agent routes, after `{project}/rest/`. */
export const ROUTES = {
  configuration: (deviceId: string) => `public/sync/configuration/${encodeURIComponent(deviceId)}`,
  info: () => 'public/sync/info',
  poll: (deviceId: string) => `notification/polling/${encodeURIComponent(deviceId)}`,
  logRules: (deviceId: string) => `plugins/devicelog/log/rules/${encodeURIComponent(deviceId)}`,
  factoryReset: (deviceId: string) => `plugins/devicereset/public/${encodeURIComponent(deviceId)}`,
  reboot: (deviceId: string) => `plugins/devicereset/public/reboot/${encodeURIComponent(deviceId)}`,
  passwordReset: (deviceId: string) => `plugins/devicereset/public/password/${encodeURIComponent(deviceId)}`,
} as const;

/**
 * Calls the primary base URL and, only when that throws (network or TLS
 * error), the secondary one. An HTTP error status does not fail over.
 */
export async function withFailover<T>(urls: ServerUrls, signal: AbortSignal, call: (base: string) => Promise<T>): Promise<T> {
  try {
    return await call(urls.primary);
  } catch (error) {
    if (signal.aborted) throw error;
    return call(urls.secondary);
  }
}

import { BENCH_ADMIN_PASSWORD } from './outpost-child.js';

interface PolicyView {
  name: string;
  description: string;
  settings: Record<string, unknown>;
  apps: Array<{ packageName: string; appVersionId: string | null; action: 'install' | 'remove' }>;
}

/** A signed-in console session on a bench server: its cookie and CSRF token. */
export class AdminSession {
  private constructor(
    private readonly apiBase: string,
    private readonly cookie: string,
    private readonly csrfToken: string,
  ) {}

  /** Signs in as the bench server's first admin. */
  static async signIn(baseUrl: string): Promise<AdminSession> {
    const apiBase = `${baseUrl}/api/v1`;
    const response = await fetch(`${apiBase}/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: BENCH_ADMIN_PASSWORD }),
    });
    if (response.status !== 200) {
      throw new Error(`Admin sign-in at ${apiBase} failed with HTTP ${response.status}: ${await response.text()}`);
    }
    const body = (await response.json()) as { csrfToken: string };
    const cookie = (response.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    return new AdminSession(apiBase, cookie, body.csrfToken);
  }

  /** Sends a GET to the admin API and returns the status and the parsed body. */
  async get(path: string): Promise<{ status: number; body: unknown }> {
    const response = await fetch(`${this.apiBase}${path}`, { headers: { cookie: this.cookie } });
    return { status: response.status, body: await response.json() };
  }

  /** Sends a POST with a JSON body and returns the parsed body; any status but 200 or 201 throws. */
  async post<Body>(path: string, body: unknown): Promise<Body> {
    const response = await fetch(`${this.apiBase}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: this.cookie, 'x-csrf-token': this.csrfToken },
      body: JSON.stringify(body),
    });
    if (response.status !== 200 && response.status !== 201) {
      throw new Error(`POST ${path} failed with HTTP ${response.status}: ${await response.text()}`);
    }
    return (await response.json()) as Body;
  }

  /** Headers of a signed-in GET, for load generators that send their own requests. */
  readHeaders(): Record<string, string> {
    return { cookie: this.cookie };
  }

  /**
   * Saves the policy again with one setting flipped, as a manager changing
   * it in the console does, so that Outpost wakes every device on it.
   */
  async changePolicy(policyId: string): Promise<void> {
    const current = await this.get(`/policies/${policyId}`);
    if (current.status !== 200) throw new Error(`Reading policy ${policyId} failed with HTTP ${current.status}.`);
    const policy = current.body as PolicyView;

    const body = {
      name: policy.name,
      description: policy.description,
      settings: { ...policy.settings, disableScreenshots: policy.settings.disableScreenshots !== true },
      apps: policy.apps.map((app) => ({ packageName: app.packageName, appVersionId: app.appVersionId, action: app.action })),
    };
    const response = await fetch(`${this.apiBase}/policies/${policyId}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', cookie: this.cookie, 'x-csrf-token': this.csrfToken },
      body: JSON.stringify(body),
    });
    if (response.status !== 200) {
      throw new Error(`Saving policy ${policyId} failed with HTTP ${response.status}: ${await response.text()}`);
    }
    await response.arrayBuffer();
  }
}

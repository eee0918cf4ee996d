import { TEST_ADMIN_PASSWORD } from '../support/server.js';

/** Minimal admin API client for checks the browser cannot see. */
export class AdminHttp {
  private constructor(
    private readonly apiBase: string,
    private readonly cookie: string,
    private readonly csrfToken: string,
  ) {}

  /** Signs in as the test admin; `consoleUrl` ends with the project path and '/'. */
  static async signIn(consoleUrl: string): Promise<AdminHttp> {
    const apiBase = new URL('api/v1/', consoleUrl).toString();
    const response = await fetch(`${apiBase}auth/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: TEST_ADMIN_PASSWORD }),
    });
    if (!response.ok) throw new Error(`login returned ${response.status}: ${await response.text()}`);
    const cookie = response.headers.getSetCookie().map((line) => line.split(';')[0]).join('; ');
    const { csrfToken } = (await response.json()) as { csrfToken: string };
    return new AdminHttp(apiBase, cookie, csrfToken);
  }

  async get<T>(path: string): Promise<T> {
    const response = await fetch(`${this.apiBase}${path}`, { headers: { Cookie: this.cookie } });
    if (!response.ok) throw new Error(`GET ${path} returned ${response.status}: ${await response.text()}`);
    return (await response.json()) as T;
  }

  async post<T>(path: string, body: unknown): Promise<T> {
    const response = await fetch(`${this.apiBase}${path}`, {
      method: 'POST',
      headers: { Cookie: this.cookie, 'Content-Type': 'application/json', 'X-CSRF-Token': this.csrfToken },
      body: JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`POST ${path} returned ${response.status}: ${await response.text()}`);
    return (await response.json()) as T;
  }
}

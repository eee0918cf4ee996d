// Sends fuzzed admin requests as a signed-in admin, with the session cookie
// and CSRF token, and signs in again when a generated request ended the
// session (POST /auth/logout, or a login that replaced it).
import type { ApiClient } from '../../admin-api/support/client.js';
import { TEST_ADMIN_PASSWORD } from '../../support/server.js';
import type { RawHttpClient, RawRequest, RawResponse } from './http.js';

export class AdminSession {
  constructor(
    private readonly http: RawHttpClient,
    private readonly client: ApiClient,
  ) {}

  /**
   * Sends `request` with the admin's cookie and CSRF token. The login route
   * gets neither, because a login ends the session its cookie names.
   */
  async send(request: RawRequest): Promise<RawResponse> {
    const isLogin = request.path.includes('/auth/login');
    const headers = { ...request.headers };
    if (!isLogin && this.client.cookie) headers.cookie = this.client.cookie;
    if (!isLogin && this.client.csrfToken) headers['x-csrf-token'] = this.client.csrfToken;

    const response = await this.http.send({ ...request, headers });
    if (response.status === 401 && !isLogin) await this.signInAgain();
    return response;
  }

  private async signInAgain(): Promise<void> {
    const response = await this.client.login('admin', TEST_ADMIN_PASSWORD);
    if (response.status !== 200) throw new Error(`admin sign-in after a 401 failed: ${response.status}`);
  }
}

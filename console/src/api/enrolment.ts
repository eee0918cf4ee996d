import { ApiError, apiUrl, request } from './client.js';
import type { EnrolmentAgent, EnrolmentToken, EnrolmentTokenInput } from './types.js';

/**
 * Returns the agent APK the QR codes install, or null while none is chosen.
 * The API then returns every field null; a 404 is read the same way.
 */
export async function fetchAgent(): Promise<EnrolmentAgent | null> {
  try {
    const agent = await request<EnrolmentAgent | { appVersionId: null }>('GET', 'enrolment/agent');
    return agent.appVersionId === null ? null : (agent as EnrolmentAgent);
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return null;
    throw error;
  }
}

export function chooseAgent(appVersionId: string, adminComponent?: string): Promise<EnrolmentAgent> {
  return request<EnrolmentAgent>('PUT', 'enrolment/agent', { body: { appVersionId, adminComponent } });
}

export function fetchTokens(): Promise<EnrolmentToken[]> {
  return request<EnrolmentToken[]>('GET', 'enrolment/tokens');
}

export function createToken(input: EnrolmentTokenInput): Promise<EnrolmentToken> {
  return request<EnrolmentToken>('POST', 'enrolment/tokens', { body: input });
}

export function revokeToken(id: string): Promise<EnrolmentToken> {
  return request<EnrolmentToken>('POST', `enrolment/tokens/${encodeURIComponent(id)}/revoke`);
}

/** Provisioning JSON that the token's QR code encodes. */
export function fetchQrJson(id: string): Promise<Record<string, unknown>> {
  return request<Record<string, unknown>>('GET', `enrolment/tokens/${encodeURIComponent(id)}/qr.json`);
}

/**
 * URL of the QR image. It is built from the page's base rather than the
 * token's qrPngUrl, which carries the public URL and may not be reachable
 * from where the console is open (an SSH tunnel, a LAN address).
 */
export function qrPngUrl(id: string, sizePixels: number): string {
  return apiUrl(`enrolment/tokens/${encodeURIComponent(id)}/qr.png`, { size: sizePixels });
}

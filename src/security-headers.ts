import type { IncomingMessage, Server, ServerResponse } from 'node:http';

import type { FastifyInstance } from 'fastify';

import { routePrefix, type OutpostConfig } from './config.js';
import { tileImageSource } from './domain/location-map-tiles.js';

/**
 * Content-Security-Policy of the console and the API documentation. Both
 * load only their own scripts, styles, fonts and images. Two exceptions:
 * styled-jsx, which @dhis2/ui uses, inserts <style> elements at run time,
 * so styles need 'unsafe-inline'. The built console also carries icons and
 * fonts as data: URLs, so images and fonts allow data:.
 */
export const CONSOLE_CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * Returns the console policy with the map tile server added to img-src, so
 * the console maps can show the configured tiles.
 */
export function consoleContentSecurityPolicy(config: OutpostConfig): string {
  const tileSource = tileImageSource(config.mapTiles.urlTemplate);
  if (!tileSource) return CONSOLE_CONTENT_SECURITY_POLICY;
  return CONSOLE_CONTENT_SECURITY_POLICY.replace("img-src 'self' data:", `img-src 'self' data: ${tileSource}`);
}

/**
 * Max-age of Strict-Transport-Security: one year, the value browsers'
 * preload lists ask for. includeSubDomains is left out because Outpost is
 * often co-hosted under a DHIS2 domain whose other hosts it does not control.
 */
const HSTS_MAX_AGE_SECONDS = 365 * 24 * 60 * 60;

/** Headers on every console and admin API response. */
function baseHeaders(config: OutpostConfig): Record<string, string> {
  const headers: Record<string, string> = {
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'referrer-policy': 'no-referrer',
  };
  if (config.publicUrl.protocol === 'https:') {
    headers['strict-transport-security'] = `max-age=${HSTS_MAX_AGE_SECONDS}`;
  }
  return headers;
}

// Agent routes keep only the header that stops a browser from reading JSON
// or an APK as HTML. Phones receive about 15,600 of these responses a month
// over paid mobile data, and the browser-only headers would add about 2 MB
// a month per phone (bench/wire-bytes.ts) that the agent never reads.
const AGENT_HEADERS: Record<string, string> = { 'x-content-type-options': 'nosniff' };

/**
 * Leaves the Connection and Keep-Alive lines off a response that keeps its
 * connection open. Node adds "Connection: keep-alive" and "Keep-Alive:
 * timeout=65" to every such response. HTTP/1.1 connections persist without
 * them (RFC 9112, section 9.3), and OkHttp, the agent's HTTP client, does not
 * read Keep-Alive. The 48 bytes would cost a phone about 0.7 MB a month.
 * Node still closes idle connections after keepAliveTimeout. A response
 * that closes its connection keeps "Connection: close", and HTTP/1.0
 * clients, which need "keep-alive" to reuse a connection, get both lines.
 */
function omitConnectionLines(request: IncomingMessage, response: ServerResponse, server: Server): void {
  if (request.httpVersion !== '1.1' || !response.shouldKeepAlive) return;
  // With a request limit per socket, Node must be free to send "Connection: close" on the last one.
  if (server.maxRequestsPerSocket !== null && server.maxRequestsPerSocket > 0) return;
  // Removing the header before it is set makes Node write no connection line at all.
  response.removeHeader('connection');
}

/**
 * Adds the security headers to every response: all of them on the console
 * and admin API, and only nosniff on the agent-protocol routes (/rest and
 * /files), which no browser renders. Agent routes also leave out the
 * connection lines, see omitConnectionLines.
 */
export function registerSecurityHeaders(app: FastifyInstance, config: OutpostConfig): void {
  const base = baseHeaders(config);
  const withPolicy = { ...base, 'content-security-policy': consoleContentSecurityPolicy(config) };
  const agentPrefixes = [`${routePrefix(config)}/rest/`, `${routePrefix(config)}/files/`];

  // A listener on the Node server runs before Fastify receives the request, so
  // responses that Fastify's router sends without running hooks (414 for an
  // overlong path parameter, 400 for a malformed URL) carry the headers too.
  // Node merges headers set here with those the reply writes later.
  // NOTE: app.inject() emits no server event, so injected responses lack them.
  app.server.prependListener('request', (request: IncomingMessage, response: ServerResponse) => {
    const url = request.url ?? '';
    const isAgentRoute = agentPrefixes.some((prefix) => url.startsWith(prefix));
    for (const [name, value] of Object.entries(isAgentRoute ? AGENT_HEADERS : withPolicy)) response.setHeader(name, value);
    if (isAgentRoute) omitConnectionLines(request, response, app.server);
  });
}

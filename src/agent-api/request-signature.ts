import { createHash, timingSafeEqual } from 'node:crypto';

import type { FastifyReply, FastifyRequest } from 'fastify';

import type { AppContext } from '../context.js';
import { LogThrottle } from '../push/mqtt/log-throttle.js';
import { sendEnvelope } from './envelope.js';

/** Message key the agent shows when the server rejects its request signature. */
export const PERMISSION_DENIED = 'error.permission.denied';

const SIGNATURE_HEADER = 'x-request-signature';
// A phone with a wrong secret retries every minute or so, so one line per
// device id an hour warns the operator without flooding the log.
const REJECTION_LOG_INTERVAL_MS = 60 * 60 * 1000;

/** Upper-case hex SHA-1 of a UTF-8 string, as the agent writes its signatures. */
export function sha1Hex(text: string): string {
  return createHash('sha1').update(text, 'utf8').digest('hex').toUpperCase();
}

/** Signature the agent sends on configuration sync and enrolment: SHA-1(secret + deviceId). */
export function configSignature(secret: string, deviceId: string): string {
  return sha1Hex(secret + deviceId);
}

/**
 * Encodes a device id as java.net.URLEncoder does (form encoding): a space
 * becomes `+`, and `!'()~` are percent-encoded, unlike encodeURIComponent.
 */
function javaUrlEncode(text: string): string {
  return encodeURIComponent(text)
    .replace(/%20/g, '+')
    .replace(/[!'()~]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`);
}

/**
 * Lists the signatures accepted on a polling route whose path after the
 * project is `routePath` (such as `/rest/notification/polling/`).
 *
 * The agent hashes secret + project + routePath + encoded device id, where
 * the project is its server project without a leading slash: `outpost` for
 * https://host/outpost, and '' at the root. The Headwind MDM reference
 * server instead hashes the full request URI with its leading slash, so
 * Outpost also accepts `/outpost/rest/...` for a proxy or a patched agent
 * that signs that form. At the root both forms are the same string.
 *
 * NOTE: which URL encoder the agent applies to the device id has not been
 * checked against its source, so both java.net.URLEncoder's and
 * encodeURIComponent's output are accepted. They differ only for ids with
 * spaces or any of `!'()~`.
 */
export function pollingSignatures(secret: string, projectPath: string, routePath: string, deviceId: string): string[] {
  const encodings = new Set([javaUrlEncode(deviceId), encodeURIComponent(deviceId)]);
  const projects = projectPath === '' ? [''] : [projectPath, `/${projectPath}`];

  const signatures = new Set<string>();
  for (const project of projects) {
    for (const encoded of encodings) signatures.add(sha1Hex(secret + project + routePath + encoded));
  }
  return [...signatures];
}

/** Compares a received signature with the expected hex digests, ignoring case, in constant time per digest. */
export function signatureMatches(received: string | undefined, expected: readonly string[]): boolean {
  if (received === undefined) return false;

  const receivedBytes = Buffer.from(received.trim().toUpperCase(), 'utf8');
  let matched = false;
  for (const signature of expected) {
    const expectedBytes = Buffer.from(signature, 'utf8');
    // Every SHA-1 hex digest is 40 characters, so the length check reveals
    // nothing about the expected value.
    if (receivedBytes.length === expectedBytes.length && timingSafeEqual(receivedBytes, expectedBytes)) matched = true;
  }
  return matched;
}

function headerOf(request: FastifyRequest): string | undefined {
  const value = request.headers[SIGNATURE_HEADER];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * Checks X-Request-Signature on agent routes when
 * OUTPOST_REQUIRE_AGENT_SIGNATURE is true, and logs rejections at most once
 * an hour per device id. When the setting is false every request passes.
 */
export class RequestSignatureCheck {
  private readonly rejections: LogThrottle;

  constructor(private readonly ctx: AppContext) {
    this.rejections = new LogThrottle(ctx.logger, REJECTION_LOG_INTERVAL_MS, () => ctx.now());
  }

  /**
   * Checks the signature of a configuration sync or enrolment. On failure it
   * sends the `error.permission.denied` envelope with HTTP 200, which the
   * agent shows to the user, and returns false.
   */
  async acceptConfigRequest(request: FastifyRequest, reply: FastifyReply, deviceId: string): Promise<boolean> {
    if (!this.ctx.config.requireAgentSignature) return true;

    const expected = [configSignature(this.ctx.config.agentSecret, deviceId)];
    if (signatureMatches(headerOf(request), expected)) return true;

    this.logRejection(request, deviceId, 'configuration');
    await sendEnvelope(this.ctx, request, reply, {
      status: 'ERROR',
      message: PERMISSION_DENIED,
      detail: 'Invalid or missing X-Request-Signature: the agent must be built with the secret set in OUTPOST_AGENT_SECRET.',
      data: null,
    }, { signed: true });
    return false;
  }

  /**
   * Checks the signature of a long or short poll. On failure it sends HTTP
   * 403, which the agent treats as a network error and retries later, and
   * returns false.
   */
  async acceptPollRequest(request: FastifyRequest, reply: FastifyReply, routePath: string, deviceId: string): Promise<boolean> {
    if (!this.ctx.config.requireAgentSignature) return true;

    const { agentSecret, projectPath } = this.ctx.config;
    const expected = pollingSignatures(agentSecret, projectPath, routePath, deviceId);
    if (signatureMatches(headerOf(request), expected)) return true;

    this.logRejection(request, deviceId, 'poll');
    await reply.code(403).send({
      error: 'forbidden',
      message: 'Invalid or missing X-Request-Signature: the agent must be built with the secret set in OUTPOST_AGENT_SECRET.',
    });
    return false;
  }

  private logRejection(request: FastifyRequest, deviceId: string, route: string): void {
    const present = headerOf(request) !== undefined;
    this.rejections.warn(
      deviceId,
      { deviceId, route, ip: request.ip, signaturePresent: present },
      'rejected agent request: invalid or missing X-Request-Signature',
    );
  }
}

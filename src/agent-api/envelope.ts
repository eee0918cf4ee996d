import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';

import type { FastifyReply, FastifyRequest } from 'fastify';

import type { AppContext } from '../context.js';

/** Message key on which the agent prompts the user for another device id or a new QR code. */
export const DEVICE_NOT_FOUND = 'error.notfound.device';

const DATA_MARKER = '"data":';

/**
 * Smallest config body sent gzipped. A 1,352-byte config shrank to 687
 * bytes; below about 1 KB the gzip header and the Content-Encoding header
 * eat most of the saving.
 */
export const GZIP_MIN_BYTES = 1024;

// Java's \s, which the agent uses to strip the signed text, is ASCII
// whitespace only; JavaScript's \s would also remove Unicode spaces.
const JAVA_WHITESPACE = /[ \t\n\x0B\f\r]/g;

export interface Envelope {
  status: 'OK' | 'ERROR';
  /** Message key the agent matches on, or null. */
  message: string | null;
  /** Human-readable reason for an error; the agent ignores unknown fields. */
  detail?: string;
  data: unknown;
}

/**
 * Serialises the envelope once, with `data` last and nothing after it but
 * the closing brace, because the agent signs the text between `"data":`
 * and the last character.
 */
export function serialiseEnvelope(envelope: Envelope): string {
  const detail = envelope.detail === undefined ? '' : `,"detail":${JSON.stringify(envelope.detail)}`;
  const data = JSON.stringify(envelope.data ?? null);
  const status = JSON.stringify(envelope.status);
  const message = JSON.stringify(envelope.message);
  return `{"status":${status},"message":${message}${detail},${DATA_MARKER}${data}}`;
}

/**
 * Computes X-Response-Signature over the exact body text: upper-case hex
 * SHA-1 of the secret followed by the text after the first `"data":`, up to
 * but excluding the last character, with ASCII whitespace removed.
 */
export function responseSignature(secret: string, body: string): string {
  const start = body.indexOf(DATA_MARKER);
  const signed = start === -1 ? '' : body.slice(start + DATA_MARKER.length, -1).replace(JAVA_WHITESPACE, '');
  return createHash('sha1').update(secret + signed, 'utf8').digest('hex').toUpperCase();
}

export interface EnvelopeOptions {
  /**
   * Adds X-Response-Signature. The agent checks it on configuration
   * responses only, so other routes leave its 64 bytes off.
   */
  signed?: boolean;
}

/** Sends an envelope with HTTP 200, as the agent expects even for errors. */
export function sendEnvelope(
  ctx: AppContext,
  request: FastifyRequest,
  reply: FastifyReply,
  envelope: Envelope,
  options: EnvelopeOptions = {},
) {
  const body = serialiseEnvelope(envelope);
  reply.code(200).header('content-type', 'application/json; charset=utf-8').header('x-ip-address', request.ip);
  if (options.signed) reply.header('x-response-signature', responseSignature(ctx.config.agentSecret, body));
  return reply.send(body);
}

/**
 * Sends a configuration envelope: signed, and gzipped when the agent
 * accepts gzip and the body is large enough to gain from it. The agent's
 * HTTP client decompresses before the agent checks the signature, which
 * covers the uncompressed text.
 */
export function sendConfigEnvelope(ctx: AppContext, request: FastifyRequest, reply: FastifyReply, envelope: Envelope) {
  const body = serialiseEnvelope(envelope);
  const encoded = encodedConfigBody(ctx.config.agentSecret, body);
  reply
    .code(200)
    .header('content-type', 'application/json; charset=utf-8')
    .header('x-ip-address', request.ip)
    .header('x-response-signature', encoded.signature)
    .header('vary', 'accept-encoding');

  if (encoded.bytes >= GZIP_MIN_BYTES && acceptsGzip(request.headers['accept-encoding'])) {
    encoded.gzipped ??= gzipSync(body);
    return reply.header('content-encoding', 'gzip').send(encoded.gzipped);
  }
  return reply.send(body);
}

/** Signature and gzip of one config body text, computed once for the devices that share the text. */
interface EncodedConfigBody {
  secret: string;
  signature: string;
  bytes: number;
  gzipped: Buffer | null;
}

/**
 * Config bodies kept with their signature and gzip. The devices of one
 * policy without commands or rollout offers get the same text, so a few
 * hundred entries cover the policies of a programme. Bodies that only one
 * device gets are dropped first, oldest first.
 */
const MAX_ENCODED_BODIES = 256;
const encodedBodies = new Map<string, EncodedConfigBody>();

function encodedConfigBody(secret: string, body: string): EncodedConfigBody {
  const cached = encodedBodies.get(body);
  if (cached && cached.secret === secret) return cached;

  const encoded: EncodedConfigBody = { secret, signature: responseSignature(secret, body), bytes: Buffer.byteLength(body), gzipped: null };
  encodedBodies.set(body, encoded);
  if (encodedBodies.size > MAX_ENCODED_BODIES) {
    const oldest = encodedBodies.keys().next().value;
    if (oldest !== undefined) encodedBodies.delete(oldest);
  }
  return encoded;
}

/** Sends the OK envelope around `data`. */
export function sendData(ctx: AppContext, request: FastifyRequest, reply: FastifyReply, data: unknown) {
  return sendEnvelope(ctx, request, reply, { status: 'OK', message: null, data });
}

/**
 * Sends the not-found envelope that makes the agent prompt for another
 * device id. `detail` explains a refused enrolment; a plain unknown id
 * needs none. Configuration routes send it signed.
 */
export function sendDeviceNotFound(
  ctx: AppContext,
  request: FastifyRequest,
  reply: FastifyReply,
  detail?: string,
  options: EnvelopeOptions = {},
) {
  const envelope: Envelope = { status: 'ERROR', message: DEVICE_NOT_FOUND, data: null };
  if (detail !== undefined) envelope.detail = detail;
  return sendEnvelope(ctx, request, reply, envelope, options);
}

/** Returns whether an Accept-Encoding header allows gzip: named or `*`, and not with q=0. */
export function acceptsGzip(header: string | string[] | undefined): boolean {
  const text = Array.isArray(header) ? header.join(',') : (header ?? '');
  for (const part of text.split(',')) {
    const [coding = '', ...params] = part.trim().toLowerCase().split(';');
    if (coding.trim() !== 'gzip' && coding.trim() !== '*') continue;
    const quality = params.map((param) => param.trim()).find((param) => param.startsWith('q='));
    if (quality === undefined || Number(quality.slice(2)) > 0) return true;
  }
  return false;
}

/** Sends a plain 404 for routes the agent judges by HTTP status alone. */
export function sendUnknownDevice(reply: FastifyReply, deviceId: string) {
  return reply
    .code(404)
    .send({ error: 'not_found', message: `Device "${deviceId}" is not enrolled; enrol it with a QR code first.` });
}

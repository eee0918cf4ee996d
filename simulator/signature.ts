import { createHash } from 'node:crypto';

/** Returns the upper-case hex SHA-1 of a UTF-8 string, the agent's hash format. */
export function sha1Upper(text: string): string {
  return createHash('sha1').update(text, 'utf8').digest('hex').toUpperCase();
}

/** X-Request-Signature of config requests: SHA-1(secret + deviceId). */
export function configRequestSignature(secret: string, deviceId: string): string {
  return sha1Upper(secret + deviceId);
}

/**
 * X-Request-Signature of the long poll: SHA-1(secret + project +
 * "/rest/notification/polling/" + encoded id). With a project the string has
 * no leading "/", exactly as the agent builds it.
 */
export function pollRequestSignature(secret: string, serverProject: string, deviceId: string): string {
  return sha1Upper(`${secret}${serverProject}/rest/notification/polling/${encodeURIComponent(deviceId)}`);
}

/** X-Request-Signature of a download whose URL contains /files/: SHA-1(secret + the raw rest of the URL). */
export function fileRequestSignature(secret: string, url: string): string | null {
  const marker = url.indexOf('/files/');
  if (marker < 0) return null;
  return sha1Upper(secret + url.slice(marker + '/files/'.length));
}

// Java's \s is ASCII whitespace only, but JavaScript's \s also matches Unicode spaces.
const JAVA_WHITESPACE = /[ \t\n\x0B\f\r]/g;

/**
 * Checks X-Response-Signature as an agent built with CHECK_SIGNATURE=true:
 * the signed text is the body after the first `"data":`, without the last
 * character, with ASCII whitespace removed. A missing header fails.
 */
export function responseSignatureMatches(secret: string, body: string, header: string | null): boolean {
  if (!header) return false;

  const marker = body.indexOf('"data":');
  if (marker < 0) return false;

  const signed = body.slice(marker + '"data":'.length, body.length - 1).replace(JAVA_WHITESPACE, '');
  return sha1Upper(secret + signed) === header.trim().toUpperCase();
}

export type ApkErrorCode =
  | 'not_zip'
  | 'truncated'
  | 'no_manifest'
  | 'invalid_manifest'
  | 'unsigned'
  | 'too_large'
  | 'unreadable';

/**
 * An APK that cannot be accepted. The message is written for the MDM manager
 * who uploaded the file, and it states what is wrong and what to do instead.
 */
export class ApkError extends Error {
  readonly code: ApkErrorCode;

  constructor(code: ApkErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ApkError';
    this.code = code;
  }
}

/** Raised by the bounds-checked readers; callers turn it into an ApkError for the part being read. */
export class MalformedDataError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MalformedDataError';
  }
}

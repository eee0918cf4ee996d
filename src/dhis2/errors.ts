/** Cause of a failed DHIS2 call; each kind has its own advice for the manager. */
export type Dhis2FailureKind =
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'timeout'
  | 'not_json'
  | 'server'
  | 'network'
  | 'unsupported_version'
  | 'bad_response';

/**
 * A failed DHIS2 call. The message states what happened and what to check.
 * It names the base URL and path, never the token.
 */
export class Dhis2Error extends Error {
  constructor(
    readonly kind: Dhis2FailureKind,
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'Dhis2Error';
  }
}

/** The enrolment-token fields that decide whether a new device may enrol with it. */
export interface EnrolmentTokenState {
  revokedAt: number | null;
  expiresAt: number | null;
  /** Null means unlimited. */
  usesLeft: number | null;
  /** When set, only this device id may enrol with the token. */
  presetDeviceId: string | null;
}

/** Returns why the token cannot enrol `deviceId` at `now`, or null when it can. */
export function enrolmentTokenProblem(token: EnrolmentTokenState, deviceId: string, now: number): string | null {
  if (token.revokedAt !== null) return 'the enrolment code was revoked';
  if (token.expiresAt !== null && token.expiresAt <= now) {
    return `the enrolment code expired at ${new Date(token.expiresAt).toISOString()}`;
  }
  if (token.usesLeft !== null && token.usesLeft <= 0) return 'the enrolment code has no uses left';
  if (token.presetDeviceId !== null && token.presetDeviceId !== deviceId) {
    return `the enrolment code is for device ${JSON.stringify(token.presetDeviceId)} only`;
  }
  return null;
}

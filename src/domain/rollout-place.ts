import { createHash } from 'node:crypto';

// 48 bits of the digest give 2.8e14 distinct places, far finer than any
// percentage step, and stay exact in a JavaScript number.
const PLACE_BITS = 48;
const PLACE_BYTES = PLACE_BITS / 8;

/**
 * Returns a device's place in [0, 1) for rollouts of one package. The place
 * depends only on the agent device id and the package, never on the
 * rollout, so widening a stage keeps every device already selected and a
 * later rollout of the same package reaches devices in the same order.
 *
 * @example
 * const selected = rolloutPlace('phone-17', 'com.dhis2') < 25 / 100;
 */
export function rolloutPlace(deviceId: string, packageName: string): number {
  const digest = createHash('sha256').update(`${packageName}\n${deviceId}`, 'utf8').digest();
  return digest.readUIntBE(0, PLACE_BYTES) / 2 ** PLACE_BITS;
}

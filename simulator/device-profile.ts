import type { SeededRandom } from './random.js';

/** Hardware identity of one simulated phone, which survives a factory reset. */
export interface DeviceProfile {
  serial: string;
  imei: string;
  model: string;
  androidVersion: string;
  /** Primary ABI, sent as DeviceInfo.cpu and X-CPU-Arch. */
  cpu: string;
  /** Home app of the phone maker, the default Home while the agent runs in background mode. */
  systemLauncher: string;
  /** Home point of the phone's user. Reported locations drift around it. */
  home: { lat: number; lon: number };
  /**
   * Device id the simulated user types when the QR sets neither a device id
   * nor an id source. It is stable per fleet seed and agent number, so a
   * re-provisioned phone gets the same id, like a user copying it from a label.
   */
  typedDeviceId: string;
}

const SAMSUNG_LAUNCHER = 'com.sec.android.app.launcher';

// Low-cost phones and tablets of the kind health programmes buy, with the
// Android release each ships with. The names are Build.MODEL values.
const MODELS = [
  { model: 'SM-A145F', androidVersion: '13', cpu: 'arm64-v8a', launcher: SAMSUNG_LAUNCHER },
  { model: 'SM-A055F', androidVersion: '13', cpu: 'arm64-v8a', launcher: SAMSUNG_LAUNCHER },
  { model: 'SM-A125F', androidVersion: '11', cpu: 'arm64-v8a', launcher: SAMSUNG_LAUNCHER },
  { model: 'SM-T225', androidVersion: '11', cpu: 'arm64-v8a', launcher: SAMSUNG_LAUNCHER },
  { model: 'Nokia C21', androidVersion: '11', cpu: 'armeabi-v7a', launcher: 'com.android.launcher3' },
  { model: 'Pixel 6a', androidVersion: '14', cpu: 'arm64-v8a', launcher: 'com.google.android.apps.nexuslauncher' },
] as const;

/**
 * Centre and half-width in degrees of the area the home points fall in: about
 * 100 km across near the equator, the size of a large health district.
 */
const AREA = { lat: 0.35, lon: 32.58, halfWidthDegrees: 0.45 };

const SERIAL_ALPHABET = '0123456789ABCDEFGHJKLMNPQRSTUVWXYZ';

/** Draws a phone's identity from the agent's seeded generator. */
export function createDeviceProfile(random: SeededRandom, fleetSeed: number, index: number): DeviceProfile {
  const hardware = random.pick(MODELS);
  return {
    serial: `R${random.characters(SERIAL_ALPHABET, 10)}`,
    imei: randomImei(random),
    model: hardware.model,
    androidVersion: hardware.androidVersion,
    cpu: hardware.cpu,
    systemLauncher: hardware.launcher,
    home: {
      lat: round(AREA.lat + random.between(-AREA.halfWidthDegrees, AREA.halfWidthDegrees), 6),
      lon: round(AREA.lon + random.between(-AREA.halfWidthDegrees, AREA.halfWidthDegrees), 6),
    },
    typedDeviceId: `sim-${fleetSeed.toString(36)}-${String(index + 1).padStart(5, '0')}`,
  };
}

/** Returns a 15-digit IMEI whose last digit is the Luhn check digit. */
export function randomImei(random: SeededRandom): string {
  const body = `35${random.characters('0123456789', 12)}`;
  return body + luhnCheckDigit(body);
}

export function luhnCheckDigit(digits: string): string {
  let sum = 0;
  for (let i = 0; i < digits.length; i += 1) {
    // Counting from the right of the final number, every second digit is doubled.
    let digit = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 0) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return String((10 - (sum % 10)) % 10);
}

function round(value: number, places: number): number {
  const factor = 10 ** places;
  return Math.round(value * factor) / factor;
}

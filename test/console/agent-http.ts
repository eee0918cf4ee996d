// Calls of the agent protocol that a phone makes at enrolment, used to put
// devices into the console's lists without the simulator.

export interface SimulatedPhone {
  deviceId: string;
  model: string;
  androidVersion: string;
  serial: string;
  imei: string;
  batteryLevel: number;
  location: { lat: number; lon: number };
  /** Apps the agent reports as installed, with their versionName. */
  apps: { pkg: string; name: string; version: string }[];
}

async function postJson(url: string, body: unknown): Promise<unknown> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`POST ${url} returned ${response.status}: ${text}`);
  return text === '' ? null : (JSON.parse(text) as unknown);
}

/**
 * Enrols the phone with an enrolment token, as the agent does at first boot,
 * then sends its first device report. `agentBaseUrl` includes the project path.
 */
export async function enrolPhone(agentBaseUrl: string, tokenId: string, phone: SimulatedPhone): Promise<void> {
  const enrolUrl = `${agentBaseUrl}/rest/public/sync/configuration/${encodeURIComponent(phone.deviceId)}`;
  const enrol = (await postJson(enrolUrl, { configuration: tokenId })) as { status?: string; message?: string };
  if (enrol.status !== 'OK') throw new Error(`enrolment of ${phone.deviceId} was rejected: ${JSON.stringify(enrol)}`);

  await postJson(`${agentBaseUrl}/rest/public/sync/info`, {
    deviceId: phone.deviceId,
    model: phone.model,
    androidVersion: phone.androidVersion,
    serial: phone.serial,
    imei: phone.imei,
    batteryLevel: phone.batteryLevel,
    batteryCharging: '',
    mdmMode: true,
    launcherType: 'opensource',
    applications: phone.apps,
    location: { ts: Date.now(), lat: phone.location.lat, lon: phone.location.lon },
  });
}

/** Three phones of the kinds DHIS2 programmes hand out. */
export const PHONES: SimulatedPhone[] = [
  {
    deviceId: 'chw-kono-001',
    model: 'SM-A145F',
    androidVersion: '13',
    serial: 'R58T10AAA01',
    imei: '356938035643801',
    batteryLevel: 81,
    location: { lat: 8.6431, lon: -10.9706 },
    apps: [{ pkg: 'io.appium.settings', name: 'Appium Settings', version: '8.0.10' }],
  },
  {
    deviceId: 'chw-kono-002',
    model: 'TECNO BF7',
    androidVersion: '12',
    serial: 'TB7X0000002',
    imei: '356938035643802',
    batteryLevel: 34,
    location: { lat: 8.6502, lon: -10.9811 },
    apps: [],
  },
  {
    deviceId: 'chw-bo-003',
    model: 'Nokia C21',
    androidVersion: '11',
    serial: 'NKC21000003',
    imei: '356938035643803',
    batteryLevel: 12,
    location: { lat: 7.9647, lon: -11.7383 },
    apps: [],
  },
];

/** `count` plain phones, for lists that need more rows than one page. */
export function fillerPhones(count: number): SimulatedPhone[] {
  return Array.from({ length: count }, (_, index) => {
    const number = String(index + 1).padStart(3, '0');
    return {
      deviceId: `spare-${number}`,
      model: 'moto e13',
      androidVersion: '13',
      serial: `SPARE${number}`,
      imei: `3569380356${number.padStart(5, '0')}`,
      batteryLevel: 50,
      location: { lat: 8.5, lon: -11 },
      apps: [],
    };
  });
}

import { Type, type Static } from '@sinclair/typebox';

import { RESTRICTION_KEY_PATTERN } from './restriction-catalog.js';

const HOUR_MINUTE = '^([01][0-9]|2[0-3]):[0-5][0-9]$';
const COLOUR = '^#[0-9a-fA-F]{6}$';
const nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) =>
  Type.Union([schema, Type.Null()]);

// A policy lists a few restrictions; 100 is far past the keys Android defines.
const MAX_RESTRICTIONS = 100;

/**
 * What a policy asks the agent to enforce. Null means "leave unmanaged".
 * Field meanings follow the agent's configuration fields; names are ours.
 * Rules that join several fields (update windows, kiosk app, restriction
 * catalogue) live in policy-rules.ts.
 */
export const PolicySettingsSchema = Type.Object(
  {
    pushMode: Type.Union([Type.Literal('polling'), Type.Literal('mqttWorker'), Type.Literal('mqttAlarm')], {
      default: 'polling',
    }),
    /** MQTT keep-alive in seconds; the agent ignores values under 30. */
    keepaliveSeconds: Type.Integer({ minimum: 30, maximum: 3600, default: 300 }),
    /** Upper-case hex MD5 of the on-device admin-panel password; null keeps the agent default. */
    adminPasswordMd5: nullable(Type.String({ pattern: '^[0-9A-F]{32}$' })),
    /** Android user-restriction keys from the restriction catalogue, such as no_config_tethering. */
    restrictions: Type.Array(Type.String({ pattern: RESTRICTION_KEY_PATTERN }), { default: [], maxItems: MAX_RESTRICTIONS }),
    /** Restriction keys the catalogue lacks, applied as given and reported as unknown. */
    extraRestrictions: Type.Array(Type.String({ pattern: RESTRICTION_KEY_PATTERN }), {
      default: [],
      maxItems: MAX_RESTRICTIONS,
    }),
    passwordMode: nullable(
      Type.Union([Type.Literal('present'), Type.Literal('easy'), Type.Literal('moderate'), Type.Literal('strong')]),
    ),
    gps: nullable(Type.Boolean()),
    wifi: nullable(Type.Boolean()),
    bluetooth: nullable(Type.Boolean()),
    mobileData: nullable(Type.Boolean()),
    /** True blocks USB storage and file transfer. */
    blockUsbStorage: nullable(Type.Boolean()),
    disableScreenshots: Type.Boolean({ default: false }),
    /** `auto` or an IANA (Olson) time zone id such as Africa/Kampala. */
    timeZone: nullable(Type.String({ minLength: 1, maxLength: 64 })),
    screenTimeoutSeconds: nullable(Type.Integer({ minimum: 5, maximum: 86400 })),
    brightness: nullable(Type.Integer({ minimum: 0, maximum: 255 })),
    autoBrightness: nullable(Type.Boolean()),
    volumePercent: nullable(Type.Integer({ minimum: 0, maximum: 100 })),
    lockVolume: nullable(Type.Boolean()),
    /** 0 any, 1 portrait, 2 landscape. */
    orientation: Type.Integer({ minimum: 0, maximum: 2, default: 0 }),
    /** 0 default, 1 instant, 2 window, 3 postpone. */
    systemUpdateType: Type.Integer({ minimum: 0, maximum: 3, default: 0 }),
    systemUpdateFrom: nullable(Type.String({ pattern: HOUR_MINUTE })),
    systemUpdateTo: nullable(Type.String({ pattern: HOUR_MINUTE })),
    appUpdateFrom: nullable(Type.String({ pattern: HOUR_MINUTE })),
    appUpdateTo: nullable(Type.String({ pattern: HOUR_MINUTE })),
    downloadNetwork: nullable(Type.Union([Type.Literal('limited'), Type.Literal('wifi')])),
    locationUpdates: nullable(Type.Union([Type.Literal('gps'), Type.Literal('network')])),
    appPermissions: nullable(
      Type.Union([Type.Literal('asklocation'), Type.Literal('denylocation'), Type.Literal('askall')]),
    ),
    /** Agent (background) mode: do not replace the home screen. */
    backgroundMode: Type.Boolean({ default: true }),
    title: Type.String({ default: 'deviceId', maxLength: 200 }),
    /** Show the agent's status icons on its home screen. */
    displayStatus: Type.Boolean({ default: false }),
    /** Open the Wi-Fi settings when the agent cannot reach the server. */
    showWifiOnError: Type.Boolean({ default: false }),
    /** Permissive mode: the agent leaves apps outside the policy alone. */
    permissive: Type.Boolean({ default: false }),
    /** Keep apps started at boot in the foreground. */
    autostartForeground: Type.Boolean({ default: false }),
    backgroundColor: nullable(Type.String({ pattern: COLOUR })),
    textColor: nullable(Type.String({ pattern: COLOUR })),
    /** Launcher icon size in per cent. */
    iconSize: nullable(Type.Union([Type.Literal(100), Type.Literal(120), Type.Literal(140)])),
    /** Kiosk mode and the fields below need a paid agent build; the free agent ignores them. */
    kioskMode: Type.Boolean({ default: false }),
    kioskApp: nullable(Type.String({ maxLength: 200 })),
    kioskHome: nullable(Type.Boolean()),
    kioskRecents: nullable(Type.Boolean()),
    kioskNotifications: nullable(Type.Boolean()),
    kioskSystemInfo: nullable(Type.Boolean()),
    kioskKeyguard: nullable(Type.Boolean()),
    kioskLockButtons: nullable(Type.Boolean()),
    lockStatusBar: nullable(Type.Boolean()),
  },
  { additionalProperties: false },
);

export type PolicySettings = Static<typeof PolicySettingsSchema>;
export type PolicySettingName = keyof PolicySettings;

/** Settings of a new policy: everything unmanaged, push by long polling. */
export function defaultPolicySettings(): PolicySettings {
  return {
    pushMode: 'polling',
    keepaliveSeconds: 300,
    adminPasswordMd5: null,
    restrictions: [],
    extraRestrictions: [],
    passwordMode: null,
    gps: null,
    wifi: null,
    bluetooth: null,
    mobileData: null,
    blockUsbStorage: null,
    disableScreenshots: false,
    timeZone: null,
    screenTimeoutSeconds: null,
    brightness: null,
    autoBrightness: null,
    volumePercent: null,
    lockVolume: null,
    orientation: 0,
    systemUpdateType: 0,
    systemUpdateFrom: null,
    systemUpdateTo: null,
    appUpdateFrom: null,
    appUpdateTo: null,
    downloadNetwork: null,
    locationUpdates: null,
    appPermissions: null,
    backgroundMode: true,
    title: 'deviceId',
    displayStatus: false,
    showWifiOnError: false,
    permissive: false,
    autostartForeground: false,
    backgroundColor: null,
    textColor: null,
    iconSize: null,
    kioskMode: false,
    kioskApp: null,
    kioskHome: null,
    kioskRecents: null,
    kioskNotifications: null,
    kioskSystemInfo: null,
    kioskKeyguard: null,
    kioskLockButtons: null,
    lockStatusBar: null,
  };
}

/**
 * Settings only a paid agent build applies. The open-source agent reads the
 * fields but its kiosk and status-bar code are stubs, so a policy that sets
 * them is never reported as applied on such a device.
 */
export const PAID_AGENT_SETTINGS: readonly PolicySettingName[] = [
  'kioskMode',
  'kioskApp',
  'kioskHome',
  'kioskRecents',
  'kioskNotifications',
  'kioskSystemInfo',
  'kioskKeyguard',
  'kioskLockButtons',
  'lockStatusBar',
];

/** Paid-agent settings the policy sets to something other than their default. */
export function paidSettingsInUse(settings: PolicySettings): PolicySettingName[] {
  const defaults = defaultPolicySettings();
  return PAID_AGENT_SETTINGS.filter((name) => settings[name] !== defaults[name]);
}

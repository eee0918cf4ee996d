import { Type, type Static } from '@sinclair/typebox';

const HOUR_MINUTE = '^([01][0-9]|2[0-3]):[0-5][0-9]$';
const nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) =>
  Type.Union([schema, Type.Null()]);

/**
 * What a policy asks the agent to enforce. Null means "leave unmanaged".
 * Field meanings follow the agent's configuration fields; names are ours.
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
    /** Android user-restriction keys, such as no_config_tethering. */
    restrictions: Type.Array(Type.String({ pattern: '^[a-z_]{3,64}$' }), { default: [], maxItems: 100 }),
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
    /** Kiosk mode needs a paid agent build; the free agent ignores it. */
    kioskMode: Type.Boolean({ default: false }),
    kioskApp: nullable(Type.String({ maxLength: 200 })),
  },
  { additionalProperties: false },
);

export type PolicySettings = Static<typeof PolicySettingsSchema>;

/** Settings of a new policy: everything unmanaged, push by long polling. */
export function defaultPolicySettings(): PolicySettings {
  return {
    pushMode: 'polling',
    keepaliveSeconds: 300,
    adminPasswordMd5: null,
    restrictions: [],
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
    kioskMode: false,
    kioskApp: null,
  };
}

import { Type, type Static, type TSchema } from '@sinclair/typebox';

// Shapes of the JSON bodies the agent sends. Only fields Outpost reads are
// typed; the agent's other fields pass through and stay in the stored raw
// report. Jackson writes a missing value as null, so most fields allow it.

const optional = <T extends TSchema>(schema: T) => Type.Optional(Type.Union([schema, Type.Null()]));

// Serials, IMEIs, model names and versions are well under 100 characters;
// 256 bounds what one report can write into an indexed column.
const SHORT_TEXT = { maxLength: 256 };
// The agent lists only the apps of its configuration; 1000 is far above
// any policy and bounds the rows one report can write.
const MAX_REPORTED_APPS = 1000;
const MAX_REPORTED_FILES = 1000;

const ReportedApplicationSchema = Type.Object({
  pkg: optional(Type.String(SHORT_TEXT)),
  name: optional(Type.String()),
  version: optional(Type.String(SHORT_TEXT)),
});

// Coordinates and times out of range do not reject the whole report, which
// also carries inventory and battery. The location service keeps such a fix
// out of the track and counts it (domain/location-fix.ts). Jackson, the
// agent's JSON library, writes a NaN or infinite double as the string "NaN",
// "Infinity" or "-Infinity" (JsonGenerator.Feature.QUOTE_NON_NUMERIC_NUMBERS,
// on by default), so those strings count as coordinates.
const LocationSchema = Type.Object({
  // A bigint column stores any safe integer; larger values would fail on PostgreSQL.
  ts: Type.Integer({ minimum: -Number.MAX_SAFE_INTEGER, maximum: Number.MAX_SAFE_INTEGER }),
  lat: Type.Union([Type.Number(), Type.Literal('NaN'), Type.Literal('Infinity'), Type.Literal('-Infinity')]),
  lon: Type.Union([Type.Number(), Type.Literal('NaN'), Type.Literal('Infinity'), Type.Literal('-Infinity')]),
});

/** Device report the agent posts to /sync/info and to the confirmation routes. */
export const DeviceInfoSchema = Type.Object({
  deviceId: optional(Type.String(SHORT_TEXT)),
  model: optional(Type.String(SHORT_TEXT)),
  androidVersion: optional(Type.String(SHORT_TEXT)),
  cpu: optional(Type.String(SHORT_TEXT)),
  serial: optional(Type.String(SHORT_TEXT)),
  imei: optional(Type.String(SHORT_TEXT)),
  imei2: optional(Type.String(SHORT_TEXT)),
  batteryLevel: optional(Type.Integer()),
  /** "usb", "ac" or "" when not charging. */
  batteryCharging: optional(Type.String(SHORT_TEXT)),
  /** True when the agent is device owner. */
  mdmMode: optional(Type.Boolean()),
  kioskMode: optional(Type.Boolean()),
  launcherType: optional(Type.String(SHORT_TEXT)),
  launcherPackage: optional(Type.String(SHORT_TEXT)),
  defaultLauncher: optional(Type.Boolean()),
  permissions: optional(Type.Array(Type.Integer(), { maxItems: 16 })),
  applications: optional(Type.Array(ReportedApplicationSchema, { maxItems: MAX_REPORTED_APPS })),
  files: optional(Type.Array(Type.Object({}), { maxItems: MAX_REPORTED_FILES })),
  location: optional(LocationSchema),
  custom1: optional(Type.String()),
  custom2: optional(Type.String()),
  custom3: optional(Type.String()),
  /** Sent only with the wipe confirmation: whether device admin is active. */
  factoryReset: optional(Type.Boolean()),
});

export type DeviceInfo = Static<typeof DeviceInfoSchema>;

/**
 * Body of the enrol request. `configuration` carries the QR's
 * com.hmdm.CONFIG value verbatim, which in Outpost is an enrolment token.
 * The agent sends null values when the QR had none.
 */
export const EnrolOptionsSchema = Type.Union([
  Type.Object({
    customer: optional(Type.String()),
    configuration: optional(Type.String({ maxLength: 256 })),
    groups: optional(Type.Array(Type.String())),
    groupSet: optional(Type.Array(Type.String())),
  }),
  Type.Null(),
]);

export type EnrolOptions = Static<typeof EnrolOptionsSchema>;

// The agent uploads batches of 10; 100 leaves room for other clients
// without letting one request write an unbounded number of rows.
export const MAX_LOG_LINES_PER_UPLOAD = 100;

/** One remote-log line; logLevel runs from 1 (error) to 5 (verbose). */
export const DeviceLogLineSchema = Type.Object({
  timestamp: Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER }),
  logLevel: Type.Integer({ minimum: 1, maximum: 5 }),
  packageId: Type.String({ minLength: 1, maxLength: 256 }),
  message: Type.String(),
});

export const DeviceLogUploadSchema = Type.Array(DeviceLogLineSchema, { maxItems: MAX_LOG_LINES_PER_UPLOAD });

export type DeviceLogUpload = Static<typeof DeviceLogUploadSchema>;

// The agent uses its device id as a URL path segment, the MQTT client id and
// the MQTT topic, so characters that break any of those are rejected.
const FORBIDDEN = [
  { pattern: /\//, reason: 'contains "/", which splits URL paths and MQTT topic levels' },
  { pattern: /\+/, reason: 'contains "+", an MQTT topic wildcard' },
  { pattern: /#/, reason: 'contains "#", an MQTT topic wildcard and URL fragment marker' },
  { pattern: /\s/, reason: 'contains whitespace, which URLs and MQTT topics do not carry intact' },
  // eslint-disable-next-line no-control-regex
  { pattern: /[\u0000-\u001f\u007f-\u009f]/, reason: 'contains a control character' },
  // Invisible and direction-changing characters let two different ids look
  // the same, or one id look like another, in the console.
  {
    pattern: /[\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff]/,
    reason: 'contains an invisible or text-direction character',
  },
];

// The agent's HTTP client cannot use "." or ".." as a path segment.
const DOT_SEGMENTS = new Set(['.', '..']);

// Serials and IMEIs are under 20 characters; 100 leaves room for typed names.
export const MAX_DEVICE_ID_LENGTH = 100;

/** Returns why the id cannot be used, or null when it is valid. */
export function deviceIdProblem(deviceId: string): string | null {
  if (deviceId.length === 0) return 'is empty';
  if (deviceId.length > MAX_DEVICE_ID_LENGTH) return `is longer than ${MAX_DEVICE_ID_LENGTH} characters`;
  if (DOT_SEGMENTS.has(deviceId)) return 'is a dot path segment, which URLs cannot carry as a name';

  for (const rule of FORBIDDEN) {
    if (rule.pattern.test(deviceId)) return rule.reason;
  }
  return null;
}

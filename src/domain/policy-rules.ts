import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';

import { InvalidInputError } from './errors.js';
import { defaultPolicySettings, PolicySettingsSchema, type PolicySettings } from './policy-settings.js';
import { isCatalogRestriction } from './restriction-catalog.js';

/** Value of the time-zone setting that lets the phone follow the network's time zone. */
export const AUTO_TIME_ZONE = 'auto';
/** systemUpdateType value of "install OS updates in a daily window". */
export const SYSTEM_UPDATE_WINDOW = 2;

// IANA ids are Area/Location names (Africa/Kampala, America/Argentina/Salta)
// or single names such as UTC. The setting takes IANA ids only, so the
// pattern keeps out offsets such as "+03:00", which some ICU versions accept.
// Android package names: dot-separated segments of letters, digits and underscores.
const PACKAGE_NAME = /^[A-Za-z][A-Za-z0-9_]*(\.[A-Za-z][A-Za-z0-9_]*)+$/;

const OLSON_ID = /^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/;

/**
 * Settings that guard the phone and the programme's data: the screen lock,
 * user restrictions (the hotspot block among them), USB storage,
 * screenshots, permission grants and kiosk lockdown. Only admins change
 * them, on a policy or as a device override.
 */
export const SECURITY_SETTINGS = [
  'restrictions',
  'extraRestrictions',
  'passwordMode',
  'blockUsbStorage',
  'disableScreenshots',
  'appPermissions',
  'permissive',
  'kioskMode',
  'kioskApp',
  'kioskHome',
  'kioskRecents',
  'kioskNotifications',
  'kioskSystemInfo',
  'kioskKeyguard',
  'kioskLockButtons',
  'lockStatusBar',
] as const;

/** Device overrides: any policy setting except the admin-panel password, which stays per policy. */
export const PolicyOverridesSchema = Type.Partial(Type.Omit(PolicySettingsSchema, ['adminPasswordMd5']), {
  additionalProperties: false,
});
export type PolicyOverrides = Static<typeof PolicyOverridesSchema>;

/** Tells whether `id` names a time zone this server's ICU data knows. */
export function isKnownTimeZone(id: string): boolean {
  if (!OLSON_ID.test(id)) return false;
  try {
    new Intl.DateTimeFormat('en', { timeZone: id });
    return true;
  } catch {
    return false;
  }
}

/**
 * Returns the correctly cased spelling of a time zone id that differs from
 * `id` only in letter case, such as Africa/Kampala for africa/kampala, or
 * null. ICU matches ids in any case, but Android's tz database does not, so
 * a phone would reject the wrongly cased id.
 * NOTE: an alias in the wrong case (us/eastern) resolves to another id and
 * is not caught here.
 */
export function miscasedTimeZone(id: string): string | null {
  let resolved: string;
  try {
    resolved = new Intl.DateTimeFormat('en', { timeZone: id }).resolvedOptions().timeZone;
  } catch {
    return null;
  }
  return resolved !== id && resolved.toLowerCase() === id.toLowerCase() ? resolved : null;
}

/**
 * Checks `settings` against the schema and the rules between fields, and
 * throws InvalidInputError naming the first field at fault as
 * `${prefix}.<name>`.
 */
export function checkPolicySettings(settings: Record<string, unknown>, prefix: string): PolicySettings {
  const error = Value.Errors(PolicySettingsSchema, settings).First();
  if (error) {
    const name = error.path.split('/')[1] ?? '';
    const field = `${prefix}${error.path.replace(/\//g, '.')}`;
    if (error.path.split('/').length === 2 && !(name in defaultPolicySettings())) {
      throw new InvalidInputError(`Unknown setting ${field}: remove it or check its spelling.`, field);
    }
    throw new InvalidInputError(`Invalid ${field}: ${error.message}.`, field);
  }

  const checked = settings as PolicySettings;
  checkCrossFieldRules(checked, prefix);
  return checked;
}

/**
 * Checks the rules the schema cannot express: time zone ids, complete
 * update windows, the restriction catalogue and the kiosk app.
 */
export function checkCrossFieldRules(settings: PolicySettings, prefix: string): void {
  const zone = settings.timeZone;
  if (zone !== null && zone !== AUTO_TIME_ZONE && !isKnownTimeZone(zone)) {
    throw new InvalidInputError(
      `Invalid ${prefix}.timeZone "${zone}": expected "auto" or an IANA time zone id such as Africa/Kampala or UTC.`,
      `${prefix}.timeZone`,
    );
  }
  const correctCase = zone === null || zone === AUTO_TIME_ZONE ? null : miscasedTimeZone(zone);
  if (correctCase !== null) {
    throw new InvalidInputError(
      `Invalid ${prefix}.timeZone "${zone}": Android matches time zone ids case-sensitively, so write it as ${correctCase}.`,
      `${prefix}.timeZone`,
    );
  }
  checkPrintable(settings.title, `${prefix}.title`);
  if (settings.kioskApp !== null && settings.kioskApp.trim() !== '' && !PACKAGE_NAME.test(settings.kioskApp)) {
    throw new InvalidInputError(
      `Invalid ${prefix}.kioskApp: expected an Android package name such as com.dhis2, or null.`,
      `${prefix}.kioskApp`,
    );
  }

  checkWindow(settings.appUpdateFrom, settings.appUpdateTo, `${prefix}.appUpdate`, 'app update');
  checkWindow(settings.systemUpdateFrom, settings.systemUpdateTo, `${prefix}.systemUpdate`, 'OS update');
  const windowSet = settings.systemUpdateFrom !== null;
  if (settings.systemUpdateType === SYSTEM_UPDATE_WINDOW && !windowSet) {
    throw new InvalidInputError(
      `Missing ${prefix}.systemUpdateFrom and ${prefix}.systemUpdateTo: systemUpdateType 2 installs OS updates in a daily window, so give both ends as HH:MM.`,
      `${prefix}.systemUpdateFrom`,
    );
  }
  if (settings.systemUpdateType !== SYSTEM_UPDATE_WINDOW && windowSet) {
    throw new InvalidInputError(
      `Invalid ${prefix}.systemUpdateFrom: an OS update window applies only with systemUpdateType 2 (window). Set the type to 2 or clear the window.`,
      `${prefix}.systemUpdateFrom`,
    );
  }

  checkRestrictionLists(settings, prefix);

  if (settings.kioskMode && (settings.kioskApp === null || settings.kioskApp.trim() === '')) {
    throw new InvalidInputError(
      `Missing ${prefix}.kioskApp: kiosk mode locks the phone to one app, so name its package.`,
      `${prefix}.kioskApp`,
    );
  }
}

// C0 and C1 control characters, such as NUL, tab and newline.
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f-\u009f]/;
// A UTF-16 surrogate without its other half, which no character encoding can store.
const UNPAIRED_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * Rejects a text setting with a control character or an unpaired UTF-16
 * surrogate. Such text cannot be shown on the phone, and PostgreSQL would
 * store a replacement character instead.
 */
export function checkPrintable(text: string, field: string): void {
  if (CONTROL_CHARACTER.test(text) || UNPAIRED_SURROGATE.test(text)) {
    throw new InvalidInputError(
      `Invalid ${field}: it contains a control character (such as a newline or NUL) or a broken Unicode character. Remove it.`,
      field,
    );
  }
}

function checkWindow(from: string | null, to: string | null, field: string, label: string): void {
  if (from === null && to === null) return;
  if (from === null || to === null) {
    const missing = from === null ? `${field}From` : `${field}To`;
    throw new InvalidInputError(
      `Missing ${missing}: the ${label} window needs both ends as HH:MM, or neither for no window.`,
      missing,
    );
  }
  if (from === to) {
    throw new InvalidInputError(
      `Invalid ${field}To "${to}": the ${label} window starts and ends at the same time. Give a window of at least one minute; it may cross midnight, e.g. 22:00 to 05:00.`,
      `${field}To`,
    );
  }
}

function checkRestrictionLists(settings: PolicySettings, prefix: string): void {
  const seen = new Set<string>();
  for (const [index, key] of settings.restrictions.entries()) {
    const field = `${prefix}.restrictions.${index}`;
    if (!isCatalogRestriction(key)) {
      throw new InvalidInputError(
        `Invalid ${field} "${key}": it is not in the restriction catalogue. Put keys the catalogue lacks in extraRestrictions.`,
        field,
      );
    }
    if (seen.has(key)) throw new InvalidInputError(`${key} appears twice in ${prefix}.restrictions; list it once.`, field);
    seen.add(key);
  }

  for (const [index, key] of settings.extraRestrictions.entries()) {
    const field = `${prefix}.extraRestrictions.${index}`;
    if (isCatalogRestriction(key)) {
      throw new InvalidInputError(
        `Invalid ${field} "${key}": it is in the restriction catalogue. Switch it on in restrictions instead.`,
        field,
      );
    }
    if (seen.has(key)) throw new InvalidInputError(`${key} appears twice in ${prefix}.extraRestrictions; list it once.`, field);
    seen.add(key);
  }
}

/**
 * Moves restriction keys the catalogue lacks from `restrictions` to
 * `extraRestrictions`. Policies saved before the catalogue existed kept every
 * key in one list.
 */
export function normalizeRestrictionLists(settings: PolicySettings): PolicySettings {
  const unknown = settings.restrictions.filter((key) => !isCatalogRestriction(key));
  if (unknown.length === 0) return settings;

  return {
    ...settings,
    restrictions: settings.restrictions.filter((key) => isCatalogRestriction(key)),
    extraRestrictions: [...new Set([...settings.extraRestrictions, ...unknown])],
  };
}

/**
 * Applies device overrides over policy settings. A list setting in the
 * overrides replaces the policy's list, it is not merged into it.
 */
export function mergeOverrides(settings: PolicySettings, overrides: PolicyOverrides | null): PolicySettings {
  if (overrides === null) return settings;
  return { ...settings, ...overrides };
}

/** Settings a device runs: the merged settings, or the policy's alone when the merge breaks a rule. */
export interface EffectiveSettings {
  settings: PolicySettings;
  /** Reason the overrides were left out, or null when they apply. */
  ignoredOverridesReason: string | null;
}

/**
 * Applies device overrides, unless the merged settings break a rule between
 * fields. Overrides are checked against the policy when they are saved, but
 * a later policy change or a move to another policy can leave, say, one end
 * of an update window. The phone then gets the policy's settings alone, which
 * passed the rules when the policy was saved.
 */
export function effectiveSettings(settings: PolicySettings, overrides: PolicyOverrides | null): EffectiveSettings {
  if (overrides === null) return { settings, ignoredOverridesReason: null };

  const merged = mergeOverrides(settings, overrides);
  const mergedProblem = crossFieldProblem(merged);
  // A policy saved before a rule existed may break it by itself; leaving the
  // overrides out would then fix nothing.
  if (mergedProblem === null || crossFieldProblem(settings) !== null) {
    return { settings: merged, ignoredOverridesReason: null };
  }
  return { settings, ignoredOverridesReason: mergedProblem };
}

function crossFieldProblem(settings: PolicySettings): string | null {
  try {
    checkCrossFieldRules(settings, 'settings');
    return null;
  } catch (error) {
    if (error instanceof InvalidInputError) return error.message;
    throw error;
  }
}

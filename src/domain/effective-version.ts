/** An app version as version decisions need it. */
export interface CandidateVersion {
  versionCode: number;
  minSdk: number | null;
}

/** Position of a device in the open rollout of its package. */
export interface RolloutStanding<V extends CandidateVersion> {
  target: V;
  /** The running rollout's current stage covers the device. */
  selected: boolean;
  /** The device was offered the target too often without installing it, and is not retried yet. */
  failed: boolean;
}

export interface VersionDecisionInput<V extends CandidateVersion> {
  /** The version the device's policy installs, or null when the version is missing. */
  policyVersion: V | null;
  /** Every known version of the package, in any order. */
  catalogue: readonly V[];
  /** versionCode of the installed version, or null when none is known. */
  installedVersionCode: number | null;
  /** Android API level of the device, or null before it reported one. */
  deviceSdk: number | null;
  rollout: RolloutStanding<V> | null;
  /** Lowest max versionCode of the pins that cover the device, or null without pins. */
  pinMaxVersionCode: number | null;
}

/** Effect of the rollout on the device in this decision. */
export type RolloutOutcome =
  | 'none'
  | 'not-selected'
  | 'offered'
  | 'installed'
  | 'failed'
  | 'incompatible'
  | 'pinned'
  | 'policy-newer';

export interface VersionDecision<V extends CandidateVersion> {
  /** The version to name in the configuration, or null to leave the app out. */
  version: V | null;
  rollout: RolloutOutcome;
}

/**
 * Decides which version a device is offered: its policy's version, raised
 * to the rollout target when a running rollout selects the device, capped by
 * pins, and never below what the device runs. Android refuses a downgrade
 * without wiping the app's data, so the installed version is kept instead.
 *
 * @example
 * const { version } = decideAppVersion({ policyVersion: v1, catalogue: [v1, v2], installedVersionCode: 1,
 *   deviceSdk: 34, rollout: { target: v2, selected: true, failed: false }, pinMaxVersionCode: null });
 */
export function decideAppVersion<V extends CandidateVersion>(input: VersionDecisionInput<V>): VersionDecision<V> {
  let version = input.policyVersion;
  const rollout = rolloutOutcome(input);
  if (rollout === 'offered' && input.rollout) version = input.rollout.target;

  const pin = input.pinMaxVersionCode;
  if (version && pin !== null && version.versionCode > pin) {
    version = highestAtMost(input.catalogue, pin, input.deviceSdk);
  }

  const installed = input.installedVersionCode;
  if (installed !== null && (version === null || version.versionCode < installed)) {
    version = input.catalogue.find((candidate) => candidate.versionCode === installed) ?? version;
  }
  return { version, rollout };
}

/** Tells whether a device of API level `sdk` can install the version; an unknown level is not enough when a minSdk is set. */
export function isCompatible(version: CandidateVersion, sdk: number | null): boolean {
  if (version.minSdk === null) return true;
  return sdk !== null && sdk >= version.minSdk;
}

function rolloutOutcome<V extends CandidateVersion>(input: VersionDecisionInput<V>): RolloutOutcome {
  const rollout = input.rollout;
  if (!rollout) return 'none';

  const target = rollout.target;
  if (input.installedVersionCode !== null && input.installedVersionCode >= target.versionCode) return 'installed';
  if (!rollout.selected) return 'not-selected';
  if (rollout.failed) return 'failed';
  if (!isCompatible(target, input.deviceSdk)) return 'incompatible';
  if (input.pinMaxVersionCode !== null && target.versionCode > input.pinMaxVersionCode) return 'pinned';
  if (input.policyVersion && input.policyVersion.versionCode >= target.versionCode) return 'policy-newer';
  return 'offered';
}

function highestAtMost<V extends CandidateVersion>(catalogue: readonly V[], maxCode: number, sdk: number | null): V | null {
  let best: V | null = null;
  for (const candidate of catalogue) {
    if (candidate.versionCode > maxCode || !isCompatible(candidate, sdk)) continue;
    if (!best || candidate.versionCode > best.versionCode) best = candidate;
  }
  return best;
}

import { parsePolicySettings, type PolicyAppInput } from '../../domain/agent-config.js';
import type { PolicySettings } from '../../domain/policy-settings.js';
import { OPEN_ROLLOUT_STATES } from '../../domain/rollout-plan.js';
import type { Db } from '../../store/database.js';
import type { AppVersionWithPackage } from '../../store/repositories/apps.js';
import type { AppVersionRow, PolicyRow } from '../../store/schema.js';
import type { Store } from '../../store/store.js';
import { toPin, toRollout, type Pin, type Rollout } from '../rollouts/rollout-model.js';

/** A policy app entry with the version row its policy names, as every device of the policy starts from it. */
export interface PolicyAppPart {
  /** The entry with version null; the version a device gets is decided per device. */
  input: PolicyAppInput;
  policyVersion: AppVersionRow | null;
  /** Display name of the policy's version: its label, else the app's label, else the package. */
  versionName: string;
}

/**
 * The part of a configuration that is the same for every device of one
 * policy: the policy row and its parsed settings, its app entries, and the
 * rollouts, pins and catalogue versions of its install packages.
 */
export interface PolicyConfigPart {
  policy: PolicyRow;
  settings: PolicySettings;
  apps: readonly PolicyAppPart[];
  /** Running rollouts of the policy's install packages, oldest first. */
  rollouts: readonly Rollout[];
  pins: readonly Pin[];
  /** Every version of each install package, highest versionCode first. */
  catalogue: ReadonlyMap<string, readonly AppVersionWithPackage[]>;
}

/**
 * Policies cached per process. Far more than a programme defines; past it
 * the least recently used policy is dropped and read again when needed.
 */
const MAX_CACHED_POLICIES = 1_000;

interface Entry<T> {
  generation: number;
  value: Promise<T>;
}

/**
 * Policy parts and open rollouts read once per configuration generation.
 *
 * Every hit is checked against the generation the request read from the
 * database (AgentDeviceView.configGeneration). Triggers raise it in the
 * same transaction as any write to policies, policy apps, apps, app
 * versions, rollouts or pins, so a change committed by any process shows
 * in the first request that reads the generation after the commit. An
 * entry is stamped with the generation read before its rows, so it can
 * only be newer than its stamp, never older.
 */
export class PolicyConfigCache {
  private readonly policies = new Map<string, Entry<PolicyConfigPart | undefined>>();
  private openRollouts: Entry<readonly Rollout[]> | null = null;

  /** Returns the policy's part as of `generation`, or undefined when no policy has that id. */
  policyPart(store: Store, policyId: string, generation: number): Promise<PolicyConfigPart | undefined> {
    const cached = this.policies.get(policyId);
    if (cached && cached.generation === generation) {
      // Re-inserting keeps the map in least-recently-used order.
      this.policies.delete(policyId);
      this.policies.set(policyId, cached);
      return cached.value;
    }

    const value = loadPolicyPart(store, policyId);
    this.policies.set(policyId, { generation, value });
    if (this.policies.size > MAX_CACHED_POLICIES) {
      const oldest = this.policies.keys().next().value;
      if (oldest !== undefined) this.policies.delete(oldest);
    }
    // A failed read is not kept, so the next request tries again.
    value.catch(() => {
      if (this.policies.get(policyId)?.value === value) this.policies.delete(policyId);
    });
    return value;
  }

  /** Returns the rollouts in OPEN_ROLLOUT_STATES as of `generation`, oldest first. */
  openRolloutsAt(store: Store, generation: number): Promise<readonly Rollout[]> {
    if (this.openRollouts && this.openRollouts.generation === generation) return this.openRollouts.value;

    const value = store.rollouts.listByStates(OPEN_ROLLOUT_STATES).then((rows) => Object.freeze(rows.map(toRollout)));
    const entry = { generation, value };
    this.openRollouts = entry;
    value.catch(() => {
      if (this.openRollouts === entry) this.openRollouts = null;
    });
    return value;
  }
}

const caches = new WeakMap<Db, PolicyConfigCache>();

/** Returns the cache of the store's database, one per database handle and so per process. */
export function policyConfigCacheOf(store: Store): PolicyConfigCache {
  let cache = caches.get(store.db);
  if (!cache) {
    cache = new PolicyConfigCache();
    caches.set(store.db, cache);
  }
  return cache;
}

async function loadPolicyPart(store: Store, policyId: string): Promise<PolicyConfigPart | undefined> {
  const policy = await store.policies.findById(policyId);
  if (!policy) return undefined;

  const rows = await store.policies.listApps(policyId);
  const packages = [...new Set(rows.filter((row) => row.action === 'install').map((row) => row.package_name))];
  const versions = await store.apps.listVersionsOfPackages(packages);
  const labels = await store.apps.listLabelsOfPackages(packages);

  const catalogue = new Map<string, AppVersionWithPackage[]>(packages.map((name) => [name, []]));
  for (const version of versions) catalogue.get(version.package_name)?.push(version);

  const apps: PolicyAppPart[] = rows.map((row) => {
    const versionId = row.action === 'install' ? row.app_version_id : null;
    const version = versionId === null ? undefined : catalogue.get(row.package_name)?.find((candidate) => candidate.id === versionId);
    return {
      input: {
        packageName: row.package_name,
        action: row.action,
        showIcon: row.show_icon === 1,
        runAfterInstall: row.run_after_install === 1,
        screenOrder: row.screen_order,
        version: null,
      },
      policyVersion: version ?? null,
      versionName: version?.label ?? labels.get(row.package_name) ?? row.package_name,
    };
  });

  const rollouts = packages.length === 0 ? [] : (await store.rollouts.listForPackages(packages, ['running'])).map(toRollout);
  const pins = packages.length === 0 ? [] : (await store.pins.listForPackages(packages)).map(toPin);
  return deepFreeze({ policy, settings: parsePolicySettings(policy.settings_json), apps, rollouts, pins, catalogue });
}

/** Freezes a cached value, so a caller that changes it fails at once instead of changing it for every device. */
function deepFreeze<T>(value: T): T {
  if (value === null || typeof value !== 'object' || Object.isFrozen(value)) return value;
  if (value instanceof Map) {
    for (const item of value.values()) deepFreeze(item);
  } else {
    for (const item of Object.values(value)) deepFreeze(item);
  }
  return Object.freeze(value);
}

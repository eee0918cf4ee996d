import type { RemoteSnapshot } from '../../dhis2/sync-fetch.js';
import { computePaths, diffById, sameList, type TreeNode } from '../../dhis2/sync-plan.js';
import type { StoredDhis2User, SyncedDhis2Group, SyncedDhis2User } from '../../store/repositories/dhis2-directory.js';
import type { SyncCounts } from '../../store/repositories/dhis2-sync-runs.js';
import type { SyncedOrgUnit } from '../../store/repositories/org-units.js';
import type { Store } from '../../store/store.js';

/** One line of a run's change log. */
export interface SyncChange {
  kind: 'unit' | 'user' | 'group';
  change: 'added' | 'changed' | 'removed';
  id: string;
  name: string;
  /** Changed fields of a user, e.g. 'disabled', 'enabled' or 'org units'. */
  detail?: string;
}

// The run log keeps a sample so that a first sync of 10,000 units does not
// store a 10,000-line document; the counts are always complete.
const CHANGE_SAMPLE_PER_KIND = 100;

export interface ApplyResult {
  counts: SyncCounts;
  changes: SyncChange[];
}

/**
 * Writes a fetched snapshot. The caller runs it in one transaction, so a
 * failure leaves the last good data in place.
 */
export async function applySnapshot(store: Store, snapshot: RemoteSnapshot, now: number): Promise<ApplyResult> {
  const changes: SyncChange[] = [];
  const units = await applyUnits(store, snapshot, now, changes);
  const users = await applyUsers(store, snapshot, now, changes);
  const groups = await applyGroups(store, snapshot, now, changes);
  return { counts: { ...units, ...users, ...groups }, changes };
}

async function applyUnits(store: Store, snapshot: RemoteSnapshot, now: number, changes: SyncChange[]) {
  const local = await store.orgUnits.listForSync();
  const localById = new Map(local.map((row) => [row.id, row]));

  // Local units and units gone from DHIS2 keep their parent; DHIS2 units
  // take DHIS2's. A parent Outpost will not have becomes no parent.
  const nodes: TreeNode[] = local.filter((row) => !snapshot.units.has(row.id)).map((row) => ({ id: row.id, parentId: row.parent_id }));
  for (const unit of snapshot.units.values()) nodes.push({ id: unit.id, parentId: unit.parentId, dhis2Path: unit.path });
  const present = new Set(nodes.map((node) => node.id));
  for (const node of nodes) if (node.parentId && !present.has(node.parentId)) node.parentId = null;
  const parents = new Map(nodes.map((node) => [node.id, node.parentId]));
  const paths = computePaths(nodes);

  const added: SyncedOrgUnit[] = [];
  const changed: SyncedOrgUnit[] = [];
  for (const unit of snapshot.units.values()) {
    const place = paths.get(unit.id)!;
    const target: SyncedOrgUnit = { id: unit.id, name: unit.name, parentId: parents.get(unit.id) ?? null, path: place.path, level: place.level };
    const row = localById.get(unit.id);
    if (!row) added.push(target);
    else if (
      row.source !== 'dhis2' ||
      row.removed_at !== null ||
      row.name !== target.name ||
      row.parent_id !== target.parentId ||
      row.path !== target.path ||
      Number(row.level) !== target.level
    ) {
      changed.push(target);
    }
  }
  const removed = local.filter((row) => row.source === 'dhis2' && row.removed_at === null && !snapshot.units.has(row.id));

  // Parents before children, so that each insert finds its parent.
  added.sort((a, b) => a.level - b.level);
  await store.orgUnits.insertSynced(added, now);
  for (const unit of changed) await store.orgUnits.updateSynced(unit, now);
  await store.orgUnits.markRemoved(
    removed.map((row) => row.id),
    now,
  );

  // Local units and removed units under a moved DHIS2 unit follow it.
  for (const row of local) {
    if (snapshot.units.has(row.id)) continue;
    const place = paths.get(row.id)!;
    if (place.path !== row.path || place.level !== Number(row.level)) await store.orgUnits.updatePath(row.id, place.path, place.level);
  }

  sample(changes, 'unit', 'added', added.map((unit) => ({ id: unit.id, name: unit.name })));
  sample(changes, 'unit', 'changed', changed.map((unit) => ({ id: unit.id, name: unit.name })));
  sample(changes, 'unit', 'removed', removed.map((row) => ({ id: row.id, name: row.name })));
  return { units_added: added.length, units_changed: changed.length, units_removed: removed.length };
}

async function applyUsers(store: Store, snapshot: RemoteSnapshot, now: number, changes: SyncChange[]) {
  const local = await store.dhis2Directory.loadUsers();
  const diff = diffById<SyncedDhis2User>(local, snapshot.users, sameUser);

  await store.dhis2Directory.insertUsers(diff.added, now);
  for (const user of diff.changed) await store.dhis2Directory.updateUser(user, now);
  await store.dhis2Directory.markUsersRemoved(diff.removed, now);

  const name = (user: SyncedDhis2User) => `${user.username} (${`${user.firstName} ${user.surname}`.trim()})`;
  sample(changes, 'user', 'added', diff.added.map((user) => ({ id: user.id, name: name(user) })));
  sample(
    changes,
    'user',
    'changed',
    diff.changed.map((user) => ({ id: user.id, name: name(user), detail: describeUserChange(local.get(user.id), user) })),
  );
  sample(changes, 'user', 'removed', diff.removed.map((id) => ({ id, name: local.get(id)?.username ?? id })));
  return { users_added: diff.added.length, users_changed: diff.changed.length, users_removed: diff.removed.length };
}

async function applyGroups(store: Store, snapshot: RemoteSnapshot, now: number, changes: SyncChange[]) {
  const local = await store.dhis2Directory.loadGroups();
  const knownUsers = new Set([...snapshot.users.keys(), ...(await store.dhis2Directory.loadUsers()).keys()]);

  // Members Outpost does not hold as users cannot be stored; compare without them.
  const remote = new Map<string, SyncedDhis2Group>();
  for (const group of snapshot.groups.values()) {
    remote.set(group.id, { ...group, memberIds: group.memberIds.filter((id) => knownUsers.has(id)) });
  }
  const diff = diffById<SyncedDhis2Group>(local, remote, (a, b) => a.name === b.name && sameList(a.memberIds, b.memberIds));

  for (const group of diff.added) await store.dhis2Directory.saveGroup(group, knownUsers, false, now);
  for (const group of diff.changed) await store.dhis2Directory.saveGroup(group, knownUsers, true, now);
  await store.dhis2Directory.markGroupsRemoved(diff.removed, now);

  sample(changes, 'group', 'added', diff.added);
  sample(changes, 'group', 'changed', diff.changed);
  sample(changes, 'group', 'removed', diff.removed.map((id) => ({ id, name: local.get(id)?.name ?? id })));
  return { groups_added: diff.added.length, groups_changed: diff.changed.length, groups_removed: diff.removed.length };
}

function sameUser(a: SyncedDhis2User, b: SyncedDhis2User): boolean {
  return (
    a.username === b.username &&
    a.firstName === b.firstName &&
    a.surname === b.surname &&
    a.email === b.email &&
    a.disabled === b.disabled &&
    a.lastLoginAt === b.lastLoginAt &&
    sameList(a.orgUnitIds, b.orgUnitIds)
  );
}

function describeUserChange(before: StoredDhis2User | undefined, after: SyncedDhis2User): string {
  if (!before) return 'changed';
  const parts: string[] = [];
  if (before.removed) parts.push('back in DHIS2');
  if (before.disabled !== after.disabled) parts.push(after.disabled ? 'disabled' : 'enabled');
  if (!sameList(before.orgUnitIds, after.orgUnitIds)) parts.push('org units');
  if (before.username !== after.username) parts.push('username');
  if (before.firstName !== after.firstName || before.surname !== after.surname) parts.push('name');
  if (before.email !== after.email) parts.push('e-mail');
  if (before.lastLoginAt !== after.lastLoginAt) parts.push('last login');
  return parts.join(', ') || 'changed';
}

function sample(
  changes: SyncChange[],
  kind: SyncChange['kind'],
  change: SyncChange['change'],
  items: readonly { id: string; name: string; detail?: string }[],
): void {
  for (const item of items.slice(0, CHANGE_SAMPLE_PER_KIND)) {
    changes.push({ kind, change, id: item.id, name: item.name, ...(item.detail ? { detail: item.detail } : {}) });
  }
}

// What a sync changes, computed without I/O from what Outpost stores and
// what DHIS2 has now, so that a run can fetch everything first and then
// apply the whole plan in one transaction.

export interface Diff<T> {
  added: T[];
  /** Changed fields, or a removed object that is back in DHIS2. */
  changed: T[];
  /** Ids present locally and gone from DHIS2. */
  removed: string[];
}

/**
 * Compares local objects with DHIS2's. `remote` contains every object DHIS2
 * has now; a local object marked removed that is back counts as changed.
 *
 * @example
 * const diff = diffById(localUsers, remoteUsers, (a, b) => a.username === b.username);
 */
export function diffById<T extends { id: string }>(
  local: ReadonlyMap<string, T & { removed: boolean }>,
  remote: ReadonlyMap<string, T>,
  same: (a: T, b: T) => boolean,
): Diff<T> {
  const diff: Diff<T> = { added: [], changed: [], removed: [] };
  for (const [id, object] of remote) {
    const known = local.get(id);
    if (!known) diff.added.push(object);
    else if (known.removed || !same(known, object)) diff.changed.push(object);
  }
  for (const [id, known] of local) {
    if (!known.removed && !remote.has(id)) diff.removed.push(id);
  }
  return diff;
}

export function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((item, index) => item === b[index]);
}

export interface TreeNode {
  id: string;
  parentId: string | null;
  /** DHIS2's '/a/b/id', used when the parent is unknown to Outpost. */
  dhis2Path?: string;
}

/**
 * Outpost paths ('/root/district/id/') and levels of every unit, following
 * parent links, so that a unit moved in DHIS2 carries its descendants,
 * local ones included, along with it. DHIS2 does not stamp descendants of a
 * moved unit as updated, so an incremental run could not learn it otherwise.
 */
export function computePaths(nodes: readonly TreeNode[]): Map<string, { path: string; level: number }> {
  const byId = new Map(nodes.map((node) => [node.id, node]));
  const result = new Map<string, { path: string; level: number }>();

  const resolve = (node: TreeNode, seen: Set<string>): { path: string; level: number } => {
    const known = result.get(node.id);
    if (known) return known;

    const parent = node.parentId ? byId.get(node.parentId) : undefined;
    let placed: { path: string; level: number };
    if (parent && !seen.has(parent.id)) {
      seen.add(node.id);
      const above = resolve(parent, seen);
      placed = { path: `${above.path}${node.id}/`, level: above.level + 1 };
    } else if (node.dhis2Path) {
      const ids = node.dhis2Path.split('/').filter(Boolean);
      placed = { path: `/${ids.join('/')}/`, level: ids.length };
    } else {
      placed = { path: `/${node.id}/`, level: 1 };
    }
    result.set(node.id, placed);
    return placed;
  };

  for (const node of nodes) resolve(node, new Set([node.id]));
  return result;
}

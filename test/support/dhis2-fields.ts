// The `fields` parameter of the DHIS2 Web API, as far as the stand-in
// needs it: `id,name,parent[id],userGroups[id,name]`, `*` and `:all`.

export type FieldTree = Map<string, FieldTree | null>;

/** Parses a fields expression; null means every field. */
export function parseFields(text: string | null): FieldTree | null {
  if (text === null || text.trim() === '') return null;
  const [tree] = parseList(text, 0);
  return tree.has('*') || tree.has(':all') ? null : tree;
}

function parseList(text: string, start: number): [FieldTree, number] {
  const tree: FieldTree = new Map();
  let name = '';
  let i = start;
  const flush = (sub: FieldTree | null) => {
    const key = name.trim().split('::')[0]!;
    if (key !== '') tree.set(key, sub);
    name = '';
  };

  while (i < text.length) {
    const c = text[i]!;
    if (c === '[' || c === '(') {
      const [sub, end] = parseList(text, i + 1);
      flush(sub.has('*') || sub.has(':all') ? null : sub);
      i = end + 1;
      continue;
    }
    if (c === ']' || c === ')') {
      flush(null);
      return [tree, i];
    }
    if (c === ',') {
      if (name.trim() !== '') flush(null);
      i++;
      continue;
    }
    name += c;
    i++;
  }
  if (name.trim() !== '') flush(null);
  return [tree, i];
}

/** Keeps the requested fields of a full representation; unknown names are left out, as DHIS2 does. */
export function pickFields(value: unknown, fields: FieldTree | null): unknown {
  if (fields === null) return value;
  if (Array.isArray(value)) return value.map((item) => pickFields(item, fields));
  if (value === null || typeof value !== 'object') return value;

  const source = value as Record<string, unknown>;
  const picked: Record<string, unknown> = {};
  for (const [name, sub] of fields) {
    if (name in source) picked[name] = pickFields(source[name], sub);
  }
  return picked;
}

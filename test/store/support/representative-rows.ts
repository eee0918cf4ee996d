// Writes rows into every table of a SQLite database, whatever version its
// schema is at, by reading the columns and foreign keys from SQLite itself.
// A new migration's tables are covered without an edit here.
import { sql } from 'kysely';

import type { Db } from '../../../src/store/database.js';

export interface InsertedRow {
  table: string;
  values: Record<string, unknown>;
}

interface Column {
  name: string;
  type: string;
  notnull: number;
  pk: number;
}

interface ForeignKey {
  table: string;
  from: string;
  to: string | null;
}

// Two rows per table: the second row of a self-referencing table (org
// units) can point at the first.
const ROWS_PER_TABLE = 2;

const quote = (name: string) => sql.raw(`"${name.replace(/"/g, '""')}"`);

/** Tables of the application, without SQLite's and Kysely's own. */
export async function tableNames(db: Db): Promise<string[]> {
  const result = await sql<{ name: string }>`
    select name from sqlite_master
    where type = 'table' and name not like 'sqlite_%' and name not like 'kysely_%'
    order by name`.execute(db);
  return result.rows.map((row) => row.name);
}

async function columnsOf(db: Db, table: string): Promise<Column[]> {
  return (await sql<Column>`select * from pragma_table_info(${table})`.execute(db)).rows;
}

async function foreignKeysOf(db: Db, table: string): Promise<ForeignKey[]> {
  return (await sql<ForeignKey>`select "table", "from", "to" from pragma_foreign_key_list(${table})`.execute(db)).rows;
}

/** Orders tables so that every table comes after the tables it references. */
async function parentsFirst(db: Db, tables: string[]): Promise<string[]> {
  const parents = new Map<string, string[]>();
  for (const table of tables) {
    const keys = await foreignKeysOf(db, table);
    parents.set(table, keys.map((key) => key.table).filter((parent) => parent !== table));
  }

  const ordered: string[] = [];
  const visit = (table: string, path: string[]) => {
    if (ordered.includes(table)) return;
    if (path.includes(table)) throw new Error(`foreign-key cycle through ${[...path, table].join(' -> ')}`);
    for (const parent of parents.get(table) ?? []) visit(parent, [...path, table]);
    ordered.push(table);
  };
  for (const table of tables) visit(table, []);
  return ordered;
}

function valueFor(table: string, column: Column, index: number): unknown {
  const type = column.type.toLowerCase();
  if (column.name.endsWith('_json')) return JSON.stringify({ table, index });
  if (type.includes('int')) return 1000 + index;
  if (type.includes('double') || type.includes('real') || type.includes('float')) return index + 0.5;
  return `${table}.${column.name}.${index}`;
}

/**
 * Inserts ROWS_PER_TABLE rows into every table. Foreign-key columns take the
 * referenced column of a row already inserted, other columns a value by
 * their declared type, unique within the table. Returns the rows as written.
 */
export async function fillEveryTable(db: Db): Promise<InsertedRow[]> {
  const inserted: InsertedRow[] = [];
  for (const table of await parentsFirst(db, await tableNames(db))) {
    const columns = await columnsOf(db, table);
    const keys = await foreignKeysOf(db, table);

    for (let index = 0; index < ROWS_PER_TABLE; index += 1) {
      const values: Record<string, unknown> = {};
      for (const column of columns) values[column.name] = valueFor(table, column, index);

      for (const key of keys) {
        const parentRows = inserted.filter((row) => row.table === key.table);
        const parent = key.table === table ? parentRows[index - 1] : parentRows[index % Math.max(parentRows.length, 1)];
        values[key.from] = parent ? parent.values[key.to ?? 'id'] : null;
      }

      const names = Object.keys(values);
      try {
        await sql`insert into ${quote(table)} (${sql.join(names.map(quote))}) values (${sql.join(names.map((name) => values[name]))})`.execute(db);
      } catch (error) {
        throw new Error(`cannot insert a representative row into ${table}: ${(error as Error).message}`);
      }
      inserted.push({ table, values });
    }
  }
  return inserted;
}

/** True when the table still has a row with the same value in every column that still exists. */
export async function findRow(db: Db, row: InsertedRow): Promise<boolean> {
  const existing = new Set((await columnsOf(db, row.table)).map((column) => column.name));
  const conditions = Object.entries(row.values)
    .filter(([name]) => existing.has(name))
    .map(([name, value]) => sql`${quote(name)} is ${value}`);
  if (conditions.length === 0) return false;

  const result = await sql<{ n: number }>`select count(*) as n from ${quote(row.table)} where ${sql.join(conditions, sql` and `)}`.execute(db);
  return Number(result.rows[0]?.n) === 1;
}

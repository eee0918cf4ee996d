import { sql, type Expression, type ExpressionBuilder, type SelectQueryBuilder, type SqlBool, type StringReference } from 'kysely';

import type { DialectName } from './database.js';

/**
 * Escapes the LIKE wildcards `%` and `_`, and the escape character itself,
 * so that the text matches only itself in a pattern with `escape '\'`.
 */
export function escapeLikePattern(text: string): string {
  return text.replace(/[\\%_]/g, (character) => `\\${character}`);
}

/**
 * Matches rows whose column contains `text`, ignoring case. PostgreSQL's LIKE
 * is case-sensitive, so it gets ILIKE. SQLite's LIKE already ignores case,
 * but of ASCII letters only, so 'é' does not match 'É' there.
 *
 * @example
 * db.selectFrom('devices').selectAll().where((eb) => containsInsensitive(eb, dialectOf(db), 'model', 'pixel'));
 */
export function containsInsensitive<DB, TB extends keyof DB>(
  eb: ExpressionBuilder<DB, TB>,
  dialect: DialectName,
  column: StringReference<DB, TB>,
  text: string,
): Expression<SqlBool> {
  const pattern = `%${escapeLikePattern(text)}%`;
  const operator = sql.raw(dialect === 'postgres' ? 'ilike' : 'like');

  return sql<SqlBool>`${eb.ref(column)} ${operator} ${pattern} escape '\\'`;
}

/**
 * Adds FOR UPDATE on PostgreSQL, which locks the selected rows until the
 * transaction ends, so a concurrent transaction that selects them the same
 * way waits for the first to commit. SQLite has no FOR UPDATE; there Kysely
 * runs every query over one connection, and a transaction keeps it until
 * commit, so transactions in one process never interleave.
 *
 * @example
 * await lockForUpdate(trx.selectFrom('devices').select('id').where('id', '=', pk), dialectOf(trx)).execute();
 */
export function lockForUpdate<DB, TB extends keyof DB, O>(
  query: SelectQueryBuilder<DB, TB, O>,
  dialect: DialectName,
): SelectQueryBuilder<DB, TB, O> {
  return dialect === 'postgres' ? query.forUpdate() : query;
}

/**
 * Returns the distinct items by key, keeping the last item of each key in
 * first-seen order. PostgreSQL rejects an INSERT … ON CONFLICT DO UPDATE that
 * names the same key twice, where SQLite applies the rows in turn, so
 * multi-row upserts go through this first to behave alike.
 */
export function lastPerKey<T>(items: readonly T[], keyOf: (item: T) => string): T[] {
  const byKey = new Map<string, T>();
  for (const item of items) byKey.set(keyOf(item), item);

  return [...byKey.values()];
}

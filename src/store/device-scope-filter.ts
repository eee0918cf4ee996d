import { sql, type Expression, type SqlBool } from 'kysely';

/**
 * Device filter of an org-unit scope: null lets every device through,
 * otherwise a device passes when its org unit path starts with one of
 * `paths`. An empty list matches no device.
 */
export type DeviceScopeFilter = { paths: readonly string[] } | null;

/**
 * Returns a WHERE condition on the `devices` table for a scope filter. The
 * unit path is read from org_units at query time, so a unit moved by a
 * DHIS2 sync takes its devices along without any device row changing.
 * substr() compares the prefix in both SQLite and PostgreSQL, and ids may
 * hold '_', which LIKE would take as a wildcard. `orgUnitColumn` replaces
 * the devices.org_unit_id reference, e.g. to keep SQLite off its index.
 *
 * @example
 * db.selectFrom('devices').selectAll().where(deviceInScope({ paths: ['/root/district/'] }));
 */
export function deviceInScope(filter: DeviceScopeFilter, orgUnitColumn: Expression<unknown> = sql.ref('devices.org_unit_id')): Expression<SqlBool> {
  if (filter === null) return sql<SqlBool>`1 = 1`;
  if (filter.paths.length === 0) return sql<SqlBool>`1 = 0`;

  // The alias keeps the subquery's org_units apart from one the outer query may join.
  const prefixes = filter.paths.map((path) => sql`substr(scope_units.path, 1, ${path.length}) = ${path}`);
  const units = sql`select scope_units.id from org_units as scope_units where ${sql.join(prefixes, sql` or `)}`;
  return sql<SqlBool>`${orgUnitColumn} in (${units})`;
}

/** Tests a device's org unit path against the filter, by the same rule as deviceInScope. */
export function pathInScope(filter: DeviceScopeFilter, orgUnitPath: string | null): boolean {
  if (filter === null) return true;
  if (orgUnitPath === null) return false;
  return filter.paths.some((path) => orgUnitPath.startsWith(path));
}

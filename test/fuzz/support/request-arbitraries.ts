// Arbitraries of whole HTTP requests for a route: a JSON body shaped by the
// route's schema, random bytes under a random content type, or a broken
// path and query string.
import fc, { type Arbitrary } from 'fast-check';

import type { RawRequest } from './http.js';
import { hostileScalar, mutatedValue, schemaValue, type JsonValue } from './json-schema-arbitrary.js';
import type { RouteSpec } from './routes.js';

/** Values a path parameter may take: seeded ids by parameter name, plus random text. */
export type IdPools = Record<string, string[]>;

// Path segments that often confuse routers and file lookups.
const HOSTILE_SEGMENTS = [
  '..',
  '%2e%2e',
  '%2e%2e%2f%2e%2e%2fetc%2fpasswd',
  '..%2f..%2f',
  '%00',
  '%',
  '%zz',
  '%c0%ae',
  ';',
  '*',
  '~',
  'x'.repeat(300),
  'a%2Fb',
  '%F0%9F%98%80',
  '\u00ff',
];

const CONTENT_TYPES = [
  'application/json',
  'application/json; charset=utf-8',
  'application/json; charset=latin1',
  'application/vnd.android.package-archive',
  'application/octet-stream',
  'text/plain',
  'text/plain; charset=utf-8',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=fuzz',
  'application/xml',
  'application/json;;;',
  '*/*',
  'application/',
];

/** Percent-encodes text, with lone surrogates replaced, which encodeURIComponent rejects. */
export function encodeSegment(text: string): string {
  return encodeURIComponent(text.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd'));
}

/** Generates path parameter values: seeded ids, percent-encoded random text or hostile segments. */
export function pathValue(pool: string[]): Arbitrary<string> {
  const arbitraries: Array<Arbitrary<string>> = [
    fc.string({ unit: 'binary', minLength: 1, maxLength: 120 }).map(encodeSegment),
    fc.constantFrom(...HOSTILE_SEGMENTS),
  ];
  if (pool.length > 0) arbitraries.push(fc.constantFrom(...pool.map(encodeSegment)));
  return fc.oneof(...arbitraries);
}

function pathOf(route: RouteSpec, prefix: string, pools: IdPools): Arbitrary<string> {
  if (route.pathParameters.length === 0) return fc.constant(`${prefix}${route.path}`);

  const values = route.pathParameters.map((name) => pathValue(pools[name] ?? pools.any ?? []));
  return fc.tuple(...values).map((chosen) => {
    let path = route.path;
    route.pathParameters.forEach((name, index) => {
      path = path.replace(`{${name}}`, chosen[index] as string);
    });
    return `${prefix}${path}`;
  });
}

/** Renders a generated value as one query-string value, as a browser form would. */
function queryText(value: JsonValue): string {
  if (typeof value === 'string') return value;
  if (value === null) return '';
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

function queryOf(route: RouteSpec): Arbitrary<string> {
  if (route.query.length === 0) {
    return fc.oneof({ arbitrary: fc.constant(''), weight: 3 }, { arbitrary: randomQuery(), weight: 1 });
  }

  const record: Record<string, Arbitrary<JsonValue>> = {};
  for (const parameter of route.query) record[parameter.name] = mutatedValue(parameter.schema);
  const shaped = fc.record(record, { requiredKeys: [] }).map((values) => {
    const params = new URLSearchParams();
    for (const [name, value] of Object.entries(values)) params.set(name, queryText(value as JsonValue));
    const text = params.toString();
    return text === '' ? '' : `?${text}`;
  });
  return fc.oneof({ arbitrary: shaped, weight: 4 }, { arbitrary: randomQuery(), weight: 1 });
}

/** Generates query strings of random names and values, some repeated or without '='. */
export function randomQuery(): Arbitrary<string> {
  const pair = fc.tuple(fc.string({ maxLength: 20 }), fc.oneof(fc.string({ unit: 'binary', maxLength: 40 }), hostileScalar().map(queryText)));
  return fc.array(pair, { minLength: 1, maxLength: 5 }).chain((pairs) =>
    fc.constantFrom('&', ';').map((separator) => `?${pairs.map(([name, value]) => `${encodeSegment(name)}=${encodeSegment(value)}`).join(separator)}`),
  );
}

/** (a) A request whose body follows the route's JSON Schema, often mutated. */
export function jsonRequest(route: RouteSpec, prefix: string, pools: IdPools): Arbitrary<RawRequest> {
  const body: Arbitrary<JsonValue | undefined> = route.jsonBody
    ? mutatedValue(route.jsonBody)
    : fc.oneof({ arbitrary: fc.constant(undefined), weight: 3 }, { arbitrary: fc.jsonValue() as Arbitrary<JsonValue>, weight: 1 });

  return fc.record({ path: pathOf(route, prefix, pools), query: queryOf(route), body }).map(({ path, query, body: value }) => ({
    method: route.method,
    path: `${path}${query}`,
    headers: value === undefined ? {} : { 'content-type': 'application/json' },
    body: value === undefined ? undefined : JSON.stringify(value),
  }));
}

/** Generates Content-Type values: a known type, random printable text, or none. */
function contentType(route: RouteSpec): Arbitrary<string | undefined> {
  const known = [...CONTENT_TYPES, ...route.rawBodyTypes];
  return fc.oneof(
    { arbitrary: fc.constantFrom(...known), weight: 6 },
    { arbitrary: fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((code) => String.fromCharCode(code)), maxLength: 60 }), weight: 2 },
    { arbitrary: fc.constant(undefined), weight: 1 },
  );
}

// Bodies stay under the agent body limit of 1 MiB, so the properties test
// parsing rather than the size check; 64 KiB is enough to reach it.
const MAX_RANDOM_BODY_BYTES = 64 * 1024;

/** A ZIP local-file header, so some random bodies get past a magic-number check. */
const ZIP_MAGIC = Uint8Array.from([0x50, 0x4b, 0x03, 0x04]);

/** (b) A request with random bytes under a random or missing content type. */
export function bytesRequest(route: RouteSpec, prefix: string, pools: IdPools): Arbitrary<RawRequest> {
  const bytes = fc.oneof(
    fc.uint8Array({ maxLength: 2048 }),
    fc.uint8Array({ maxLength: MAX_RANDOM_BODY_BYTES }),
    fc.uint8Array({ maxLength: 4096 }).map((tail) => Uint8Array.from([...ZIP_MAGIC, ...tail])),
    schemaValue(route.jsonBody ?? {}).map((value) => {
      // Valid JSON with one byte flipped or cut short.
      const text = Buffer.from(JSON.stringify(value));
      return text.subarray(0, Math.max(0, text.length - 1));
    }),
  );
  return fc.record({ path: pathOf(route, prefix, pools), type: contentType(route), body: bytes }).map(({ path, type, body }) => ({
    method: route.method === 'GET' || route.method === 'HEAD' ? 'POST' : route.method,
    path,
    headers: type === undefined ? {} : { 'content-type': type },
    body,
  }));
}

/** (c) A request whose path segments and query string are random. */
export function pathRequest(route: RouteSpec, prefix: string): Arbitrary<RawRequest> {
  const segments = route.path.split('/').filter((segment) => segment !== '');
  const segment = pathValue([]);
  const brokenPath = fc
    .tuple(
      fc.array(fc.tuple(fc.nat(), segment), { minLength: 1, maxLength: 3 }),
      fc.constantFrom('/', '//', '/./', '/../'),
      fc.boolean(),
    )
    .map(([replacements, separator, trailingSlash]) => {
      const changed = [...segments];
      for (const [index, value] of replacements) changed[index % (changed.length + 1)] = value;
      return `${prefix}${separator}${changed.join('/')}${trailingSlash ? '/' : ''}`;
    });
  return fc.record({ path: brokenPath, query: fc.oneof(fc.constant(''), randomQuery()), method: fc.constantFrom(route.method, 'GET', 'OPTIONS', 'PUT', 'DELETE') }).map(
    ({ path, query, method }) => ({ method, path: `${path}${query}` }),
  );
}

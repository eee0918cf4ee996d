// Builds fast-check arbitraries from the JSON Schemas of the routes: the
// OpenAPI document for the admin API and the TypeBox schemas for the agent
// routes, which are JSON Schema objects too. Values follow the schema, and
// `mutatedValue` then breaks them in the ways clients get wrong.
import fc, { type Arbitrary } from 'fast-check';

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** The subset of JSON Schema (draft 7 and OpenAPI 3.0) the routes use. */
export interface JsonSchema {
  type?: string | string[];
  nullable?: boolean;
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  minimum?: number;
  maximum?: number;
}

// Caps keep one generated body small enough that a case stays fast; the
// byte-body properties send larger inputs.
const MAX_GENERATED_ITEMS = 5;
const MAX_GENERATED_STRING = 80;
const MAX_DEPTH = 6;

/** Returns an arbitrary of values that match `schema`. */
export function schemaValue(schema: JsonSchema, depth = 0): Arbitrary<JsonValue> {
  if (depth > MAX_DEPTH) return fc.constant(null);

  const alternatives = schema.anyOf ?? schema.oneOf;
  if (alternatives && alternatives.length > 0) {
    return fc.oneof(...alternatives.map((inner) => schemaValue(inner, depth + 1)));
  }
  if (schema.allOf && schema.allOf.length > 0) {
    return schemaValue(Object.assign({}, ...schema.allOf) as JsonSchema, depth + 1);
  }

  const base = nonNullValue(schema, depth);
  return schema.nullable ? fc.oneof(base, fc.constant(null)) : base;
}

function nonNullValue(schema: JsonSchema, depth: number): Arbitrary<JsonValue> {
  if (schema.const !== undefined) return fc.constant(schema.const as JsonValue);
  if (schema.enum) return fc.constantFrom(...(schema.enum as JsonValue[]));

  let types: string[] = [];
  if (Array.isArray(schema.type)) types = schema.type;
  else if (schema.type) types = [schema.type];
  if (types.length > 1) return fc.oneof(...types.map((type) => nonNullValue({ ...schema, type }, depth)));

  switch (types[0]) {
    case 'null':
      return fc.constant(null);
    case 'boolean':
      return fc.boolean();
    case 'integer':
      return fc.integer({ min: boundOf(schema.minimum, -(2 ** 31)), max: boundOf(schema.maximum, 2 ** 31) });
    case 'number':
      return fc.double({ min: schema.minimum ?? -1e9, max: schema.maximum ?? 1e9, noNaN: true, noDefaultInfinity: true });
    case 'string':
      return stringValue(schema);
    case 'array':
      return fc.array(schemaValue(schema.items ?? {}, depth + 1), {
        minLength: schema.minItems ?? 0,
        maxLength: Math.max(schema.minItems ?? 0, Math.min(schema.maxItems ?? MAX_GENERATED_ITEMS, MAX_GENERATED_ITEMS)),
      });
    case 'object':
      return objectValue(schema, depth);
    default:
      return fc.jsonValue({ maxDepth: 2 }) as Arbitrary<JsonValue>;
  }
}

function boundOf(value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  return Math.max(Math.min(value, Number.MAX_SAFE_INTEGER), Number.MIN_SAFE_INTEGER);
}

function stringValue(schema: JsonSchema): Arbitrary<JsonValue> {
  const minLength = schema.minLength ?? 0;
  const maxLength = Math.max(minLength, Math.min(schema.maxLength ?? MAX_GENERATED_STRING, MAX_GENERATED_STRING));

  if (schema.pattern) {
    try {
      const matching = fc.stringMatching(new RegExp(schema.pattern));
      return matching.filter((text) => text.length >= minLength && text.length <= (schema.maxLength ?? Infinity));
    } catch {
      // A pattern fast-check cannot generate from falls back to plain text.
    }
  }
  return fc.string({ unit: 'binary', minLength, maxLength });
}

function objectValue(schema: JsonSchema, depth: number): Arbitrary<JsonValue> {
  const properties = schema.properties ?? {};
  const required = new Set(schema.required ?? []);
  const record: Record<string, Arbitrary<JsonValue>> = {};
  for (const [key, inner] of Object.entries(properties)) record[key] = schemaValue(inner, depth + 1);

  const requiredKeys = Object.keys(properties).filter((key) => required.has(key));
  return fc.record(record, { requiredKeys }) as Arbitrary<JsonValue>;
}

/** A change that breaks a valid value the way a wrong or hostile client would. */
type Mutation =
  | { kind: 'drop'; index: number }
  | { kind: 'add'; key: string; value: JsonValue }
  | { kind: 'replace'; index: number; value: JsonValue }
  | { kind: 'wrap' };

const mutationArbitrary: Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('drop' as const), index: fc.nat() }),
  fc.record({
    kind: fc.constant('add' as const),
    key: fc.oneof(fc.string(), fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', '')),
    value: fc.jsonValue({ maxDepth: 2 }) as Arbitrary<JsonValue>,
  }),
  fc.record({ kind: fc.constant('replace' as const), index: fc.nat(), value: hostileScalar() }),
  fc.record({ kind: fc.constant('wrap' as const) }),
);

/** Scalars that often break parsers and SQL: huge, negative, NUL, long. */
export function hostileScalar(): Arbitrary<JsonValue> {
  return fc.oneof(
    fc.constantFrom<JsonValue>(
      null,
      true,
      -1,
      0,
      2 ** 53,
      -(2 ** 63),
      1e308,
      '',
      '\u0000',
      'a\u0000b',
      "' or 1=1 --",
      '../../etc/passwd',
      '%00',
      '\ud800',
      'x'.repeat(10_000),
    ),
    fc.double() as Arbitrary<JsonValue>,
    fc.string({ unit: 'binary' }),
    fc.jsonValue({ maxDepth: 3 }) as Arbitrary<JsonValue>,
  );
}

/** Applies one mutation to a copy of `value`, at a place chosen by the mutation's index. */
export function applyMutation(value: JsonValue, mutation: Mutation): JsonValue {
  if (mutation.kind === 'wrap') return [value];

  if (value === null || typeof value !== 'object') {
    return mutation.kind === 'replace' ? mutation.value : value;
  }
  const copy: Record<string, JsonValue> | JsonValue[] = Array.isArray(value) ? [...value] : { ...value };
  const keys = Object.keys(copy);

  if (mutation.kind === 'add') {
    if (Array.isArray(copy)) copy.push(mutation.value);
    // defineProperty stores a __proto__ key as data, as JSON.parse would.
    else Object.defineProperty(copy, mutation.key, { value: mutation.value, enumerable: true, writable: true });
    return copy;
  }
  if (keys.length === 0) return mutation.kind === 'replace' ? mutation.value : copy;

  const key = keys[mutation.index % keys.length] as string;
  if (mutation.kind === 'drop') {
    if (Array.isArray(copy)) copy.splice(Number(key), 1);
    else delete copy[key];
    return copy;
  }
  (copy as Record<string, JsonValue>)[key] = mutation.value;
  return copy;
}

/**
 * Returns valid values, the same values with one to three mutations, and
 * arbitrary JSON that ignores the schema.
 */
export function mutatedValue(schema: JsonSchema): Arbitrary<JsonValue> {
  const valid = schemaValue(schema);
  const mutated = fc
    .tuple(valid, fc.array(mutationArbitrary, { minLength: 1, maxLength: 3 }))
    .map(([value, mutations]) => mutations.reduce(applyMutation, value));
  return fc.oneof(
    { arbitrary: valid, weight: 3 },
    { arbitrary: mutated, weight: 4 },
    { arbitrary: fc.jsonValue() as Arbitrary<JsonValue>, weight: 2 },
    { arbitrary: hostileScalar(), weight: 1 },
  );
}

// Reads every operation from the admin API's OpenAPI document, so security
// tests cover routes added later without an edit.
import fc from 'fast-check';

export interface Operation {
  method: string;
  /** OpenAPI path with `{name}` placeholders, including /api. */
  path: string;
  tags: string[];
  /** Schema of the JSON request body, or null when the route takes none. */
  jsonBody: JsonSchema | null;
  /** Minimum role when the route declares it in an `x-role` extension. */
  declaredRole: string | undefined;
  /** True when the route declares `security: []`: it serves callers without a session. */
  public: boolean;
}

/** The parts of JSON Schema that minimalValue reads. */
export interface JsonSchema {
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  minLength?: number;
  minItems?: number;
  items?: JsonSchema;
  minimum?: number;
  exclusiveMinimum?: number;
  pattern?: string;
}

const METHODS = new Set(['get', 'head', 'post', 'put', 'patch', 'delete']);

export async function fetchOperations(listenUrl: string, prefix = ''): Promise<Operation[]> {
  const response = await fetch(`${listenUrl}${prefix}/api/docs/json`);
  if (response.status !== 200) throw new Error(`GET /api/docs/json returned ${response.status}`);
  const document = (await response.json()) as { paths: Record<string, Record<string, Record<string, unknown>>> };

  const operations: Operation[] = [];
  for (const [path, methods] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(methods)) {
      if (!METHODS.has(method)) continue;
      const body = operation.requestBody as { content?: Record<string, unknown> } | undefined;
      operations.push({
        method: method.toUpperCase(),
        path,
        tags: (operation.tags as string[] | undefined) ?? [],
        jsonBody: (body?.content?.['application/json'] as { schema?: JsonSchema } | undefined)?.schema ?? null,
        declaredRole: typeof operation['x-role'] === 'string' ? operation['x-role'] : undefined,
        public: Array.isArray(operation.security) && operation.security.length === 0,
      });
    }
  }
  return operations;
}

/** Replaces every `{name}` placeholder with `value`. */
export function fillPath(path: string, value: string): string {
  return path.replace(/\{[^}]+\}/g, encodeURIComponent(value));
}

/**
 * Returns the smallest value of a schema's shape: only required
 * properties, the first enum value or alternative, minimum lengths. It gets
 * a request past body validation, so the role check that follows decides.
 */
export function minimalValue(schema: JsonSchema): unknown {
  if (schema.const !== undefined) return schema.const;
  if (schema.enum) return schema.enum[0];
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (alternatives?.[0]) return minimalValue(alternatives[0]);

  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case 'object': {
      const value: Record<string, unknown> = {};
      for (const name of schema.required ?? []) value[name] = minimalValue(schema.properties?.[name] ?? {});
      return value;
    }
    case 'array':
      return Array.from({ length: schema.minItems ?? 0 }, () => minimalValue(schema.items ?? {}));
    case 'string':
      if (schema.pattern) return fc.sample(fc.stringMatching(new RegExp(schema.pattern)), { numRuns: 1, seed: 1 })[0];
      return 'x'.repeat(Math.max(schema.minLength ?? 1, 1));
    case 'integer':
    case 'number':
      return schema.minimum ?? (schema.exclusiveMinimum === undefined ? 1 : schema.exclusiveMinimum + 1);
    case 'boolean':
      return false;
    default:
      return null;
  }
}

import type { TSchema } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { ValueErrorType, type ValueError } from '@sinclair/typebox/errors';
import { Value } from '@sinclair/typebox/value';
import type { FastifySchemaCompiler } from 'fastify';

import { InvalidInputError } from '../domain/errors.js';

const PART_NAMES: Record<string, string> = { body: 'body', querystring: 'query', params: 'params', headers: 'headers' };

/**
 * Validates request parts against their TypeBox schemas. Bodies are taken
 * as sent: no type coercion, no defaults and no silent removal of unknown
 * fields, so a wrong type or an unknown field gets a 400 that names it.
 * Query strings and path parameters arrive as text and are converted to
 * the schema's types first, and their defaults are applied.
 */
export const typeboxValidatorCompiler: FastifySchemaCompiler<TSchema> = ({ schema, httpPart }) => {
  const check = TypeCompiler.Compile(schema);
  const part = PART_NAMES[httpPart ?? 'body'] ?? 'request';
  const convert = httpPart !== 'body';

  return (input: unknown) => {
    const value = convert ? Value.Default(schema, convertTextFields(schema, input ?? {})) : input;
    if (check.Check(value)) return { value };

    const first = check.Errors(value).First();
    return { error: first ? toInputError(part, first) : new InvalidInputError(`Invalid ${part}.`, part) };
  };
};

/**
 * Converts the text values of query and path parameters to the numbers and
 * booleans their schemas expect. Only exact forms convert ("12", "true"), so
 * "1.5" for an integer or "yes" for a boolean stays text and fails
 * validation instead of being rounded or guessed.
 */
function convertTextFields(schema: TSchema, input: unknown): unknown {
  const properties = (schema as { properties?: Record<string, TSchema> }).properties;
  if (properties === undefined || typeof input !== 'object' || input === null) return input;

  const converted: Record<string, unknown> = { ...(input as Record<string, unknown>) };
  for (const [key, value] of Object.entries(converted)) {
    const property = properties[key];
    if (property !== undefined && typeof value === 'string') converted[key] = convertText(property, value);
  }
  return converted;
}

function convertText(schema: TSchema, text: string): unknown {
  if (schema.type === 'integer' && /^-?\d{1,15}$/.test(text)) return Number(text);
  if (schema.type === 'number' && /^-?\d{1,15}(\.\d+)?$/.test(text)) return Number(text);
  if (schema.type === 'boolean' && (text === 'true' || text === 'false')) return text === 'true';
  return text;
}

function toInputError(part: string, error: ValueError): InvalidInputError {
  const field = `${part}${error.path.replace(/\//g, '.')}`;

  if (error.type === ValueErrorType.ObjectAdditionalProperties) {
    const allowed = Object.keys((error.schema as { properties?: object }).properties ?? {});
    return new InvalidInputError(`Unknown field ${field}: remove it. Allowed fields: ${allowed.join(', ') || 'none'}.`, field);
  }
  if (error.type === ValueErrorType.ObjectRequiredProperty) {
    return new InvalidInputError(`Missing ${field}: add it as ${describeSchema(error.schema)}.`, field);
  }
  if (error.path === '' && part === 'body') {
    return new InvalidInputError(
      `Invalid body: expected ${describeSchema(error.schema)}. Send JSON with Content-Type: application/json.`,
      field,
    );
  }
  // A secret is never echoed, not even to the client that sent it.
  const got = /password/i.test(field) ? '' : `, got ${preview(error.value)}`;
  return new InvalidInputError(`Invalid ${field}: expected ${describeSchema(error.schema)}${got}.`, field);
}

/** Describes in words what a schema accepts, e.g. "a whole number from 1 to 200". */
export function describeSchema(schema: TSchema): string {
  if (Array.isArray(schema.anyOf)) {
    const options = (schema.anyOf as TSchema[]).map(describeSchema);
    return options.every((option) => option.startsWith('"')) ? `one of ${options.join(', ')}` : options.join(' or ');
  }
  if (schema.const !== undefined) return JSON.stringify(schema.const);

  switch (schema.type) {
    case 'string':
      return describeString(schema);
    case 'integer':
      return `a whole number${describeRange(schema)}`;
    case 'number':
      return `a number${describeRange(schema)}`;
    case 'boolean':
      return 'true or false';
    case 'null':
      return 'null';
    case 'array':
      return typeof schema.maxItems === 'number' ? `a list of at most ${schema.maxItems} items` : 'a list';
    case 'object':
      return 'a JSON object';
    default:
      return 'a valid value';
  }
}

function describeString(schema: TSchema): string {
  const parts = ['a string'];
  if (typeof schema.minLength === 'number' && typeof schema.maxLength === 'number') {
    parts.push(`of ${schema.minLength} to ${schema.maxLength} characters`);
  } else if (typeof schema.maxLength === 'number') {
    parts.push(`of at most ${schema.maxLength} characters`);
  } else if (typeof schema.minLength === 'number' && schema.minLength > 0) {
    parts.push(`of at least ${schema.minLength} characters`);
  }
  if (typeof schema.pattern === 'string') parts.push(`matching ${schema.pattern}`);
  return parts.join(' ');
}

function describeRange(schema: TSchema): string {
  const min = typeof schema.minimum === 'number' ? schema.minimum : undefined;
  const max = typeof schema.maximum === 'number' ? schema.maximum : undefined;
  if (min !== undefined && max !== undefined) return ` from ${min} to ${max}`;
  if (min !== undefined) return ` of at least ${min}`;
  if (max !== undefined) return ` of at most ${max}`;
  return '';
}

// Long values are cut so an error never echoes a whole upload or password field back.
const PREVIEW_LENGTH = 40;

function preview(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > PREVIEW_LENGTH ? `${text.slice(0, PREVIEW_LENGTH)}…` : text;
}

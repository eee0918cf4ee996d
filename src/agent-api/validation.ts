import type { TSchema } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import type { ValueError } from '@sinclair/typebox/errors';
import type { FastifySchemaCompiler } from 'fastify';

interface ValidationIssue {
  instancePath: string;
  message: string;
}

/**
 * Validates agent requests with TypeBox, without the type coercion of
 * Fastify's default validator: a string where the agent sends a number is
 * rejected with the field named, instead of silently converted.
 */
export const strictValidatorCompiler: FastifySchemaCompiler<TSchema> = ({ schema }) => {
  const check = TypeCompiler.Compile(schema);

  return (data: unknown) => {
    if (check.Check(data)) return { value: data };

    const first = check.Errors(data).First();
    const issue: ValidationIssue = first
      ? describe(first)
      : { instancePath: '', message: 'does not match the expected shape' };
    return { error: [issue] as unknown as Error };
  };
};

/**
 * Words the first error. A union failure (a field that may also be null)
 * points at the deepest field any alternative reached, or else lists the
 * alternatives, e.g. "expected integer or null".
 */
function describe(error: ValueError): ValidationIssue {
  const nested = error.errors
    .map((iterator) => iterator.First())
    .filter((inner): inner is ValueError => inner !== undefined);

  const deeper = nested.find((inner) => inner.path.length > error.path.length);
  if (deeper) return describe(deeper);
  if (nested.length === 0) return { instancePath: error.path, message: lowerFirst(error.message) };

  const messages = [...new Set(nested.map((inner) => lowerFirst(inner.message)))];
  const message = messages.every((text) => text.startsWith('expected '))
    ? `expected ${messages.map((text) => text.slice('expected '.length)).join(' or ')}`
    : messages.join(' or ');
  return { instancePath: error.path, message };
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}

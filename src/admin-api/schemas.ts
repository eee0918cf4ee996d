import { Type, type TSchema } from '@sinclair/typebox';

/** Body of every 4xx response. */
export const ErrorSchema = Type.Object(
  {
    error: Type.String({ description: 'Machine-readable code, e.g. invalid_request or not_found.' }),
    message: Type.String({ description: 'What is wrong and how to fix it.' }),
    field: Type.Optional(Type.String({ description: 'Input at fault, e.g. body.name or query.limit.' })),
  },
  { description: 'Error' },
);

/** Response schemas shared by every route: its success shape and the error body. */
export function responses(success: Record<number, TSchema>) {
  return { ...success, '4xx': ErrorSchema };
}

export function Nullable<T extends TSchema>(schema: T) {
  return Type.Union([schema, Type.Null()]);
}

export function Page<T extends TSchema>(item: T) {
  return Type.Object({
    items: Type.Array(item),
    nextCursor: Nullable(Type.String({ description: 'Pass as cursor for the next page; null on the last page.' })),
  });
}

/** Path parameter of routes on one resource. Ids are UUIDs or agent device ids, well under 200 characters. */
export const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 200 }) }, { additionalProperties: false });

export const NoContent = Type.Null({ description: 'No content' });

export const RoleSchema = Type.Union([Type.Literal('admin'), Type.Literal('operator'), Type.Literal('viewer')]);

/** Stores a route's TypeBox schemas so the OpenAPI document lists them under one tag. */
export function tagged<T extends object>(tag: string, schema: T): T & { tags: string[] } {
  return { ...schema, tags: [tag] };
}

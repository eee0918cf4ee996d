import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';

import { InvalidInputError } from './errors.js';

/** Encodes a cursor's state as an opaque URL-safe string. */
export function encodeCursor(state: unknown): string {
  return Buffer.from(JSON.stringify(state), 'utf8').toString('base64url');
}

/**
 * Decodes a cursor made by encodeCursor and checks it against `schema`.
 * Throws InvalidInputError on the `cursor` field for anything else, which
 * includes cursors edited by hand or taken from another list.
 */
export function decodeCursor<T extends TSchema>(schema: T, cursor: string): Static<T> {
  let state: unknown;
  try {
    state = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    state = undefined;
  }

  if (!Value.Check(schema, state)) {
    throw new InvalidInputError(
      'The cursor is not one this list returned. Pass nextCursor from the previous page unchanged, or omit cursor to start again.',
      'query.cursor',
    );
  }
  return state;
}

/** Cursor of lists ordered newest first by (time, id). */
export const TimeIdCursorSchema = Type.Object({ at: Type.Integer(), id: Type.String() }, { additionalProperties: false });

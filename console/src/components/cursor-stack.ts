import { useCallback, useState } from 'react';

/**
 * Cursors of the pages visited so far: entry i opens page i, and page 0
 * opens with null. "Previous" pops, "Next" pushes the page's nextCursor.
 */
export function useCursorStack() {
  const [stack, setStack] = useState<(string | null)[]>([null]);

  const next = useCallback((nextCursor: string) => setStack((cursors) => [...cursors, nextCursor]), []);
  const previous = useCallback(() => setStack((cursors) => (cursors.length > 1 ? cursors.slice(0, -1) : cursors)), []);
  const reset = useCallback(() => setStack([null]), []);

  return { cursor: stack[stack.length - 1] ?? null, pageIndex: stack.length - 1, next, previous, reset };
}

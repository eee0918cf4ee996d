import type { ChildReply, ChildRequest } from './child-process.js';
import { READY_MESSAGE_ID } from './child-process.js';

export type RequestHandlers = Record<string, (payload: unknown) => Promise<unknown> | unknown>;

function send(reply: ChildReply): void {
  process.send?.(reply);
}

/**
 * Serves the parent's requests in a bench child. A `stop` request calls
 * `onStop`, then exits; losing the parent does the same, so no child
 * outlives an interrupted run.
 */
export function serveParent(handlers: RequestHandlers, onStop: () => Promise<void>): void {
  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    try {
      await onStop();
    } finally {
      process.exit(code);
    }
  };

  process.on('message', (request: ChildRequest) => {
    if (request.type === 'stop') {
      void stop(0);
      return;
    }
    const handler = handlers[request.type];
    if (!handler) {
      send({ id: request.id, ok: false, error: `unknown request type ${request.type}` });
      return;
    }
    Promise.resolve()
      .then(() => handler(request.payload))
      .then(
        (result) => send({ id: request.id, ok: true, result }),
        (error: unknown) => send({ id: request.id, ok: false, error: describeError(error) }),
      );
  });
  process.on('disconnect', () => void stop(1));
}

export function announceReady(result: unknown): void {
  send({ id: READY_MESSAGE_ID, ok: true, result });
}

export function announceFailure(error: unknown): void {
  send({ id: READY_MESSAGE_ID, ok: false, error: describeError(error) });
}

function describeError(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}

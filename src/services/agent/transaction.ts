import type { AppContext } from '../../context.js';
import { createStore, type Store } from '../../store/store.js';

/**
 * Runs `work` in one database transaction, with every repository bound to
 * it. Inside `work`, use only the given store: a query through ctx.store
 * would wait for the transaction's connection and never run.
 */
export async function inTransaction<T>(ctx: AppContext, work: (store: Store) => Promise<T>): Promise<T> {
  return ctx.store.db.transaction().execute((trx) => work(createStore(trx)));
}

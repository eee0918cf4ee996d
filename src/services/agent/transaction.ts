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

/**
 * Runs `work` in one database transaction with a copy of `ctx` whose store
 * is bound to it, for services that take a context. The same rule holds:
 * inside `work`, only the given context may reach the database.
 */
export async function inContextTransaction<T>(ctx: AppContext, work: (trxCtx: AppContext) => Promise<T>): Promise<T> {
  return inTransaction(ctx, (store) => work({ ...ctx, store }));
}

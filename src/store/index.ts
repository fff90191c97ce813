import type { IR } from '../ir/schema.js';
import { DurableRuntime, type DurableRuntimeOptions } from './durable.js';
import { MemoryDurableStore } from './memory.js';
import { SqliteStore, type SqliteStoreOptions } from './sqlite.js';

export { DurableRuntime, StorageError, TrackingMap, type BatchResult, type DurableRuntimeOptions, type SequencedAction } from './durable.js';
export { MemoryDurableStore } from './memory.js';
export { SqliteStore, StoreOpenError, type SqliteStoreOptions } from './sqlite.js';
export type { Commit, DurableStore, LoggedAction, StoredCommunity } from './store.js';
export { SCHEMA_VERSION } from './migrations.js';

/**
 * A runtime whose state survives restarts: `db` is a SQLite file (created if absent) or
 * `:memory:` for the same behaviour without a file. Close it when done.
 */
export function openDurableRuntime(ir: IR, options: { db: string } & SqliteStoreOptions & DurableRuntimeOptions): DurableRuntime {
  const store = options.db === ':memory:' ? new MemoryDurableStore() : new SqliteStore(options.db, { sync: options.sync });
  try {
    return new DurableRuntime(ir, store, { seed: options.seed, engine: options.engine });
  } catch (e) {
    store.close();
    throw e;
  }
}

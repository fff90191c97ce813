import { MemoryDurableStore } from '../store/memory.js';
import type { SqliteStoreOptions } from '../store/sqlite.js';
import type { DurableStore } from '../store/store.js';
import { UsageError } from './io.js';
import { isPostgresUrl } from '../store/postgres-url.js';

/**
 * The durable store of `serve` and `bot`: a SQLite file, or `:memory:` for the same behaviour
 * keeping nothing. A file that cannot be opened (in use, not a database, no permission) is a
 * usage error with the store's first line of explanation.
 */
export async function openDatabase(path: string, options: SqliteStoreOptions = {}): Promise<DurableStore> {
  if (path === ':memory:') return new MemoryDurableStore();
  if (isPostgresUrl(path)) throw new UsageError('this command keeps its state in SQLite; a postgres:// database is for playbook serve (docs/scaling.md)');
  // Loaded here, so the other commands never touch the native SQLite binding.
  const { SqliteStore, StoreOpenError } = await import('../store/sqlite.js');
  try {
    return new SqliteStore(path, options);
  } catch (e) {
    if (e instanceof StoreOpenError) throw new UsageError(e.message.split('\n')[0]);
    throw e;
  }
}

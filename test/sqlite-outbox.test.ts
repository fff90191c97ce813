import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SqliteStore } from '../src/store/sqlite.js';
import { emptyCommit, type Commit } from '../src/store/store.js';

/**
 * The SQLite store's outbox (src/store/outbox.ts): its reads and updates run on statements
 * prepared once when the store opens, like the store's other statements, not on each call (the
 * webhook dispatcher asks for due calls on every wake), and they answer as before.
 */

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const call = (community: string) => JSON.stringify({ type: 'webhook.call', community, endpoint: 'crm', body: {} });
const commitOf = (communities: string[]): Commit => ({
  ...emptyCommit(),
  communities: [...new Set(communities)].map((id) => ({ id, state: '{}' })),
  actions: communities.map((c) => ({ community: c, json: call(c) })),
});

/** Counts the calls to the store's database `prepare` from now on. */
function countPrepares(store: SqliteStore): { n: number } {
  const db = (store as unknown as { db: { prepare: (sql: string) => unknown } }).db;
  const counter = { n: 0 };
  const prepare = db.prepare.bind(db);
  db.prepare = (sql: string) => {
    counter.n++;
    return prepare(sql);
  };
  return counter;
}

describe('SqliteStore outbox', () => {
  it('prepares no statement per call, and due, nextDue, list, record and counts answer as before', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'playbook-outbox-'));
    dirs.push(dir);
    const store = new SqliteStore(join(dir, 'outbox.db'));
    try {
      store.commit(commitOf(['a', 'b', 'a', 'c']));
      const prepares = countPrepares(store);
      for (let round = 0; round < 3; round++) {
        expect((await store.outbox.due(1000, 10)).map((r) => [r.seq, r.community])).toEqual([
          [1, 'a'],
          [2, 'b'],
          [3, 'a'],
          [4, 'c'],
        ]);
        expect((await store.outbox.due(1000, 2)).map((r) => r.seq)).toEqual([1, 2]);
        expect((await store.outbox.due(1000, 10, ['a', 'c'])).map((r) => r.seq)).toEqual([1, 3, 4]);
        expect(await store.outbox.due(1000, 10, [])).toEqual([]);
        expect(await store.outbox.nextDue()).toBe(0);
        expect(await store.outbox.nextDue(['b'])).toBe(0);
        expect(await store.outbox.nextDue(['nobody'])).toBeUndefined();
      }
      await store.outbox.record(1, { attempts: 1, status: 'delivered', nextAt: 0 });
      await store.outbox.record(2, { attempts: 2, status: 'pending', nextAt: 5000, lastError: 'HTTP 500' });
      await store.outbox.record(4, { attempts: 5, status: 'failed', nextAt: 0, lastError: 'HTTP 404' });
      expect((await store.outbox.due(1000, 10)).map((r) => r.seq)).toEqual([3]);
      expect((await store.outbox.due(5000, 10)).map((r) => r.seq)).toEqual([2, 3]);
      expect(await store.outbox.nextDue(['b'])).toBe(5000);
      expect(await store.outbox.list('failed', 10)).toEqual([
        { seq: 4, community: 'c', action: call('c'), attempts: 5, nextAt: 0, status: 'failed', lastError: 'HTTP 404' },
      ]);
      expect((await store.outbox.list('pending', 10)).map((r) => r.seq)).toEqual([3, 2]);
      expect((await store.outbox.list('pending', 1)).map((r) => r.seq)).toEqual([3]);
      expect(await store.outbox.list('delivered', 10)).toEqual([{ seq: 1, community: 'a', action: call('a'), attempts: 1, nextAt: 0, status: 'delivered' }]);
      expect(await store.outbox.counts()).toEqual({ pending: 2, delivered: 1, failed: 1 });
      expect(prepares.n).toBe(0);
    } finally {
      store.close();
    }
  });
});

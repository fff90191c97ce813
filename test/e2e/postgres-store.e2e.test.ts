import fc from 'fast-check';
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { compile } from '../../src/compiler/compile.js';
import type { IR } from '../../src/ir/schema.js';
import { createRuntime, type OutputAction, type RuntimeSnapshot } from '../../src/runtime/runtime.js';
import { DurableRuntime } from '../../src/store/durable.js';
import { PendingStore } from '../../src/store/pending.js';
import { PG_SCHEMA_VERSION } from '../../src/store/postgres-schema.js';
import * as store from '../../src/store/postgres.js';
import { emptyCommit } from '../../src/store/store.js';
import { durablePlaybook } from '../fixtures/durable.js';
import { mulberry32 } from '../fixtures/random.js';
import { postgresMissing, startPostgres, type PostgresCluster } from './servers/postgres.js';

/**
 * The PostgreSQL store (src/store/postgres.ts) against a private cluster: the cases of
 * test/store.test.ts that apply to it. A runtime's commits are written as the cluster owner
 * writes them, and live state rebuilt from the rows alone must equal a runtime that never stopped.
 */

const PLAYBOOK = durablePlaybook('Postgres Club');
let irCache: IR | undefined;
function ir(): IR {
  irCache ??= compile(PLAYBOOK, { file: 'pg.playbook' }).ir!;
  return irCache;
}

/** Two communities over weeks: joins, intros, ads, red packets, departures, redeliveries, late and unknown events. */
function stream(seed: number, count: number): Record<string, unknown>[] {
  const rnd = mulberry32(seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)]!;
  let t = Date.parse('2026-03-01T08:00:00+08:00');
  const out: Record<string, unknown>[] = [];
  for (let i = 0; i < count; i++) {
    t += Math.floor(rnd() * 3 * 3_600_000);
    const community = pick(['north', 'south']);
    const member = pick(['m0', 'm1', 'm2', 'm3', 'm4', '__proto__']);
    const at = new Date(t).toISOString();
    const r = rnd();
    if (r < 0.05 && out.length > 0) out.push(pick(out));
    else if (r < 0.08)
      out.push({ id: `e${i}`, type: 'message.posted', at: new Date(t - 5 * 3_600_000).toISOString(), community, member, messageId: `x${i}`, text: 'late' });
    else if (r < 0.25) out.push({ id: `e${i}`, type: 'member.joined', at, community, member, name: member.toUpperCase() });
    else if (r < 0.32) out.push({ id: `e${i}`, type: 'redpacket.sent', at, community, member, amount: pick([1, 5, 10]), shares: 5 });
    else if (r < 0.37) out.push({ id: `e${i}`, type: 'checkin.done', at, community, member });
    else if (r < 0.4) out.push({ id: `e${i}`, type: 'member.left', at, community, member });
    else out.push({ id: `e${i}`, type: 'message.posted', at, community, member, messageId: `x${i}`, text: pick(['hi', 'ann-bj-dev', 'ok']) });
  }
  return out;
}

const UNTIL = Date.parse('2026-04-15T00:00:00+08:00');

/** Remembered ids as a set inside the horizon (see test/store.test.ts, `normalized`). */
function normalized(snapshot: RuntimeSnapshot): RuntimeSnapshot {
  const horizon = 7 * 86_400_000;
  return {
    ...snapshot,
    communities: snapshot.communities.map((c) => {
      const pairs = c.processed.map((id, i) => [id, c.processedAt![i]!] as const).filter(([, at]) => at >= c.clock - horizon);
      pairs.sort((a, b) => (a[0] < b[0] ? -1 : 1));
      return { ...c, processed: pairs.map(([id]) => id), processedAt: pairs.map(([, at]) => at) };
    }),
  };
}

describe.skipIf(postgresMissing() !== undefined)('PostgreSQL store', () => {
  let cluster: PostgresCluster;
  let sql: pg.Client;
  beforeAll(async () => {
    cluster = await startPostgres();
    sql = new pg.Client({ connectionString: cluster.url });
    await sql.connect();
    await store.migrate(sql);
  }, 60_000);
  afterAll(async () => {
    await sql?.end();
    cluster?.destroy();
  });
  const reset = () => sql.query('TRUNCATE communities, members, processed, timers, actions, inbox, playbook_meta; UPDATE log_head SET seq = 0');
  beforeEach(reset);

  /** A runtime on the rows of the given communities, as an owner loads it. */
  async function open(): Promise<{ d: DurableRuntime; pending: PendingStore }> {
    const ids = (await sql.query<{ id: string }>('SELECT id FROM communities')).rows.map((r) => r.id);
    const pending = new PendingStore(await store.loadCommunities(sql, ids));
    return { d: new DurableRuntime(ir(), pending), pending };
  }

  async function write(pending: PendingStore): Promise<void> {
    await sql.query('BEGIN');
    const commits = pending.take();
    for (const c of commits) await store.writeState(sql, c);
    await store.appendActions(
      sql,
      commits.flatMap((c) => c.actions),
      [],
    );
    await sql.query('COMMIT');
  }

  function runPlain(events: unknown[]) {
    const rt = createRuntime(ir());
    const out: OutputAction[] = [];
    for (const e of events) out.push(...rt.dispatch(e));
    out.push(...rt.advance(UNTIL));
    return { out, snapshot: rt.snapshot() };
  }

  it('creates the schema at the current version; migrating again changes nothing; a newer schema is refused', async () => {
    expect((await sql.query('SELECT version FROM playbook_schema')).rows).toEqual([{ version: PG_SCHEMA_VERSION }]);
    await store.migrate(sql);
    expect((await sql.query('SELECT version FROM playbook_schema')).rows).toEqual([{ version: PG_SCHEMA_VERSION }]);
    await sql.query('UPDATE playbook_schema SET version = version + 1');
    await expect(store.migrate(sql)).rejects.toThrow(`newer than this playbook (${PG_SCHEMA_VERSION})`);
    await sql.query('UPDATE playbook_schema SET version = version - 1');
  });

  it('any batching, reloaded from the rows, equals one uninterrupted runtime', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 1e6 }),
        fc.array(fc.integer({ min: 1, max: 12 }), { minLength: 1, maxLength: 4 }),
        fc.integer({ min: 1, max: 5 }),
        async (seed, sizes, reopenEvery) => {
          await reset();
          const events = stream(seed, 140);
          const expected = runPlain(events);
          let { d, pending } = await open();
          const got: OutputAction[] = [];
          for (let i = 0, k = 0; i < events.length;) {
            const n = sizes[k++ % sizes.length]!;
            got.push(...d.dispatchBatch(events.slice(i, i + n)).actions);
            await write(pending);
            i += n;
            // Rebuild live state from the rows only: anything not written is lost here.
            if (k % reopenEvery === 0) ({ d, pending } = await open());
          }
          got.push(...d.advance(UNTIL).actions);
          await write(pending);
          expect(got).toEqual(expected.out);
          const logged = await store.actionsAfter(sql, 0, 1e6);
          expect(logged.map((a) => JSON.parse(a.json) as OutputAction)).toEqual(expected.out);
          expect(logged.map((a) => a.seq)).toEqual(expected.out.map((_, i) => i + 1));
          expect(await store.lastSeq(sql)).toBe(expected.out.length);
          const reopened = await open();
          expect(normalized(reopened.d.snapshot())).toEqual(normalized(expected.snapshot));
        },
      ),
      { numRuns: 6, seed: 18, verbose: true },
    );
  }, 120_000);

  it('the action log pages by sequence number and by community', async () => {
    const { d, pending } = await open();
    const all = [...d.dispatchBatch(stream(11, 200)).actions, ...d.advance(UNTIL).actions];
    await write(pending);
    const paged: string[] = [];
    for (let after = 0; ;) {
      const page = await store.actionsAfter(sql, after, 13);
      if (page.length === 0) break;
      paged.push(...page.map((a) => a.json));
      after = page[page.length - 1]!.seq;
    }
    expect(paged).toEqual(all.map((a) => JSON.stringify(a)));
    const south = (await store.actionsAfter(sql, 0, 1e6, 'south')).map((a) => JSON.parse(a.json) as OutputAction);
    expect(south).toEqual(all.filter((a) => a.community === 'south'));
    expect(south.length).toBeGreaterThan(0);
  });

  it('a transaction that fails half way leaves nothing, and the runtime reloaded from the rows goes on', async () => {
    const events = stream(5, 120);
    const expected = runPlain(events);
    let { d, pending } = await open();
    for (let i = 0; i < events.length; i += 10) {
      const batch = events.slice(i, i + 10);
      if (i % 30 === 0) {
        d.dispatchBatch(batch);
        await sql.query('BEGIN');
        for (const c of pending.take()) await store.writeState(sql, c);
        await expect(sql.query('SELECT 1/0')).rejects.toThrow('division by zero');
        await sql.query('ROLLBACK');
        // The runtime is ahead of the rows: it is dropped and loaded again, as the owner does.
        ({ d, pending } = await open());
      }
      d.dispatchBatch(batch);
      await write(pending);
    }
    d.advance(UNTIL);
    await write(pending);
    expect((await store.actionsAfter(sql, 0, 1e6)).map((a) => JSON.parse(a.json) as OutputAction)).toEqual(expected.out);
    expect(normalized((await open()).d.snapshot())).toEqual(normalized(expected.snapshot));
  });

  it('keeps meta entries, the inbox order and outcomes', async () => {
    await sql.query('BEGIN');
    await store.writeState(sql, { ...emptyCommit(), meta: { 'playbook.file': 'a.playbook' } });
    await sql.query('COMMIT');
    expect(await store.getMeta(sql, 'playbook.file')).toBe('a.playbook');
    expect(await store.initMeta(sql, 'playbook.file', 'b.playbook')).toBe('a.playbook');
    const ids = await store.accept(sql, [
      { community: 'c', kind: 'event', body: '{"n":1}' },
      { community: 'd', kind: 'event', body: '{"n":2}' },
      { community: 'c', kind: 'advance', body: '5' },
    ]);
    expect(ids).toHaveLength(3);
    expect((await store.pendingInbox(sql, 'c', 10)).map((r) => [r.id, r.kind, r.body])).toEqual([
      [ids[0], 'event', '{"n":1}'],
      [ids[2], 'advance', '5'],
    ]);
    expect(await store.outcomes(sql, ids)).toBeUndefined();
    await store.markDone(
      sql,
      ids.map((id) => ({ id, status: 'processed', late: id === ids[1] })),
    );
    expect(await store.outcomes(sql, ids)).toEqual(ids.map((id) => ({ id, status: 'processed', late: id === ids[1] })));
    expect(await store.pendingCommunities(sql)).toEqual([]);
  });
});

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { compile } from '../src/compiler/compile.js';
import type { IR } from '../src/ir/schema.js';
import { createRuntime, type OutputAction, type RuntimeSnapshot } from '../src/runtime/runtime.js';
import { DurableRuntime, TrackingMap } from '../src/store/durable.js';
import { MemoryDurableStore } from '../src/store/memory.js';
import { SCHEMA_VERSION } from '../src/store/migrations.js';
import { SqliteStore, StoreOpenError } from '../src/store/sqlite.js';
import type { Commit, DurableStore } from '../src/store/store.js';
import { durablePlaybook } from './fixtures/durable.js';
import { mulberry32 } from './fixtures/random.js';

/** Timers of every kind: ritual reminders and deadlines, a lifecycle `after`, a job, a leaderboard. */
export const DURABLE_PLAYBOOK = durablePlaybook('Durable Club');

/** A seeded stream over two communities: joins, intros, ads, red packets, departures, duplicates, late and unknown events. */
function stream(seed: number, count: number): unknown[] {
  const rnd = mulberry32(seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)]!;
  let t = Date.parse('2026-03-01T08:00:00+08:00');
  const out: Record<string, unknown>[] = [];
  for (let i = 0; i < count; i++) {
    t += Math.floor(rnd() * 3 * 3_600_000);
    const community = pick(['north', 'south']);
    const member = `m${Math.floor(rnd() * 8)}`;
    const at = new Date(t).toISOString();
    const r = rnd();
    if (r < 0.05 && out.length > 0)
      out.push(pick(out)); // a redelivered event
    else if (r < 0.08)
      out.push({ id: `e${i}`, type: 'message.posted', at: new Date(t - 5 * 3_600_000).toISOString(), community, member, messageId: `x${i}`, text: 'late hi' });
    else if (r < 0.1) out.push({ id: `e${i}`, type: 'platform.ping', at, community });
    else if (r < 0.25) out.push({ id: `e${i}`, type: 'member.joined', at, community, member, name: member.toUpperCase() });
    else if (r < 0.32) out.push({ id: `e${i}`, type: 'redpacket.sent', at, community, member, amount: pick([1, 5, 10]), shares: 5 });
    else if (r < 0.37) out.push({ id: `e${i}`, type: 'checkin.done', at, community, member });
    else if (r < 0.4) out.push({ id: `e${i}`, type: 'member.left', at, community, member });
    else out.push({ id: `e${i}`, type: 'message.posted', at, community, member, messageId: `x${i}`, text: pick(['hi', 'ann-bj-dev', 'cheap ad', 'ok']) });
  }
  return out;
}

let irCache: IR | undefined;
function ir(): IR {
  if (!irCache) {
    const r = compile(DURABLE_PLAYBOOK, { file: 'durable.playbook' });
    if (!r.ir) throw new Error('test playbook does not compile');
    irCache = r.ir;
  }
  return irCache;
}

const dirs: string[] = [];
function tempDb(): string {
  const dir = mkdtempSync(join(tmpdir(), 'playbook-store-'));
  dirs.push(dir);
  return join(dir, 'state.db');
}
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** Split `events` into batches of the given sizes (cycled), with an advance after some batches. */
function runDurable(d: DurableRuntime, events: unknown[], sizes: number[], until: number): OutputAction[] {
  const out: OutputAction[] = [];
  let i = 0;
  let k = 0;
  while (i < events.length) {
    const n = sizes[k++ % sizes.length]!;
    out.push(...d.dispatchBatch(events.slice(i, i + n)).actions);
    i += n;
  }
  out.push(...d.advance(until).actions);
  return out;
}

function runPlain(events: unknown[], until: number) {
  const rt = createRuntime(ir());
  const out: OutputAction[] = [];
  for (const e of events) out.push(...rt.dispatch(e));
  out.push(...rt.advance(until));
  return { out, snapshot: rt.snapshot() };
}

/**
 * Remembered ids compared as a set of (id, time) inside the horizon: the stores return them oldest
 * first and delete those past the horizon at once, while a runtime that never restarted may still
 * hold some behind a later one (src/runtime/remembered.ts); both judge every event alike.
 */
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

function logOf(d: DurableRuntime): OutputAction[] {
  return d.actionsAfter(0, 1e9).map((a) => a.action);
}

const UNTIL = Date.parse('2026-04-15T00:00:00+08:00');

describe('durable runtime', () => {
  it('generated streams exercise timers, duplicates and late events', () => {
    const { out } = runPlain(stream(3, 300), UNTIL);
    expect(out.some((a) => String(a['cause']).startsWith('timer:') && a.type === 'member.remove')).toBe(true);
    expect(out.some((a) => a.type === 'lifecycle.changed' && a['to'] === 'dormant')).toBe(true);
    expect(out.some((a) => a.type === 'points.award')).toBe(true);
  });

  for (const kind of ['memory', 'sqlite'] as const) {
    const open = (path?: string): DurableStore => (kind === 'memory' ? new MemoryDurableStore() : new SqliteStore(path ?? tempDb(), { sync: 'normal' }));

    it(`${kind}: any batching, reopened from the store, equals one uninterrupted runtime`, () => {
      fc.assert(
        fc.property(
          fc.integer({ min: 1, max: 1e6 }),
          fc.array(fc.integer({ min: 1, max: 12 }), { minLength: 1, maxLength: 5 }),
          fc.integer({ min: 1, max: 6 }),
          (seed, sizes, reopenEvery) => {
            const events = stream(seed, 160);
            const expected = runPlain(events, UNTIL);
            const path = tempDb();
            const store = open(path);
            let d = new DurableRuntime(ir(), store);
            const got: OutputAction[] = [];
            let i = 0;
            let k = 0;
            while (i < events.length) {
              const n = sizes[k++ % sizes.length]!;
              got.push(...d.dispatchBatch(events.slice(i, i + n)).actions);
              i += n;
              // Rebuild live state from the rows only: anything not written is lost here.
              if (k % reopenEvery === 0) {
                if (kind === 'sqlite') {
                  d.close();
                  d = new DurableRuntime(ir(), open(path));
                } else d = new DurableRuntime(ir(), store);
              }
            }
            got.push(...d.advance(UNTIL).actions);
            expect(got).toEqual(expected.out);
            expect(logOf(d)).toEqual(expected.out);
            const reopened = kind === 'sqlite' ? (d.close(), new DurableRuntime(ir(), open(path))) : new DurableRuntime(ir(), store);
            expect(normalized(reopened.snapshot())).toEqual(normalized(expected.snapshot));
            expect(reopened.lastSeq()).toBe(expected.out.length);
            reopened.close();
          },
        ),
        { numRuns: kind === 'memory' ? 15 : 8 },
      );
    });

    it(`${kind}: the action log pages by sequence number and by community`, () => {
      const d = new DurableRuntime(ir(), open());
      const all = runDurable(d, stream(11, 200), [7], UNTIL);
      const seqs = d.actionsAfter(0, 1e9).map((a) => a.seq);
      expect(seqs).toEqual(all.map((_, i) => i + 1));
      const paged: OutputAction[] = [];
      for (let after = 0; ;) {
        const page = d.actionsAfter(after, 13);
        if (page.length === 0) break;
        paged.push(...page.map((a) => a.action));
        after = page[page.length - 1]!.seq;
      }
      expect(paged).toEqual(all);
      const south = d.actionsAfter(0, 1e9, 'south').map((a) => a.action);
      expect(south).toEqual(all.filter((a) => a.community === 'south'));
      expect(south.length).toBeGreaterThan(0);
      d.close();
    });
  }

  it('an event writes only the rows it changed, whatever the community size', () => {
    const commits: Commit[] = [];
    const store = new MemoryDurableStore();
    const spy: DurableStore = Object.assign(Object.create(store) as DurableStore, {
      commit: (c: Commit) => {
        commits.push(c);
        return store.commit(c);
      },
    });
    const d = new DurableRuntime(ir(), spy);
    const at = (h: number) => new Date(Date.parse('2026-03-01T08:00:00+08:00') + h * 60_000).toISOString();
    const joins = Array.from({ length: 2000 }, (_, i) => ({ id: `j${i}`, type: 'member.joined', at: at(0), community: 'big', member: `u${i}` }));
    d.dispatchBatch(joins);
    commits.length = 0;
    d.dispatchBatch([{ id: 'p1', type: 'message.posted', at: at(1), community: 'big', member: 'u7', messageId: 'x', text: 'ann-bj-dev' }]);
    const [c] = commits;
    expect(c!.communities.map((x) => x.id)).toEqual(['big']);
    expect(c!.members.map((m) => m.id)).toEqual(['u7']);
    expect(c!.processed).toEqual([{ community: 'big', id: 'p1', at: Date.parse(at(1)) }]);
    // The only community touched forgets what left its horizon (nothing yet, a minute in).
    expect(c!.forget).toEqual([{ community: 'big', before: Date.parse(at(1)) - 7 * 86_400_000 }]);
    // u7's intro step is done; their ritual timers stay, nothing else is rewritten.
    expect(c!.timers.length).toBeLessThanOrEqual(4);
    expect(c!.timersReplaced).toEqual([]);
    d.close();
  });

  it('a failed commit leaves memory as the store has it, and the batch can be sent again', () => {
    const events = stream(5, 120);
    const expected = runPlain(events, UNTIL);
    const store = new MemoryDurableStore();
    let failNext = false;
    const flaky: DurableStore = Object.assign(Object.create(store) as DurableStore, {
      commit: (c: Commit) => {
        if (failNext) {
          failNext = false;
          throw new Error('disk full');
        }
        return store.commit(c);
      },
    });
    const d = new DurableRuntime(ir(), flaky);
    for (let i = 0; i < events.length; i += 10) {
      const batch = events.slice(i, i + 10);
      if (i % 30 === 0) {
        failNext = true;
        expect(() => d.dispatchBatch(batch)).toThrow('disk full');
      }
      d.dispatchBatch(batch);
    }
    d.advance(UNTIL);
    expect(logOf(d)).toEqual(expected.out);
    expect(normalized(d.snapshot())).toEqual(normalized(expected.snapshot));
  });

  it('a community whose timer index is replaced has its timer rows rewritten, not lost', () => {
    const store = new MemoryDurableStore();
    const d = new DurableRuntime(ir(), store);
    d.dispatchBatch([{ id: 'a', type: 'member.joined', at: '2026-03-01T08:00:00+08:00', community: 'c', member: 'm' }]);
    const c = d.rt.community('c')!;
    expect(c.timerIndex).toBeInstanceOf(TrackingMap);
    c.timerIndex = new Map(c.timerIndex);
    d.dispatchBatch([{ id: 'b', type: 'member.joined', at: '2026-03-01T08:01:00+08:00', community: 'c', member: 'n' }]);
    const reopened = new DurableRuntime(ir(), store);
    expect(reopened.snapshot()).toEqual(d.snapshot());
  });
});

describe('SQLite store', () => {
  it('creates the schema at the current version and reopens it', () => {
    const path = tempDb();
    new SqliteStore(path).close();
    const db = new Database(path, { readonly: true });
    expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
    const again = new SqliteStore(path);
    expect(again.lastSeq()).toBe(0);
    again.close();
  });

  it('refuses a database from a newer version, a file that is not a database, and a second server', () => {
    const newer = tempDb();
    const db = new Database(newer);
    db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    db.close();
    expect(() => new SqliteStore(newer)).toThrow(StoreOpenError);
    expect(() => new SqliteStore(newer)).toThrow(/newer than this playbook/);

    const path = tempDb();
    const first = new SqliteStore(path);
    expect(() => new SqliteStore(path)).toThrow(/in use by another process/);
    first.close();
    new SqliteStore(path).close();
  });

  it('keeps the meta entries of a commit and rolls back a commit that fails half way', () => {
    const store = new SqliteStore(tempDb(), { sync: 'normal' });
    store.commit({
      communities: [{ id: 'c', state: '{}' }],
      members: [],
      processed: [],
      timersReplaced: [],
      timers: [],
      actions: [{ community: 'c', json: '{"a":1}' }],
      meta: { playbook: 'v1' },
    });
    expect(store.getMeta('playbook')).toBe('v1');
    const bad = {
      communities: [{ id: 'c', state: '{"x":2}' }],
      members: [],
      processed: [],
      timersReplaced: [],
      timers: [],
      actions: [
        { community: 'c', json: '{"a":2}' },
        { community: null as unknown as string, json: '{}' },
      ],
    };
    expect(() => store.commit(bad)).toThrow();
    expect(store.lastSeq()).toBe(1);
    expect(store.load()[0]!.state).toBe('{}');
    store.commit({ communities: [], members: [], processed: [], timersReplaced: [], timers: [], actions: [{ community: 'c', json: '{"a":3}' }] });
    expect(store.actionsAfter(0, 10).map((a) => [a.seq, a.json])).toEqual([
      [1, '{"a":1}'],
      [2, '{"a":3}'],
    ]);
    store.close();
  });
});

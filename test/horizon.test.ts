/**
 * Remembered event ids have a horizon (docs/runtime.md, "Duplicates and the horizon"): an id is a
 * duplicate while its event is within the horizon of the clock; an event older than the clock
 * minus the horizon is refused as stale; memory holds one horizon of ids, not the whole stream.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { compile } from '../src/compiler/compile.js';
import { createRuntime, type OutputAction, type RuntimeSnapshot } from '../src/runtime/runtime.js';
import { DEFAULT_HORIZON_MS } from '../src/runtime/remembered.js';
import { DurableRuntime } from '../src/store/durable.js';
import { MemoryDurableStore } from '../src/store/memory.js';
import { MIGRATIONS } from '../src/store/migrations.js';
import { SqliteStore } from '../src/store/sqlite.js';
import { runCli } from './helpers/cli.js';
import { load } from './constructs/helpers.js';

const DAY = 86_400_000;
const T0 = Date.parse('2026-03-01T00:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString();
const msg = (id: string, at: number, member = 'm1') => ({ id, type: 'message.posted', at: iso(at), community: 'c', member, messageId: id, text: 'hi' });

const POINTS = 'points { message.posted: +1 }';

describe('the horizon of remembered ids', () => {
  it('defaults to 7 days; a duplicate inside it is refused, an event older than it is stale', () => {
    expect(DEFAULT_HORIZON_MS).toBe(7 * DAY);
    const rt = createRuntime(load(POINTS));
    expect(rt.horizonMs).toBe(7 * DAY);
    expect(rt.dispatchDetailed(msg('a', T0)).status).toBe('processed');
    expect(rt.dispatchDetailed(msg('b', T0 + 7 * DAY)).status).toBe('processed');
    // Exactly a horizon old is still inside it (stale is strictly older), so `a` is still remembered.
    expect(rt.dispatchDetailed(msg('a', T0)).status).toBe('duplicate');
    // A new id exactly a horizon old is processed, late; one millisecond older is stale.
    const edge = rt.dispatchDetailed(msg('c', T0));
    expect([edge.status, edge.late]).toEqual(['processed', true]);
    const stale = rt.dispatchDetailed(msg('d', T0 - 1));
    expect(stale).toEqual({ status: 'stale', actions: [], late: false });
    expect(rt.community('c')!.members['m1']!.points).toBe(3);
  });

  it('an id whose event left the horizon is forgotten: the same id at a new time is a new event', () => {
    const rt = createRuntime(load(POINTS));
    rt.dispatch(msg('a', T0));
    rt.dispatch(msg('b', T0 + 8 * DAY));
    const again = rt.dispatchDetailed(msg('a', T0 + 8 * DAY + 1));
    expect(again.status).toBe('processed');
    expect(rt.community('c')!.members['m1']!.points).toBe(3);
  });

  it('a redelivery stamped later keeps the id a horizon from its own time, so a replay is still all duplicates', () => {
    const rt = createRuntime(load(POINTS));
    rt.dispatch(msg('a', T0));
    expect(rt.dispatchDetailed(msg('a', T0 + 5 * DAY)).status).toBe('duplicate');
    rt.dispatch(msg('b', T0 + 10 * DAY));
    // 10 days after the first delivery, 5 after the second: still remembered.
    expect(rt.dispatchDetailed(msg('a', T0 + 5 * DAY)).status).toBe('duplicate');
    expect(rt.dispatchDetailed(msg('a', T0)).status).toBe('stale');
  });

  it('memory holds the ids of one horizon, not of the whole stream', () => {
    const rt = createRuntime(load(POINTS), { horizonMs: DAY });
    for (let i = 0; i < 1000; i++) rt.dispatch(msg(`e${i}`, T0 + i * 3_600_000)); // one an hour for 41 days
    const ids = rt.community('c')!.processed;
    // The last day of ids (24 or 25 of them), never the 1,000 of the stream.
    expect(ids.size).toBeGreaterThanOrEqual(24);
    expect(ids.size).toBeLessThanOrEqual(26);
    expect(ids.has('e999')).toBe(true);
    expect(ids.has('e0')).toBe(false);
  });

  it("the playbook's header sets it, the runtime option overrides it, and 0 is refused", () => {
    const ir = compile('playbook "H" { timezone "UTC"; horizon 14d }\npoints { message.posted: +1 }', { file: 'h.playbook' }).ir!;
    expect(ir.horizonMs).toBe(14 * DAY);
    expect(createRuntime(ir).horizonMs).toBe(14 * DAY);
    expect(createRuntime(ir, { horizonMs: DAY }).horizonMs).toBe(DAY);
    const rt = createRuntime(ir);
    rt.dispatch(msg('a', T0 + 10 * DAY));
    expect(rt.dispatchDetailed(msg('b', T0)).status).toBe('processed'); // 10 days late: inside 14
    const zero = compile('playbook "H" { timezone "UTC"; horizon 0s }', { file: 'h.playbook' });
    expect(zero.diagnostics.map((d) => d.code)).toContain('E0303');
    expect(() => createRuntime(ir, { horizonMs: 0 })).toThrow(/horizonMs must be a positive/);
  });

  it('a snapshot written before the horizon (ids without times) remembers its ids a full horizon from its clock', () => {
    const ir = load(POINTS);
    const rt = createRuntime(ir);
    rt.dispatch(msg('a', T0));
    rt.dispatch(msg('b', T0 + 6 * DAY));
    const snap = rt.snapshot();
    const old: RuntimeSnapshot = { ...snap, communities: snap.communities.map(({ processedAt: _drop, ...c }) => c) };
    const resumed = createRuntime(ir, { snapshot: old });
    expect([...resumed.community('c')!.processed]).toEqual([
      ['a', T0 + 6 * DAY],
      ['b', T0 + 6 * DAY],
    ]);
    // `a` is dated at the clock: 12 days after its event it is still a duplicate.
    resumed.dispatch(msg('x', T0 + 12 * DAY));
    expect(resumed.dispatchDetailed(msg('a', T0 + 12 * DAY)).status).toBe('duplicate');
  });

  it('split and resumed from snapshots anywhere, a stream with duplicates, late and stale events gives the same actions (property, seed 11)', () => {
    const ir = load(POINTS);
    const eventArb = fc.record({ id: fc.integer({ min: 0, max: 30 }), hours: fc.integer({ min: -24 * 9, max: 24 * 3 }) });
    fc.assert(
      fc.property(fc.array(eventArb, { minLength: 1, maxLength: 60 }), fc.array(fc.integer({ min: 1, max: 59 }), { maxLength: 4 }), (steps, cuts) => {
        let t = T0;
        const events = steps.map((s) => {
          t += Math.max(0, s.hours) * 3_600_000;
          return msg(`e${s.id}`, s.hours < 0 ? t + s.hours * 3_600_000 : t);
        });
        const whole = createRuntime(ir, { horizonMs: 2 * DAY });
        const expected = events.map((e) => whole.dispatchDetailed(e)).map((r) => [r.status, r.actions] as const);
        let rt = createRuntime(ir, { horizonMs: 2 * DAY });
        const got: (readonly [string, OutputAction[]])[] = [];
        events.forEach((e, i) => {
          if (cuts.includes(i)) rt = createRuntime(ir, { horizonMs: 2 * DAY, snapshot: JSON.parse(JSON.stringify(rt.snapshot())) as RuntimeSnapshot });
          const r = rt.dispatchDetailed(e);
          got.push([r.status, r.actions]);
        });
        expect(got).toEqual(expected);
      }),
      { seed: 11, numRuns: 200 },
    );
  });
});

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
function tempDb(): string {
  const dir = mkdtempSync(join(tmpdir(), 'playbook-horizon-'));
  dirs.push(dir);
  return join(dir, 'state.db');
}

describe('durable stores keep one horizon of ids', () => {
  for (const kind of ['memory', 'sqlite'] as const) {
    it(`${kind}: ids past the horizon are deleted from the store; reopened, duplicates and stale events are judged alike`, () => {
      const path = tempDb();
      const open = () => (kind === 'memory' ? new MemoryDurableStore() : new SqliteStore(path, { sync: 'normal' }));
      const store = open();
      const d = new DurableRuntime(load(POINTS), store);
      for (let i = 0; i < 40; i++) d.dispatchBatch([msg(`e${i}`, T0 + i * 12 * 3_600_000)]); // twice a day for 20 days
      const stored = store.load()[0]!;
      // The last 7 days at two a day: 14 or 15 ids, not 40.
      expect(stored.processed.length).toBeGreaterThanOrEqual(14);
      expect(stored.processed.length).toBeLessThanOrEqual(15);
      expect(stored.processedAt).toHaveLength(stored.processed.length);
      if (kind === 'sqlite') {
        store.close();
        const again = new DurableRuntime(load(POINTS), open());
        expect(again.dispatchBatch([msg('e39', T0 + 39 * 12 * 3_600_000)]).results[0]!.status).toBe('duplicate');
        expect(again.dispatchBatch([msg('e0', T0)]).results[0]!.status).toBe('stale');
        again.store.close();
      }
    });
  }

  it('a database of schema 1 (ids without times) is migrated: its ids are dated at their community clock', () => {
    const path = tempDb();
    const db = new Database(path);
    db.exec(MIGRATIONS[0]!);
    db.pragma('user_version = 1');
    const clock = T0 + 3 * DAY;
    db.prepare('INSERT INTO communities (id, state) VALUES (?, ?)').run(
      'c',
      JSON.stringify({ id: 'c', clock, started: T0, counters: {}, campaigns: {}, sessions: {}, once: [], rng: 1, timerSeq: 0 }),
    );
    db.prepare('INSERT INTO processed (community, id) VALUES (?, ?)').run('c', 'old');
    db.close();
    const store = new SqliteStore(path);
    expect(store.load()[0]!.processedAt).toEqual([clock]);
    store.close();
  });
});

describe('simulate', () => {
  it('skips a stale event with its line and counts it; --horizon changes it; --strict fails on it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'playbook-horizon-cli-'));
    dirs.push(dir);
    const { writeFileSync } = await import('node:fs');
    writeFileSync(join(dir, 'p.playbook'), 'playbook "H" { timezone "UTC" }\npoints { message.posted: +1 }\n');
    writeFileSync(join(dir, 'e.jsonl'), [msg('a', T0 + 10 * DAY), msg('b', T0)].map((e) => JSON.stringify(e)).join('\n') + '\n');
    const r = await runCli(['simulate', join(dir, 'p.playbook'), '--events', join(dir, 'e.jsonl')]);
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/e\.jsonl:2: skipped: stale: event "b" is older than the clock minus the horizon \(P7D\)/);
    expect(r.err).toMatch(/0 duplicates, 1 stale, 0 late;/);
    expect(r.out.trim().split('\n')).toHaveLength(1);
    const wide = await runCli(['simulate', join(dir, 'p.playbook'), '--events', join(dir, 'e.jsonl'), '--horizon', '30d']);
    expect(wide.out.trim().split('\n')).toHaveLength(2);
    expect(wide.err).toMatch(/0 duplicates, 1 late;/);
    expect((await runCli(['simulate', join(dir, 'p.playbook'), '--events', join(dir, 'e.jsonl'), '--strict'])).code).toBe(2);
    expect((await runCli(['simulate', join(dir, 'p.playbook'), '--events', join(dir, 'e.jsonl'), '--horizon', 'soon'])).err).toMatch(
      /--horizon must be a duration/,
    );
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { memberFromJSON, memberToJSON, newMember } from '../src/runtime/member.js';
import { forgetBefore, RememberedIds } from '../src/runtime/remembered.js';
import { createRuntime, type OutputAction } from '../src/runtime/runtime.js';
import type { MemberState } from '../src/runtime/state.js';
import { dict } from '../src/stdlib/dict.js';
import { events, load } from './constructs/helpers.js';
import { MEMBER_FIELDS } from './fixtures/member-fields.js';

/**
 * The compact layout of members and remembered ids (src/runtime/member.ts, remembered.ts;
 * docs/performance.md, "Memory and simulate floor"): collections absent until first written,
 * flags packed into one number, event times stored as distances from a base. Each must read and
 * write exactly as the plain objects and maps it replaces. Properties run with a fixed seed,
 * which fast-check prints on failure.
 */
const SEED = 20;

const ALL = MEMBER_FIELDS;
type Field = (typeof ALL)[number];

/** A value for each settable field (a fresh copy each call). */
function sample(k: Field, i: number): unknown {
  switch (k) {
    case 'name':
    case 'invitedBy':
      return `v${i}`;
    case 'present':
    case 'removed':
      return i % 2 === 0;
    case 'unjoined':
      return i % 2 === 0 ? true : undefined;
    case 'joinedAt':
    case 'points':
    case 'lastPosted':
      return 1_780_000_000_000 + i;
    case 'roles':
    case 'tags':
    case 'levels':
    case 'badges':
    case 'once':
      return [`x${i}`];
    case 'directSent':
      return [i, i + 1];
    case 'held':
      return [{ since: i, action: { type: 'member.dm', community: 'c', member: 'm' } }];
    default:
      return Object.assign(dict<unknown>(), { [`k${i}`]: i });
  }
}

describe('member layout', () => {
  it('an idle member writes the same JSON as the plain object it replaced, and has no extras', () => {
    const m = newMember('ann', 1_780_000_000_000);
    m.name = 'Ann';
    // Writing undefined to an absent collection allocates nothing.
    m.roles = undefined;
    m.counters = undefined;
    m.unjoined = undefined;
    expect(JSON.stringify(m)).toBe('{"id":"ann","name":"Ann","present":true,"removed":false,"joinedAt":1780000000000,"points":0}');
    expect((m as unknown as { x: unknown }).x).toBeUndefined();
    expect(JSON.stringify(memberToJSON(m))).toBe(JSON.stringify(m));
    expect(JSON.stringify(memberFromJSON(JSON.parse(JSON.stringify(m)) as MemberState))).toBe(JSON.stringify(m));
  });

  it('a member with every field lists them in the JSON order, and round-trips', () => {
    const m = newMember('bob', 0) as unknown as Record<Field, unknown>;
    ALL.forEach((k, i) => {
      if (k !== 'id') m[k] = k === 'unjoined' ? true : sample(k, i);
    });
    const text = JSON.stringify(m);
    expect(Object.keys(JSON.parse(text) as object)).toEqual([...ALL]);
    expect(JSON.stringify(memberToJSON(m as unknown as MemberState))).toBe(text);
    expect(JSON.stringify(memberFromJSON(JSON.parse(text) as MemberState))).toBe(text);
  });

  it('reads and writes like a plain object, whatever the order of writes (fast-check, fixed seed)', () => {
    const settable = ALL.filter((k) => k !== 'id');
    const write = fc.tuple(fc.constantFrom(...settable), fc.nat(9), fc.boolean());
    fc.assert(
      fc.property(fc.array(write, { maxLength: 40 }), (writes) => {
        const m = newMember('m', 5) as unknown as Record<Field, unknown>;
        const model: Record<string, unknown> = { id: 'm', name: undefined, present: true, removed: false, joinedAt: 5, unjoined: undefined, points: 0 };
        for (const [k, i, clear] of writes) {
          const v = clear && k !== 'present' && k !== 'removed' && k !== 'joinedAt' && k !== 'points' ? undefined : sample(k, i);
          m[k] = v;
          model[k] = v;
        }
        for (const k of ALL) expect(m[k]).toEqual(model[k]);
        expect(JSON.parse(JSON.stringify(m))).toEqual(JSON.parse(JSON.stringify(model)));
      }),
      { seed: SEED, numRuns: 300 },
    );
  });

  it('a member idle since joining earns its first points, count and warning, before and after a restore', () => {
    const ir = load(`roles admin
rule flood { on message.posted when count(message.posted by member within 10s) > 1 do warn member "slow down" on ladder calm }
ladder calm { 1: say to member "warning" }
points { message.posted: +1 cooldown 60s }
`);
    const { join, msg } = events('c');
    const stream = [
      join('2026-06-01T09:00:00+08:00', 'ann', { name: 'Ann' }),
      join('2026-06-01T09:00:01+08:00', '__proto__', { name: 'Proto' }),
      join('2026-06-01T09:00:02+08:00', 'constructor'),
      msg('2026-06-02T09:00:00+08:00', 'ann'),
      msg('2026-06-02T09:00:01+08:00', 'ann'),
      msg('2026-06-02T09:00:02+08:00', '__proto__'),
      msg('2026-06-02T09:00:03+08:00', '__proto__'),
      msg('2026-06-02T09:02:00+08:00', 'constructor'),
    ];
    const straight = createRuntime(ir);
    const all: OutputAction[] = [];
    for (const e of stream) all.push(...straight.dispatch(structuredClone(e)));
    expect(all.filter((a) => a.type === 'member.warn').map((a) => a.member)).toEqual(['ann', '__proto__']);
    const members = straight.community('c')!.members;
    expect(Object.keys(members)).toEqual(['ann', '__proto__', 'constructor']);
    expect([members['ann']!.points, members['__proto__']!.points, members['constructor']!.points]).toEqual([1, 1, 1]);
    expect(members['__proto__']!.warnings?.['calm']).toHaveLength(1);
    // Cut the stream after every event: a snapshot of idle members resumes to the same actions and state.
    for (let cut = 1; cut < stream.length; cut++) {
      const first = createRuntime(ir);
      const out: OutputAction[] = [];
      for (const e of stream.slice(0, cut)) out.push(...first.dispatch(structuredClone(e)));
      const snap = JSON.parse(JSON.stringify(first.snapshot())) as ReturnType<typeof first.snapshot>;
      const second = createRuntime(ir, { snapshot: snap });
      expect(JSON.stringify(second.snapshot())).toBe(JSON.stringify(first.snapshot()));
      for (const e of stream.slice(cut)) out.push(...second.dispatch(structuredClone(e)));
      expect(out).toEqual(all);
      expect(JSON.stringify(second.snapshot())).toBe(JSON.stringify(straight.snapshot()));
    }
  });
});

describe('remembered ids as a queue', () => {
  type Op = ['set', string, number] | ['get', string] | ['delete', string] | ['forget', number] | readonly ['clear'];
  const DAY = 86_400_000;
  const at = fc.oneof(
    fc.integer({ min: -40, max: 40 }).map((d) => 1_780_000_000_000 + d * DAY),
    fc.integer({ min: 0, max: 5000 }).map((ms) => 1_780_000_000_000 + ms),
    fc.constantFrom(0, 1_780_000_000_000.5, 2 ** 31 + 0.25, -(2 ** 40)),
  );
  const id = fc.constantFrom('a', 'b', 'c', 'd', '__proto__');
  const op: fc.Arbitrary<Op> = fc.oneof(
    { weight: 5, arbitrary: fc.tuple(fc.constant('set' as const), id, at) },
    // A lookup that misses leaves its slot for the `set` after it (admit's order): any step between must forget it.
    { weight: 3, arbitrary: fc.tuple(fc.constant('get' as const), id) },
    { weight: 1, arbitrary: fc.tuple(fc.constant('delete' as const), id) },
    { weight: 2, arbitrary: fc.tuple(fc.constant('forget' as const), at) },
    { weight: 1, arbitrary: fc.constant(['clear'] as const) },
  );

  it('reads, iterates and forgets exactly like a plain Map (fast-check, fixed seed)', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 60 }), (ops) => {
        const ids = new RememberedIds();
        const model = new Map<string, number>();
        for (const o of ops) {
          if (o[0] === 'set') {
            ids.set(o[1], o[2]);
            model.set(o[1], o[2]);
          } else if (o[0] === 'get') {
            expect(ids.get(o[1])).toBe(model.get(o[1]));
          } else if (o[0] === 'delete') {
            ids.delete(o[1]);
            model.delete(o[1]);
          } else if (o[0] === 'clear') {
            ids.clear();
            model.clear();
          } else {
            forgetBefore(ids, o[1]);
            forgetBefore(model, o[1]);
          }
          expect([...ids]).toEqual([...model]);
        }
        expect([...ids.keys()]).toEqual([...model.keys()]);
        expect([...ids.values()]).toEqual([...model.values()]);
        expect([...ids.entries()]).toEqual([...model.entries()]);
        for (const k of ['a', 'b', 'c', 'd', '__proto__', 'e']) expect(ids.get(k)).toBe(model.get(k));
        const seen: [string, number][] = [];
        ids.forEach((v, k) => seen.push([k, v]));
        expect(seen).toEqual([...model]);
      }),
      { seed: SEED, numRuns: 500 },
    );
  });

  it('forgets from the front without keeping what it forgot: the places are compacted, the arrays stay small', () => {
    const ids = new RememberedIds();
    const model = new Map<string, number>();
    const t0 = 1_780_000_000_000;
    for (let i = 0; i < 20_000; i++) {
      for (const m of [ids, model]) {
        // As admit() does it: a lookup that misses, then the id set.
        if (m.get(`e${i}`) === undefined) m.set(`e${i}`, t0 + i * 1000);
        // A redelivery moves its id to the end, as admit() does it.
        if (i % 3 === 0 && m.delete(`e${i - 1}`)) m.set(`e${i - 1}`, t0 + i * 1000);
        forgetBefore(m, t0 + (i - 100) * 1000);
      }
    }
    expect([...ids]).toEqual([...model]);
    expect(ids.size).toBe(model.size);
    // The table rebuilt by each compaction finds every kept id at its new place, and none forgotten.
    for (let i = 0; i < 20_000; i++) expect(ids.get(`e${i}`)).toBe(model.get(`e${i}`));
    const inside = ids as unknown as { count: number; starts: Int32Array; slots: Int32Array };
    expect(inside.count).toBeLessThan(2 * 1024 + 200);
    expect(inside.starts.length).toBeLessThanOrEqual(4_096);
    expect(inside.slots.length).toBeLessThanOrEqual(4_096);
  });
});

describe('remembered ids iterated while they change', () => {
  type Step = ['next'] | ['set', string, number] | ['delete', string] | ['forget', number] | ['bulk', number] | ['clear'];
  const id = fc.constantFrom('a', 'b', 'c', 'd', '__proto__');
  const step: fc.Arbitrary<Step> = fc.oneof(
    { weight: 6, arbitrary: fc.constant(['next'] as Step) },
    { weight: 3, arbitrary: fc.tuple(fc.constant('set' as const), id, fc.integer({ min: 0, max: 5_000 })) },
    { weight: 1, arbitrary: fc.tuple(fc.constant('delete' as const), id) },
    { weight: 2, arbitrary: fc.tuple(fc.constant('forget' as const), fc.integer({ min: 0, max: 6_000 })) },
    // Enough ids to make a forgetting compact the places (more than 1,024 forgotten).
    { weight: 1, arbitrary: fc.tuple(fc.constant('bulk' as const), fc.integer({ min: 0, max: 3 })) },
    { weight: 1, arbitrary: fc.constant(['clear'] as Step) },
  );

  it('yields what a Map iterator yields through sets, deletes, forgetting, compaction and clears (fast-check, fixed seed)', () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 40 }), (steps) => {
        const ids = new RememberedIds();
        const model = new Map<string, number>();
        let bulk = 0;
        const both = (f: (m: Map<string, number>) => void) => {
          f(ids);
          f(model);
        };
        both((m) => {
          for (let i = 0; i < 3; i++) m.set(`s${i}`, 10 + i);
        });
        const a = ids.entries();
        const b = model.entries();
        const seenA: unknown[] = [];
        const seenB: unknown[] = [];
        for (const s of steps) {
          if (s[0] === 'next') {
            seenA.push(a.next().value);
            seenB.push(b.next().value);
          } else if (s[0] === 'set') both((m) => m.set(s[1], s[2]));
          else if (s[0] === 'delete') both((m) => m.delete(s[1]));
          else if (s[0] === 'forget') both((m) => forgetBefore(m, s[1]));
          else if (s[0] === 'clear') both((m) => m.clear());
          else {
            const n = bulk++;
            both((m) => {
              for (let i = 0; i < 1_500; i++) m.set(`b${n}-${i}`, s[1] * 1_000 + i);
            });
          }
        }
        seenA.push(...a);
        seenB.push(...b);
        expect(seenA).toEqual(seenB);
      }),
      { seed: SEED, numRuns: 300 },
    );
  });
});

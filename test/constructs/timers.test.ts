import { describe, expect, it } from 'vitest';
import { events, feed, ofType, runtime, type Raw } from './helpers.js';

/**
 * The timer heap under load (src/runtime/timers.ts; docs/runtime.md, "Memory"; issue 14,
 * item 7): more than 64 entries, most of them cancelled, so the heap compacts. Cancelled
 * entries never fire, live ones all fire in due order, ties in creation order.
 */

const BODY = `
ritual intro {
  starts on member.joined
  step hello: message.posted
  deadline 24h: remove member reason "no intro"
}`;

const base = Date.parse('2026-03-02T00:00:00+08:00');
const at = (minute: number) => new Date(base + minute * 60_000).toISOString();
const name = (i: number) => `m${String(i).padStart(3, '0')}`;

function joinAll(n: number) {
  const rt = runtime(BODY);
  const e = events();
  const list: Raw[] = [];
  for (let i = 0; i < n; i++) list.push(e.join(at(i), name(i)));
  feed(rt, list);
  return { rt, e, c: () => rt.community('c1')! };
}

describe('timer heap compaction', () => {
  it('one deadline per member: 100 members, 100 heap entries', () => {
    const { c } = joinAll(100);
    expect(c().timers.length).toBe(100);
    expect(c().timerIndex.size).toBe(100);
  });

  it('cancelled entries outnumbering live ones past 64 entries are dropped at the next insert', () => {
    const { rt, e, c } = joinAll(100);
    // 70 members introduce themselves: their deadlines are cancelled, the entries stay (lazily dropped).
    const intros: Raw[] = [];
    for (let i = 10; i < 80; i++) intros.push(e.msg(at(100 + i), name(i)));
    feed(rt, intros);
    expect(c().timerIndex.size).toBe(30);
    expect(c().timers.length).toBeGreaterThan(60); // not compacted by cancelling alone
    // The next timer set compacts the heap to the live timers.
    feed(rt, [e.join(at(300), 'late')]);
    expect(c().timerIndex.size).toBe(31);
    expect(c().timers.length).toBe(31);
    // Exactly the live deadlines fire, in due order.
    const removed = ofType(rt.advance('2026-03-05T00:00:00+08:00'), 'member.remove');
    const want = [...[0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map(name), ...Array.from({ length: 20 }, (_, k) => name(80 + k)), 'late'];
    expect(removed.map((a) => a.member)).toEqual(want);
    expect(removed.map((a) => Date.parse(a.at))).toEqual([...removed.map((a) => Date.parse(a.at))].sort((x, y) => x - y));
    expect(c().timers.length).toBe(0);
  });

  it('at 64 entries or fewer, cancelled entries wait until they reach the top', () => {
    const { rt, e, c } = joinAll(40);
    const intros: Raw[] = [];
    // The later 30 deadlines are cancelled (earlier ones would be dropped as soon as they reach the top).
    for (let i = 10; i < 40; i++) intros.push(e.msg(at(100 + i), name(i)));
    feed(rt, intros);
    feed(rt, [e.join(at(200), 'late')]); // 41 entries, 11 live: too small a heap to compact
    expect(c().timers.length).toBe(41);
    expect(c().timerIndex.size).toBe(11);
    // Firing pops the cancelled entries on its way to the live ones.
    const removed = ofType(rt.advance('2026-03-05T00:00:00+08:00'), 'member.remove');
    expect(removed.map((a) => a.member)).toEqual([...Array.from({ length: 10 }, (_, k) => name(k)), 'late']);
    expect(c().timers.length).toBe(0);
  });

  it('compaction keeps ties in creation order and drops a member re-armed under the same id', () => {
    const rt = runtime(BODY);
    const e = events();
    // 80 members join in the same minute (same due instant for all of them).
    const list: Raw[] = [];
    for (let i = 0; i < 80; i++) list.push(e.join(at(0), name(i)));
    feed(rt, list);
    // 50 leave (cancels), one of them rejoins: a new deadline with the same timer id.
    const leaves: Raw[] = [];
    for (let i = 0; i < 50; i++) leaves.push(e.leave(at(1), name(i)));
    leaves.push(e.join(at(2), name(7)));
    feed(rt, leaves);
    const c = rt.community('c1')!;
    expect(c.timerIndex.size).toBe(31);
    expect(c.timers.length).toBe(31); // compacted by the rejoin's insert (81 entries > 2 x 31)
    const removed = ofType(rt.advance('2026-03-05T00:00:00+08:00'), 'member.remove');
    expect(removed.map((a) => [a.member, a.at])).toEqual([
      ...Array.from({ length: 30 }, (_, k) => [name(50 + k), '2026-03-03T00:00:00+08:00']),
      [name(7), '2026-03-03T00:02:00+08:00'],
    ]);
  });

  it('a snapshot taken with cancelled entries in the heap resumes with the live timers only', async () => {
    const { rt, e } = joinAll(70);
    const intros: Raw[] = [];
    for (let i = 0; i < 60; i++) intros.push(e.msg(at(100 + i), name(i)));
    feed(rt, intros);
    const snap = rt.snapshot();
    expect(snap.communities[0]!.timers.map((t) => t.member)).toEqual(Array.from({ length: 10 }, (_, k) => name(60 + k)));
    const { createRuntime } = await import('../../src/runtime/runtime.js');
    const resumed = createRuntime(rt.ir, { snapshot: snap });
    expect(ofType(resumed.advance('2026-03-05T00:00:00+08:00'), 'member.remove').map((a) => a.member)).toEqual(
      ofType(rt.advance('2026-03-05T00:00:00+08:00'), 'member.remove').map((a) => a.member),
    );
  });
});

import { describe, expect, it } from 'vitest';
import { events, feed, ofType, runtime, texts } from './helpers.js';

/**
 * How an event admits its member: a repeated join without a name, another event carrying a
 * `role` field, a first event without a join, `remove member` without a reason, and the id
 * order of `remove members` over many members (docs/runtime.md, "Members"; issue 14, item 7).
 */

describe('a join without a name', () => {
  it('keeps the name an earlier join gave', () => {
    const rt = runtime(`rule hi { on message.posted do say "hi {member.name}" }`);
    const { join, msg } = events();
    const out = feed(rt, [
      join('2026-03-02T10:00:00+08:00', 'ann', { name: 'Ann' }),
      join('2026-03-02T11:00:00+08:00', 'ann'),
      msg('2026-03-02T11:01:00+08:00', 'ann'),
    ]);
    expect(rt.community('c1')!.members['ann']!.name).toBe('Ann');
    expect(texts(out)).toEqual(['hi Ann']);
  });
});

describe('roles come only from joins and role events', () => {
  it('a `role` field on another event grants nothing', () => {
    const rt = runtime(`roles kol
rule kol { on checkin.done when member has role kol do say "kol" }`);
    const { join, ev, checkin } = events();
    const out = feed(rt, [
      join('2026-03-02T10:00:00+08:00', 'ann'),
      ev('message.posted', '2026-03-02T10:01:00+08:00', 'ann', { messageId: 'm1', text: 'hi', role: 'kol' }),
      checkin('2026-03-02T10:02:00+08:00', 'ann'),
    ]);
    expect(rt.community('c1')!.members['ann']!.roles).toBeUndefined();
    expect(texts(out)).toEqual([]);
  });
});

describe('a member whose first event is not a join', () => {
  it('is created present by that event, joined at its time, and takes part', () => {
    const rt = runtime(`points { message.posted: +2 }`);
    const { msg } = events();
    const out = feed(rt, [msg('2026-03-02T10:00:00+08:00', 'ann')]);
    expect(ofType(out, 'points.award').map((a) => [a.member, a.amount, a.balance])).toEqual([['ann', 2, 2]]);
    const ann = rt.community('c1')!.members['ann']!;
    expect([ann.present, ann.points, ann.joinedAt]).toEqual([true, 2, Date.parse('2026-03-02T10:00:00+08:00')]);
  });
});

describe('remove member without a reason', () => {
  it('reports the removal with an empty reason', () => {
    const rt = runtime(`rule out { on rules.acknowledged do remove member }`);
    const { join, ev } = events();
    const out = feed(rt, [join('2026-03-02T10:00:00+08:00', 'ann'), ev('rules.acknowledged', '2026-03-02T10:01:00+08:00', 'ann')]);
    expect(ofType(out, 'member.remove').map((a) => [a.member, a.reason])).toEqual([['ann', '']]);
  });
});

describe('remove members over many members', () => {
  it('removes them in id order whatever order they joined in', () => {
    const rt = runtime(`
rule mark { on checkin.done do tag member "bad" }
rule sweep { on rules.acknowledged do remove members tagged "bad" }`);
    const { join, checkin, ev } = events();
    // 90 members joining in a scrambled order (37 is prime to 90): long enough for the sort to merge runs.
    const ids = Array.from({ length: 90 }, (_, i) => `m${String((i * 37) % 90).padStart(2, '0')}`);
    const list = ids.flatMap((id) => [join('2026-03-02T10:00:00+08:00', id), checkin('2026-03-02T10:01:00+08:00', id)]);
    feed(rt, list);
    const out = feed(rt, [join('2026-03-02T10:02:00+08:00', 'zed'), ev('rules.acknowledged', '2026-03-02T10:03:00+08:00', 'zed')]);
    expect(ofType(out, 'member.remove').map((a) => a.member)).toEqual([...ids].sort());
  });
});

describe('`silent members` in a schedule hook', () => {
  it('are those who did not attend this session, not an earlier one', () => {
    const rt = runtime(`
schedule discussion every day at 19:20 until 20:00 {
  at end: say to silent members "{member.id} 没有发言"
}`);
    const { join, msg } = events();
    const first = feed(rt, [join('2026-03-02T19:00:00+08:00', 'ann'), join('2026-03-02T19:00:00+08:00', 'bob'), msg('2026-03-02T19:30:00+08:00', 'ann')]);
    const day1 = [...first, ...rt.advance('2026-03-02T21:00:00+08:00')];
    expect(texts(day1)).toEqual(['bob 没有发言']);
    const second = feed(rt, [msg('2026-03-03T19:30:00+08:00', 'bob')]);
    const day2 = [...second, ...rt.advance('2026-03-03T21:00:00+08:00')];
    expect(texts(day2)).toEqual(['ann 没有发言']);
  });
});

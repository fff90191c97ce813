import { describe, expect, it } from 'vitest';
import { createRuntime } from '../../src/runtime/runtime.js';
import { events, feed, load, ofType, runtime, texts } from './helpers.js';

/**
 * `rule` (src/runtime/constructs/rules.ts; docs/language.md, "Rules"): which of a rule's `on`
 * events matched, `once per member` and `once per community`, and a stage rule in a community
 * that has no state for its campaign yet (issue 14, item 7).
 */

describe('rule triggers', () => {
  it('an event listed twice with different filters fires the rule once when both hold', () => {
    const rt = runtime(`rule r { on message.posted where text contains "a", message.posted where text contains "b" do say "hit" }`);
    const { msg } = events();
    expect(texts(feed(rt, [msg('2026-03-02T10:00:00+08:00', 'ann', 'ab')]))).toEqual(['hit']);
    expect(texts(feed(rt, [msg('2026-03-02T10:01:00+08:00', 'ann', 'b')]))).toEqual(['hit']);
    expect(texts(feed(rt, [msg('2026-03-02T10:02:00+08:00', 'ann', 'c')]))).toEqual([]);
  });

  it("each event is tested against its own filter only, not another event's", () => {
    const rt = runtime(`rule r { on message.posted, reaction.added where emoji == "x" do say "hit" }`);
    const { ev, msg } = events();
    const out = feed(rt, [
      ev('reaction.added', '2026-03-02T10:00:00+08:00', 'ann', { messageId: 'm1', emoji: 'y' }),
      ev('reaction.added', '2026-03-02T10:01:00+08:00', 'ann', { messageId: 'm1', emoji: 'x' }),
      msg('2026-03-02T10:02:00+08:00', 'ann'),
    ]);
    expect(out.filter((a) => a.type === 'message.send').length).toBe(2);
  });
});

describe('once', () => {
  it('`once per member` runs for each member once', () => {
    const rt = runtime(`rule first { on message.posted; once per member; do say "first {member.id}" }`);
    const { msg } = events();
    const out = feed(rt, [
      msg('2026-03-02T10:00:00+08:00', 'ann'),
      msg('2026-03-02T10:01:00+08:00', 'ann'),
      msg('2026-03-02T10:02:00+08:00', 'bob'),
      msg('2026-03-02T10:03:00+08:00', 'bob'),
      msg('2026-03-02T10:04:00+08:00', 'ann'),
    ]);
    expect(texts(out)).toEqual(['first ann', 'first bob']);
    expect(rt.community('c1')!.once).toEqual([]);
  });

  it('`once per community` runs once at all, and leaves other rules alone', () => {
    const rt = runtime(`rule first { on message.posted; once per community; do say "first {member.id}" }
rule every { on message.posted do say "every" }`);
    const { msg } = events();
    const out = feed(rt, [msg('2026-03-02T10:00:00+08:00', 'ann'), msg('2026-03-02T10:01:00+08:00', 'bob'), msg('2026-03-02T10:02:00+08:00', 'ann')]);
    expect(texts(out)).toEqual(['first ann', 'every', 'every', 'every']);
    expect(rt.community('c1')!.members['ann']!.once).toBeUndefined();
  });

  it('a rule without `once` runs every time and records nothing', () => {
    const rt = runtime(`rule every { on message.posted do say "every" }`);
    const { msg } = events();
    expect(texts(feed(rt, [msg('2026-03-02T10:00:00+08:00', 'ann'), msg('2026-03-02T10:01:00+08:00', 'ann')]))).toEqual(['every', 'every']);
    const c = rt.community('c1')!;
    expect([c.once, c.members['ann']!.once]).toEqual([[], undefined]);
  });

  it('`once per member` on an event without a member runs each time (an IR may declare such events)', () => {
    const ir = load(`event shop.opened { name: string }
rule opened { on shop.opened; once per member; do say "open {name}" }`);
    // The compiler makes every event member-level; the IR schema allows events without one.
    ir.events['shop.opened']!.memberLevel = false;
    const rt = createRuntime(ir);
    const { ev } = events();
    const out = feed(rt, [
      ev('shop.opened', '2026-03-02T10:00:00+08:00', undefined, { name: 'a' }),
      ev('shop.opened', '2026-03-02T10:01:00+08:00', undefined, { name: 'b' }),
    ]);
    expect(texts(out)).toEqual(['open a', 'open b']);
  });
});

describe('once, across a new version of the playbook', () => {
  it('a rule that lost its `once` runs again for the members and the community it ran for', () => {
    const first = runtime(`rule a { on message.posted; once per member; do say "a" }
rule b { on message.posted; once per community; do say "b" }`);
    const { msg } = events();
    expect(texts(feed(first, [msg('2026-03-02T10:00:00+08:00', 'ann')]))).toEqual(['a', 'b']);
    const snapshot = JSON.parse(JSON.stringify(first.snapshot()));
    const rt = createRuntime(
      load(`rule a { on message.posted do say "a" }
rule b { on message.posted do say "b" }`),
      { snapshot },
    );
    expect(texts(feed(rt, [msg('2026-03-02T10:01:00+08:00', 'ann')]))).toEqual(['a', 'b']);
  });
});

describe('stage rules', () => {
  it('a community resumed from before the playbook had the campaign runs no stage rule, and does not fail', () => {
    const before = runtime(`rule hi { on message.posted do say "hi" }`);
    const { msg } = events();
    feed(before, [msg('2026-03-03T08:00:00+08:00', 'ann')]);
    const snapshot = JSON.parse(JSON.stringify(before.snapshot()));
    const rt = createRuntime(
      load(`campaign spring {
  stage a from 2026-03-01 to 2026-03-31 {
    rule bonus { on message.posted do say "bonus" }
  }
}`),
      { snapshot },
    );
    expect(texts(feed(rt, [msg('2026-03-03T09:00:00+08:00', 'ann')]))).toEqual([]);
  });
});

describe('once per FIELD and cooldown (docs/language.md, "Rules")', () => {
  const body = [
    'rule reward { on order.paid once per orderId do award 10 points }',
    'rule answer { on message.posted cooldown 10m per community do say "见公告" }',
    'rule thanks { on message.posted cooldown 1h do award 1 points }',
  ].join('\n');
  const paid = (id: string, at: string, member: string, orderId: unknown) => ({ id, type: 'order.paid', at, community: 'c', member, amount: 1, orderId });

  it('keeps the order ids and the last firings across a snapshot', () => {
    const rt = runtime(body);
    const { join, msg } = events();
    feed(rt, [join('2026-03-02T08:00:00+08:00', 'ann'), paid('p1', '2026-03-02T09:00:00+08:00', 'ann', 'o1'), msg('2026-03-02T09:00:00+08:00', 'ann')]);
    const resumed = runtime(body, { snapshot: JSON.parse(JSON.stringify(rt.snapshot())) });
    const out = feed(resumed, [
      paid('p2', '2026-03-02T09:05:00+08:00', 'ann', 'o1'),
      msg('2026-03-02T09:05:00+08:00', 'ann'),
      paid('p3', '2026-03-02T09:06:00+08:00', 'ann', 'o2'),
    ]);
    expect(out.map((a) => `${a.type} ${String(a.amount ?? a.text)}`)).toEqual(['points.award 10']);
  });

  it('takes an order id named __proto__ or constructor as a key like any other', () => {
    const rt = runtime(body);
    const { join } = events();
    const out = feed(rt, [
      join('2026-03-02T08:00:00+08:00', 'ann'),
      paid('p1', '2026-03-02T09:00:00+08:00', 'ann', '__proto__'),
      paid('p2', '2026-03-02T09:01:00+08:00', 'ann', '__proto__'),
      paid('p3', '2026-03-02T09:02:00+08:00', 'ann', 'constructor'),
    ]);
    expect(ofType(out, 'points.award')).toHaveLength(2);
  });
});

describe('exclusive NAME (docs/language.md, "Rules")', () => {
  const body = [
    'rule a { on message.posted when text contains "x" exclusive mod priority 5 do say "a" }',
    'rule b { on message.posted when text contains "x" exclusive mod do say "b" }',
    'rule c { on message.posted when text contains "x" do say "c" }',
    'rule d { on message.posted when text contains "y" exclusive mod cooldown 1h do say "d" }',
    'rule e { on message.posted when text contains "y" exclusive mod do say "e" }',
  ].join('\n');

  it('runs only the first matching rule of a group, and rules outside it as usual', () => {
    const rt = runtime(body);
    const { join, msg } = events();
    expect(texts(feed(rt, [join('2026-03-02T08:00:00+08:00', 'ann'), msg('2026-03-02T09:00:00+08:00', 'ann', 'x')]))).toEqual(['a', 'c']);
  });

  it('lets the next rule of the group run when the first is held back by its cooldown', () => {
    const rt = runtime(body);
    const { join, msg } = events();
    feed(rt, [join('2026-03-02T08:00:00+08:00', 'ann')]);
    expect(texts(feed(rt, [msg('2026-03-02T09:00:00+08:00', 'ann', 'y')]))).toEqual(['d']);
    expect(texts(feed(rt, [msg('2026-03-02T09:01:00+08:00', 'ann', 'y')]))).toEqual(['e']);
  });
});

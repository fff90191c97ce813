import { describe, expect, it } from 'vitest';
import { createRuntime } from '../../src/runtime/runtime.js';
import { events, feed, load, ofType, runtime, texts } from '../constructs/helpers.js';

/**
 * Members (src/runtime/constructs/members.ts; docs/runtime.md, "Members"): an event without a
 * member, the join time of a member seen first or joining twice, an applicant, a removed member,
 * and the filters of `say to members …` over members who left. Written for the mutation run
 * (docs/testing.md, "Mutation testing").
 */

const at = (min: number) => `2026-03-02T10:${String(min).padStart(2, '0')}:00+08:00`;
const ms = (min: number) => Date.parse(at(min));

describe('admission', () => {
  it('an event without a member makes no member', () => {
    // The compiler makes every event member-level; the IR schema allows events without one.
    const ir = load('event shop.tick { n: number }\nrule r { on shop.tick do say "tick" }');
    ir.events['shop.tick']!.memberLevel = false;
    const rt = createRuntime(ir);
    const { ev } = events();
    expect(texts(feed(rt, [ev('shop.tick', at(0), undefined, { n: 1 })]))).toEqual(['tick']);
    expect(Object.keys(rt.community('c1')!.members)).toEqual([]);
  });

  it('a second join of a present member keeps the first join time', () => {
    const rt = runtime('rule r { on member.joined do say "hi" }');
    const { join } = events();
    feed(rt, [join(at(0), 'ann'), join(at(5), 'ann')]);
    const m = rt.community('c1')!.members['ann']!;
    expect(m.joinedAt).toBe(ms(0));
    expect(m.unjoined).toBeUndefined();
  });

  it('a member seen first through a message has no age until their join, then joined at it', () => {
    const rt = runtime('rule r { on member.joined do say "hi" }');
    const { join, msg } = events();
    feed(rt, [msg(at(0), 'ann')]);
    expect(rt.community('c1')!.members['ann']!.unjoined).toBe(true);
    feed(rt, [join(at(5), 'ann')]);
    const m = rt.community('c1')!.members['ann']!;
    expect(m.joinedAt).toBe(ms(5));
    expect(m.unjoined).toBeUndefined();
  });

  it('an applicant is not present until they join', () => {
    const rt = runtime('rule r { on member.join_requested do say "请稍候" }');
    const { ev } = events();
    feed(rt, [ev('member.join_requested', at(0), 'ann')]);
    expect(rt.community('c1')!.members['ann']!.present).toBe(false);
  });

  it('a removed member is gone and produces nothing more', () => {
    const rt = runtime('rule out { on message.posted when text contains "spam" do remove member }\nrule r { on message.posted do say "seen" }');
    const { join, msg } = events();
    const out = feed(rt, [join(at(0), 'ann'), msg(at(1), 'ann', 'spam'), msg(at(2), 'ann', 'hello')]);
    expect(ofType(out, 'member.remove')).toHaveLength(1);
    expect(texts(out)).toEqual(['seen']);
    const m = rt.community('c1')!.members['ann']!;
    expect([m.present, m.removed]).toEqual([false, true]);
  });
});

describe('say to members FILTER', () => {
  const body = [
    'segment vip where member has tag "vip"',
    'rule tagit { on message.posted when text contains "tag" do tag member "vip" }',
    'rule a { on message.posted when text == "all" do say to members "all {member.id}" }',
    'rule b { on message.posted when text == "seg" do say to members in vip "seg {member.id}" }',
    'rule c { on message.posted when text == "where" do say to members where member has tag "vip" "where {member.id}" }',
    'rule d { on message.posted when text == "unless" do say to members unless member has tag "vip" "unless {member.id}" }',
  ].join('\n');

  it('reaches the present members the filter selects, in id order', () => {
    const rt = runtime(body);
    const { join, leave, msg } = events();
    feed(rt, [
      join(at(0), 'cat'),
      join(at(0), 'bob'),
      join(at(0), 'ann'),
      join(at(0), 'dan'),
      msg(at(1), 'bob', 'tag'),
      msg(at(1), 'dan', 'tag'),
      leave(at(2), 'dan'),
    ]);
    const said = (text: string) => texts(feed(rt, [msg(at(3), 'ann', text)]));
    expect(said('all')).toEqual(['all ann', 'all bob', 'all cat']);
    expect(said('seg')).toEqual(['seg bob']);
    expect(said('where')).toEqual(['where bob']);
    expect(said('unless')).toEqual(['unless ann', 'unless cat']);
  });
});

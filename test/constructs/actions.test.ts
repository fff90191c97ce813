import { describe, expect, it } from 'vitest';
import { createRuntime } from '../../src/runtime/runtime.js';
import { events, feed, load, ofType, runtime, texts } from './helpers.js';

/**
 * The actions of docs/language.md ("Actions") as output actions (docs/embedding.md, section 8):
 * where each `say` goes, `mute`, `tag` and `untag`, `delete message`, `remove members` and
 * `award` (issue 14, item 7).
 */

const strip = (a: Record<string, unknown>) => {
  const { at: _at, community: _c, cause: _cause, ...rest } = a;
  return rest;
};

describe('say and notify: each destination is its own output action', () => {
  it('group, member, admins, channel and notify admins', () => {
    const rt = runtime(`rule all {
  on message.posted
  do {
    say "group {member.name}"
    say to member "dm {member.name}"
    say to admins "admins {text}"
    say to channel "ops" "channel {member.id}"
    notify admins "notify {member.points}"
  }
}`);
    const { join, msg } = events();
    const out = feed(rt, [join('2026-03-02T10:00:00+08:00', 'ann', { name: 'Ann' }), msg('2026-03-02T10:01:00+08:00', 'ann', 'hi')]);
    expect(out.map(strip)).toEqual([
      { type: 'message.send', text: 'group Ann', source: 'rule:all' },
      { type: 'message.send', member: 'ann', to: 'ann', text: 'dm Ann', source: 'rule:all' },
      { type: 'admin.notify', text: 'admins hi', source: 'rule:all' },
      { type: 'message.send', channel: 'ops', text: 'channel ann', source: 'rule:all' },
      { type: 'admin.notify', text: 'notify 0', source: 'rule:all' },
    ]);
  });

  it('say to members: one direct message per present member the filter selects, in id order, each filled for that member', () => {
    const rt = runtime(`
rule mark { on checkin.done do tag member "vip" }
rule rich { on order.paid do award 10 points }
rule shout {
  on rules.acknowledged
  do say to members tagged "vip" unless member.points > 5 "hi {member.name} {member.points}"
}`);
    const { join, ev, leave, checkin } = events();
    const out = feed(rt, [
      join('2026-03-02T10:00:00+08:00', 'cat', { name: 'Cat' }),
      join('2026-03-02T10:00:00+08:00', 'bob', { name: 'Bob' }),
      join('2026-03-02T10:00:00+08:00', 'ann', { name: 'Ann' }),
      join('2026-03-02T10:00:00+08:00', 'dan', { name: 'Dan' }),
      join('2026-03-02T10:00:00+08:00', 'eve', { name: 'Eve' }),
      checkin('2026-03-02T10:01:00+08:00', 'cat'),
      checkin('2026-03-02T10:01:00+08:00', 'ann'),
      checkin('2026-03-02T10:01:00+08:00', 'dan'),
      checkin('2026-03-02T10:01:00+08:00', 'eve'),
      ev('order.paid', '2026-03-02T10:02:00+08:00', 'dan', { orderId: 'o1', amount: 1 }),
      leave('2026-03-02T10:03:00+08:00', 'eve'),
      ev('rules.acknowledged', '2026-03-02T10:04:00+08:00', 'bob'),
    ]);
    // bob is not tagged, dan has too many points, eve left.
    expect(ofType(out, 'message.send').map(strip)).toEqual([
      { type: 'message.send', member: 'ann', to: 'ann', text: 'hi Ann 0', source: 'rule:shout' },
      { type: 'message.send', member: 'cat', to: 'cat', text: 'hi Cat 0', source: 'rule:shout' },
    ]);
  });

  it('say to members in a segment, where a condition holds', () => {
    const rt = runtime(`
segment talkers where count(message.posted) >= 2
rule shout { on rules.acknowledged do say to members in talkers where member.joinedDays >= 1 "hi {member.id}" }`);
    const { join, msg, ev } = events();
    const out = feed(rt, [
      join('2026-03-01T10:00:00+08:00', 'ann'),
      join('2026-03-01T10:00:00+08:00', 'bob'),
      join('2026-03-02T09:00:00+08:00', 'cat'),
      msg('2026-03-02T10:00:00+08:00', 'ann'),
      msg('2026-03-02T10:01:00+08:00', 'ann'),
      msg('2026-03-02T10:02:00+08:00', 'bob'),
      msg('2026-03-02T10:03:00+08:00', 'cat'),
      msg('2026-03-02T10:04:00+08:00', 'cat'),
      ev('rules.acknowledged', '2026-03-02T10:05:00+08:00', 'bob'),
    ]);
    // bob posted once; cat joined less than a day ago.
    expect(texts(out)).toEqual(['hi ann']);
  });
});

describe('mute member', () => {
  it('reports the duration, the end in local time and the reason when there is one', () => {
    const rt = runtime(`
rule a { on message.posted where text == "a" do mute member 10m reason "吵" }
rule b { on message.posted where text == "b" do mute member for 1d }`);
    const { join, msg } = events();
    const out = feed(rt, [
      join('2026-03-02T10:00:00+08:00', 'ann'),
      msg('2026-03-02T10:01:00+08:00', 'ann', 'a'),
      msg('2026-03-02T23:30:00+08:00', 'ann', 'b'),
    ]);
    expect(ofType(out, 'member.mute').map(strip)).toEqual([
      { type: 'member.mute', member: 'ann', duration: 'PT10M', until: '2026-03-02T10:11:00+08:00', reason: '吵', source: 'rule:a' },
      { type: 'member.mute', member: 'ann', duration: 'P1D', until: '2026-03-03T23:30:00+08:00', source: 'rule:b' },
    ]);
    expect(ofType(out, 'member.mute')[1]).not.toHaveProperty('reason');
  });
});

describe('tag and untag member', () => {
  const body = `
rule t { on message.posted where text == "tag" do tag member "vip" }
rule t2 { on message.posted where text == "tag2" do tag member "new" }
rule u { on message.posted where text == "untag" do untag member "vip" }
rule vip { on rules.acknowledged when member has tag "vip" do say "vip" }
rule nw { on rules.acknowledged when member has tag "new" do say "new" }`;

  it('a tag is kept once; untag takes only that tag away; an untag of a tag not held is reported too', () => {
    const rt = runtime(body);
    const { join, msg, ev } = events();
    const out = feed(rt, [
      join('2026-03-02T10:00:00+08:00', 'ann'),
      msg('2026-03-02T10:01:00+08:00', 'ann', 'untag'), // no tags yet
      msg('2026-03-02T10:02:00+08:00', 'ann', 'tag'),
      msg('2026-03-02T10:03:00+08:00', 'ann', 'tag'),
      msg('2026-03-02T10:04:00+08:00', 'ann', 'tag2'),
    ]);
    expect(out.filter((a) => a.type.startsWith('member.')).map((a) => [a.type, a.member, a.tag, a.source])).toEqual([
      ['member.untag', 'ann', 'vip', 'rule:u'],
      ['member.tag', 'ann', 'vip', 'rule:t'],
      ['member.tag', 'ann', 'vip', 'rule:t'],
      ['member.tag', 'ann', 'new', 'rule:t2'],
    ]);
    expect(rt.community('c1')!.members['ann']!.tags).toEqual(['vip', 'new']);
    expect(texts(feed(rt, [ev('rules.acknowledged', '2026-03-02T10:05:00+08:00', 'ann')]))).toEqual(['vip', 'new']);
    feed(rt, [msg('2026-03-02T10:06:00+08:00', 'ann', 'untag')]);
    expect(rt.community('c1')!.members['ann']!.tags).toEqual(['new']);
    expect(texts(feed(rt, [ev('rules.acknowledged', '2026-03-02T10:07:00+08:00', 'ann')]))).toEqual(['new']);
  });

  it('untagging the last tag leaves no tag list in the member state', () => {
    const rt = runtime(body);
    const { join, msg } = events();
    feed(rt, [join('2026-03-02T10:00:00+08:00', 'ann'), msg('2026-03-02T10:01:00+08:00', 'ann', 'tag'), msg('2026-03-02T10:02:00+08:00', 'ann', 'untag')]);
    expect(rt.community('c1')!.members['ann']!.tags).toBeUndefined();
    expect(JSON.parse(JSON.stringify(rt.snapshot().communities[0]!.members))['ann']).not.toHaveProperty('tags');
  });
});

describe('delete message', () => {
  it('deletes the message of the event, naming the member', () => {
    const rt = runtime(`rule d { on message.posted where text contains "广告" do delete message }`);
    const { join, msg } = events();
    const out = feed(rt, [
      join('2026-03-02T10:00:00+08:00', 'ann'),
      msg('2026-03-02T10:01:00+08:00', 'ann', '广告'),
      msg('2026-03-02T10:02:00+08:00', 'ann', 'ok'),
    ]);
    expect(ofType(out, 'message.delete')).toEqual([
      { at: '2026-03-02T10:01:00+08:00', type: 'message.delete', community: 'c1', member: 'ann', messageId: 'm2', cause: 'c1-2', source: 'rule:d' },
    ]);
  });
});

describe('remove members', () => {
  it('removes each present member the filter selects, with the reason, and they produce nothing more', () => {
    const rt = runtime(`
rule mark { on checkin.done do tag member "bad" }
rule sweep { on rules.acknowledged do remove members tagged "bad" reason "bye" }
rule echo { on message.posted do say "echo {member.id}" }`);
    const { join, checkin, ev, msg } = events();
    const out = feed(rt, [
      join('2026-03-02T10:00:00+08:00', 'bob'),
      join('2026-03-02T10:00:00+08:00', 'ann'),
      join('2026-03-02T10:00:00+08:00', 'cat'),
      checkin('2026-03-02T10:01:00+08:00', 'bob'),
      checkin('2026-03-02T10:01:00+08:00', 'ann'),
      ev('rules.acknowledged', '2026-03-02T10:02:00+08:00', 'cat'),
    ]);
    expect(ofType(out, 'member.remove').map((a) => [a.member, a.reason, a.source])).toEqual([
      ['ann', 'bye', 'rule:sweep'],
      ['bob', 'bye', 'rule:sweep'],
    ]);
    const after = feed(rt, [msg('2026-03-02T10:03:00+08:00', 'ann'), msg('2026-03-02T10:03:00+08:00', 'bob'), msg('2026-03-02T10:03:00+08:00', 'cat')]);
    expect(texts(after)).toEqual(['echo cat']);
  });
});

describe('remove member, warn member and award', () => {
  it('remove member reports the removal and the member produces nothing more; warn adds a warning on the ladder', () => {
    const rt = runtime(`
ladder l { 1: say "step {count}" }
rule w { on checkin.done do warn member "r" on ladder l }
rule out { on rules.acknowledged do remove member reason "bye" }
rule echo { on message.posted do say "echo" }`);
    const { join, checkin, ev, msg } = events();
    const out = feed(rt, [
      join('2026-03-02T10:00:00+08:00', 'ann'),
      checkin('2026-03-02T10:01:00+08:00', 'ann'),
      ev('rules.acknowledged', '2026-03-02T10:02:00+08:00', 'ann'),
      msg('2026-03-02T10:03:00+08:00', 'ann'),
    ]);
    expect(out.map((a) => [a.type, a.member, a.text ?? a.reason])).toEqual([
      ['member.warn', 'ann', 'r'],
      ['message.send', undefined, 'step 1'],
      ['member.remove', 'ann', 'bye'],
    ]);
  });

  it('award: multiplied by a running stage unless unmultiplied; without a reason, the reason is the source', () => {
    const rt = runtime(`
campaign c { stage s from 2026-03-01 to 2026-03-31 { points x4 } }
rule a { on checkin.done do award 3 points }
rule b { on checkin.done do award 3 points reason "plain" unmultiplied }`);
    const { join, checkin } = events();
    const out = feed(rt, [join('2026-03-02T10:00:00+08:00', 'ann'), checkin('2026-03-02T10:01:00+08:00', 'ann')]);
    expect(ofType(out, 'points.award').map((a) => [a.amount, a.balance, a.reason, a.source])).toEqual([
      [12, 12, 'rule:a', 'rule:a'],
      [3, 15, 'plain', 'rule:b'],
    ]);
  });
});

describe('delete message where there is no message (a hand-written IR)', () => {
  it('an event without a messageId, or a job with no event, deletes nothing', () => {
    const ir = load(`
rule r { on checkin.done do say "checked" }
job j every day at 09:00 { say "job" }`);
    ir.rules[0]!.actions.unshift({ do: 'deleteMessage' } as (typeof ir.rules)[number]['actions'][number]);
    ir.jobs[0]!.actions.unshift({ do: 'deleteMessage' } as (typeof ir.jobs)[number]['actions'][number]);
    const rt = createRuntime(ir);
    const { checkin } = events();
    const out = [...feed(rt, [checkin('2026-03-02T08:00:00+08:00', 'ann')]), ...rt.advance('2026-03-02T09:00:00+08:00')];
    expect(out.map((a) => [a.type, a.text])).toEqual([
      ['message.send', 'checked'],
      ['message.send', 'job'],
    ]);
  });
});

describe('member actions in an IR whose event may come without a member', () => {
  // A hand-written IR may declare an event that is not about a member (memberLevel false); the
  // compiler never produces one, but the runtime takes any valid IR and must not crash.
  it('say to member, tag, untag, mute, warn, award and remove do nothing; group actions still run', () => {
    const ir = load(`
event ping { note: string }
ladder l { 1: say "warned" }
rule r {
  on ping
  do {
    say to member "dm"
    tag member "x"
    untag member "x"
    mute member 10m
    warn member on ladder l
    award 5 points
    remove member
    say "group {note}"
  }
}`);
    ir.events['ping']!.memberLevel = false;
    const rt = createRuntime(ir);
    const out = rt.dispatch({ id: 'e1', type: 'ping', at: '2026-03-02T10:00:00+08:00', community: 'c1', note: 'n' });
    expect(out.map(strip)).toEqual([{ type: 'message.send', text: 'group n', source: 'rule:r' }]);
  });

  it('delete message without a member still deletes the message, without a member field', () => {
    const ir = load(`
event flagged { messageId: string }
rule r { on flagged do delete message }`);
    ir.events['flagged']!.memberLevel = false;
    const rt = createRuntime(ir);
    const out = rt.dispatch({ id: 'e1', type: 'flagged', at: '2026-03-02T10:00:00+08:00', community: 'c1', messageId: 'mm' });
    expect(out).toEqual([{ at: '2026-03-02T10:00:00+08:00', type: 'message.delete', community: 'c1', messageId: 'mm', cause: 'e1', source: 'rule:r' }]);
  });
});

describe('actions after remove member (docs/runtime.md, "Rules, windows, ladders")', () => {
  const body = [
    'rule ads {',
    '  on message.posted',
    '  when text contains "加微信"',
    '  do remove member reason "广告"; say "{member.name} 已被移出"; notify admins "移出 {member.name}"; delete message; say to member "再见"; tag member "x"; award 5 points',
    '}',
    'rule later {',
    '  on message.posted',
    '  priority -1',
    '  do say "收到"; say to member "私信"; mute member 10m',
    '}',
  ].join('\n');

  it('drops what is aimed at the removed member and runs the rest, in this rule and the rules after it', () => {
    const rt = runtime(body);
    const { join, msg } = events();
    const out = feed(rt, [join('2026-03-02T08:00:00+08:00', 'ann'), msg('2026-03-02T09:00:00+08:00', 'ann', '加微信')]);
    expect(out.map((a) => `${a.type}${a.to ? ` to ${String(a.to)}` : ''}${a.text ? ` ${String(a.text)}` : ''}`)).toEqual([
      'member.remove',
      'message.send ann 已被移出',
      'admin.notify 移出 ann',
      'message.delete',
      'message.send 收到',
    ]);
  });

  it('runs everything for a member who stays', () => {
    const rt = runtime(body);
    const { join, msg } = events();
    const out = feed(rt, [join('2026-03-02T08:00:00+08:00', 'bob'), msg('2026-03-02T09:00:00+08:00', 'bob', '你好')]);
    expect(out.map((a) => a.type)).toEqual(['message.send', 'message.send', 'member.mute']);
  });
});

describe('tag members and untag members (docs/language.md, "Actions")', () => {
  const body = [
    'segment active where count(message.posted within 7d) >= 2',
    'rule tagit { on checkin.done do tag member "本周打卡" }',
    'every sun at 20:00 { untag members "本周打卡"; tag members in active unless member has role admin "活跃{member.name}" }',
  ].join('\n');

  it('changes every matching member at once, reporting only those whose tags change', () => {
    const rt = runtime(body);
    const { join, msg, checkin } = events();
    feed(rt, [
      join('2026-03-02T08:00:00+08:00', 'ann'),
      join('2026-03-02T08:00:00+08:00', 'bob'),
      join('2026-03-02T08:00:00+08:00', 'cat'),
      checkin('2026-03-08T09:00:00+08:00', 'ann'),
      msg('2026-03-08T09:00:00+08:00', 'bob'),
      msg('2026-03-08T09:01:00+08:00', 'bob'),
    ]);
    const out = rt.advance('2026-03-08T20:00:00+08:00');
    expect(out.map((a) => `${a.type} ${String(a.member)} ${String(a.tag)}`)).toEqual(['member.untag ann 本周打卡', 'member.tag bob 活跃bob']);
    // A second run changes nothing, so reports nothing.
    expect(rt.advance('2026-03-15T20:00:00+08:00').map((a) => a.type)).toEqual([]);
  });
});

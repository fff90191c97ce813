import { describe, expect, it } from 'vitest';
import type { Action } from '../../src/ir/schema.js';
import { createRuntime } from '../../src/runtime/runtime.js';
import { events, feed, load, ofType, runtime } from '../constructs/helpers.js';

/**
 * The member actions of src/runtime/actions/ at their edges: a member-level action in an IR
 * whose event comes without a member (the compiler never writes one, but the runtime takes any
 * valid IR and must not crash), a reason left out, computed amounts with no finite value, and a
 * lottery winner removed by the winner before. Written for the mutation run (docs/testing.md).
 */

const at = (minute: number) => `2026-03-02T10:${String(minute).padStart(2, '0')}:00+08:00`;

describe('member actions when the event has no member (a hand-written IR)', () => {
  it('ban, grant and revoke role, unmute, award badge and forgive do nothing; group actions still run', () => {
    const ir = load(`roles vip
event ping { note: string }
badge star: say "star {member.id}"
ladder l { 1: say "warned" }
rule r {
  on ping
  do {
    forgive member on ladder l
    ban member for 1d reason "x"
    grant role vip to member
    revoke role vip from member
    unmute member
    award badge star
    say "group {note}"
  }
}`);
    ir.events['ping']!.memberLevel = false;
    const rt = createRuntime(ir);
    const out = rt.dispatch({ id: 'e1', type: 'ping', at: at(0), community: 'c1', note: 'n' });
    expect(out.map((a) => [a.type, a.text])).toEqual([['message.send', 'group n']]);
  });

  it('approve and reject member do nothing without a member', () => {
    const ir = load(`rule a { on member.join_requested do approve member; reject member reason "no"; say "asked" }`);
    ir.events['member.join_requested']!.memberLevel = false;
    const rt = createRuntime(ir);
    const out = rt.dispatch({ id: 'e1', type: 'member.join_requested', at: at(0), community: 'c1' });
    expect(out.map((a) => [a.type, a.text])).toEqual([['message.send', 'asked']]);
  });
});

describe('award badge of a badge the IR does not have (a hand-written IR)', () => {
  it('grants nothing and runs the rest', () => {
    const ir = load(`badge star: say "star {member.id}"
rule r { on checkin.done do award badge star; say "done" }`);
    const actions = ir.rules[0]!.actions as Action[];
    actions.unshift({ do: 'awardBadge', badge: 'ghost' } as Action);
    const rt = createRuntime(ir);
    const { join, checkin } = events();
    const out = feed(rt, [join(at(0), 'ann'), checkin(at(1), 'ann')]);
    expect(out.map((a) => [a.type, a.badge ?? a.text])).toEqual([
      ['badge.granted', 'star'],
      ['message.send', 'star ann'],
      ['message.send', 'done'],
    ]);
  });
});

describe('a removal reason is a template', () => {
  it('remove member and remove members fill in the placeholders of their reasons', () => {
    const rt = runtime(`rule out { on message.posted when text contains "spam" do remove member reason "spam by {member.name}" }
rule sweep { on rules.acknowledged do remove members tagged "bad" reason "bye {member.name}" }
rule mark { on checkin.done do tag member "bad" }`);
    const { join, msg, ev, checkin } = events();
    feed(rt, [join(at(0), 'ann'), join(at(0), 'bob'), checkin(at(1), 'bob')]);
    const out = feed(rt, [msg(at(2), 'ann', 'spam'), ev('rules.acknowledged', at(3), 'bob', {})]);
    expect(out.filter((a) => a.type === 'member.remove').map((a) => [a.member, a.reason])).toEqual([
      ['ann', 'spam by ann'],
      ['bob', 'bye bob'],
    ]);
  });
});

describe('reject member without a reason', () => {
  it('has no reason field at all, where one with a reason has it', () => {
    const rt = runtime(`rule r { on member.join_requested when answers == "no" do reject member }
rule s { on member.join_requested when answers == "bad" do reject member reason "bad {answers}" }`);
    const { ev } = events();
    const out = feed(rt, [ev('member.join_requested', at(0), 'x', { answers: 'no' }), ev('member.join_requested', at(1), 'y', { answers: 'bad' })]);
    expect(out.map((a) => a.type)).toEqual(['join.reject', 'join.reject']);
    expect(Object.keys(out[0]!)).not.toContain('reason');
    expect(out[1]!.reason).toBe('bad bad');
  });
});

describe('computed amounts with no finite value', () => {
  // A balance stays finite (docs/runtime.md, "Points"): awards that would overflow it are not made.
  const body = `endpoint crm { url "https://crm.example.com/hook" }
rule a { on order.paid do award amount points }
rule b { on checkin.done do award member.points points reason "again"; call crm with p: member.points, n: member.name, q: kind, s: sum(amount of order.paid) }`;

  it('an award past the finite numbers is not made; a webhook sends null for a missing value', () => {
    const rt = runtime(body);
    const { join, ev, checkin } = events();
    feed(rt, [
      join(at(0), 'ann'),
      ev('order.paid', at(1), 'ann', { orderId: 'o1', amount: 1e308 }),
      ev('order.paid', at(2), 'ann', { orderId: 'o2', amount: 1e308 }),
    ]);
    expect(rt.community('c1')!.members['ann']!.points).toBe(1e308);
    const out = feed(rt, [checkin(at(3), 'ann')]);
    expect(out.map((a) => a.type)).toEqual(['webhook.call']);
    // The sum of the two amounts is infinite: a webhook sends null for it, as for a missing value.
    expect({ ...(out[0]!.body as object) }).toStrictEqual({ p: 1e308, n: 'ann', q: null, s: null });
  });

  it('award of a computed amount from a missing field awards nothing', () => {
    const rt = runtime(`event bonus.given { amount?: number }
rule a { on bonus.given do award amount / 10 points; say "after" }`);
    const { join, ev } = events();
    const out = feed(rt, [join(at(0), 'ann'), ev('bonus.given', at(1), 'ann', {}), ev('bonus.given', at(2), 'ann', { amount: 25 })]);
    expect(out.map((a) => [a.type, a.amount ?? a.text])).toEqual([
      ['message.send', 'after'],
      ['points.award', 3],
      ['message.send', 'after'],
    ]);
  });
});

describe('webhook bodies', () => {
  it('copy a list value, and call from a job (no member) without a member field', () => {
    const rt = runtime(`endpoint crm { url "https://crm.example.com/hook" }
rule r { on message.posted do call crm with mentions, text }
job j every day at 11:00 { call crm with n: 1 }`);
    const { join, ev } = events();
    const mentions = ['bob', 'cat'];
    const out = feed(rt, [join(at(0), 'ann'), ev('message.posted', at(1), 'ann', { messageId: 'm1', text: 'hi', mentions })]);
    expect(ofType(out, 'webhook.call').map((a) => ({ ...(a.body as object) }))).toStrictEqual([{ mentions: ['bob', 'cat'], text: 'hi' }]);
    const body = out[0]!.body as { mentions: string[] };
    body.mentions.push('dan');
    expect(mentions).toEqual(['bob', 'cat']);
    const job = rt.advance('2026-03-02T11:00:00+08:00');
    expect(job.map((a) => [a.type, { ...(a.body as object) }])).toStrictEqual([['webhook.call', { n: 1 }]]);
    expect(Object.keys(job[0]!)).not.toContain('member');
  });
});

describe('a lottery winner removed by an earlier winner’s actions', () => {
  it('gets no actions of their own', () => {
    const rt = runtime(`rule d {
  on rules.acknowledged
  do draw 2 members tagged "in" as 抽: say "won {member.id} {rank}"; remove members tagged "in"
}
rule t { on checkin.done do tag member "in" }`);
    const { join, checkin, ev } = events();
    const out = feed(rt, [join(at(0), 'ann'), join(at(0), 'bob'), checkin(at(1), 'ann'), checkin(at(1), 'bob'), ev('rules.acknowledged', at(2), 'cat')]);
    const drawn = ofType(out, 'lottery.drawn');
    expect(drawn).toHaveLength(1);
    const winners = drawn[0]!.winners as string[];
    expect([...winners].sort()).toEqual(['ann', 'bob']);
    expect(ofType(out, 'message.send').map((a) => a.text)).toEqual([`won ${winners[0]!} 1`]);
    expect(ofType(out, 'member.remove').map((a) => a.member)).toEqual(['ann', 'bob']);
  });

  it('a draw of a lottery the IR does not have does nothing (a hand-written IR)', () => {
    const ir = load(`rule d { on checkin.done do say "before" }`);
    (ir.rules[0]!.actions as Action[]).push({ do: 'draw', lottery: 'ghost' } as Action, { do: 'notify', text: 'after' } as Action);
    const rt = createRuntime(ir);
    const { join, checkin } = events();
    const out = feed(rt, [join(at(0), 'ann'), checkin(at(1), 'ann')]);
    expect(out.map((a) => [a.type, a.text])).toEqual([
      ['message.send', 'before'],
      ['admin.notify', 'after'],
    ]);
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createRuntime, type OutputAction } from '../../src/runtime/runtime.js';
import { events, feed, load, ofType, runtime, texts } from './helpers.js';

/**
 * Targets (docs/language.md, "Targets"; issue 16, item 1): actions aimed at another member than
 * the event's, named by an event field (`author`, `invitee`) or `inviter`.
 */

const at = (minute: number) => `2026-03-02T10:${String(minute).padStart(2, '0')}:00+08:00`;

describe('field targets', () => {
  it('acts on the author, carries them in `member`, and keeps `member` the event’s in texts', () => {
    const rt = runtime(`
ladder reported { 1: say to member "{member.name},你的消息被举报" }
rule r {
  on message.reported
  do warn author "被 {member.name} 举报" on ladder reported; say to author "{author.name} 被 {member.name} 举报"; tag author "被举报"
}`);
    const { ev, join } = events();
    const out = feed(rt, [
      join(at(0), 'spam', { name: 'Spam' }),
      join(at(0), 'rep', { name: 'Rep' }),
      ev('message.reported', at(1), 'rep', { messageId: 'm1', author: 'spam' }),
    ]);
    expect(out.map((a) => [a.type, a.member])).toEqual([
      ['member.warn', 'spam'],
      ['message.send', 'spam'],
      ['message.send', 'spam'],
      ['member.tag', 'spam'],
    ]);
    expect(ofType(out, 'member.warn')[0]!.reason).toBe('被 Rep 举报');
    // The ladder step runs for the warned member; the rule's own text reads the event's member.
    expect(texts(out)).toEqual(['Spam,你的消息被举报', 'Spam 被 Rep 举报']);
    expect(ofType(out, 'message.send').map((a) => a.to)).toEqual(['spam', 'spam']);
  });

  it('attributes a deleted, pinned or replied message to its author, not the reporter', () => {
    const rt = runtime(`rule r { on message.reported do delete message }
rule l { on reaction.added do pin message; reply "👍" }`);
    const { ev } = events();
    const out = feed(rt, [
      ev('message.reported', at(1), 'rep', { messageId: 'm1', author: 'spam' }),
      ev('reaction.added', at(2), 'fan', { messageId: 'm2', emoji: '👍', author: 'star' }),
    ]);
    expect(out.map((a) => [a.type, a.member, a.messageId])).toEqual([
      ['message.delete', 'spam', 'm1'],
      ['message.pin', 'star', 'm2'],
      ['message.reply', 'star', 'm2'],
    ]);
  });

  it('skips the action when the event has no such field, or the target left or was removed', () => {
    const rt = runtime(`rule like { on reaction.added do award 1 points to author }
rule kick { on message.posted when text == "踢" do remove member; award 1 points to author }
event message.posted { author?: string }`);
    const { ev, join, leave } = events();
    const out = feed(rt, [
      join(at(0), 'a'),
      join(at(0), 'b'),
      ev('reaction.added', at(1), 'b', { messageId: 'm1', emoji: '👍' }),
      leave(at(2), 'a'),
      ev('reaction.added', at(3), 'b', { messageId: 'm1', emoji: '👍', author: 'a' }),
      // The event's member is removed first; the target is another member, who still gets the points.
      ev('message.posted', at(4), 'b', { messageId: 'm2', text: '踢', author: 'c' }),
      // Removed earlier in the same event: the target is the removed member themself.
      join(at(5), 'd'),
      ev('message.posted', at(6), 'd', { messageId: 'm3', text: '踢', author: 'd' }),
    ]);
    expect(out.map((a) => [a.type, a.member])).toEqual([
      ['member.remove', 'b'],
      ['points.award', 'c'],
      ['member.remove', 'd'],
    ]);
  });

  it('creates a never-seen target without join semantics (no ritual, no on member.joined)', () => {
    const rt = runtime(`ritual intro {
  starts on member.joined
  step hi "介绍": message.posted
  deadline 1h: remove member reason "未介绍"
}
rule hello { on member.joined do say "欢迎" }
rule like { on reaction.added do award 1 points to author }`);
    const { ev } = events();
    const out = feed(rt, [
      ev('reaction.added', at(1), 'b', { messageId: 'm1', emoji: '👍', author: 'old' }),
      ev('message.posted', at(0), 'b', { messageId: 'x', text: 'late' }),
    ]);
    rt.advance('2026-03-02T13:00:00+08:00');
    expect(out.map((a) => [a.type, a.member])).toEqual([['points.award', 'old']]);
    const snap = rt.snapshot();
    expect(snap.communities[0]!.members['old']).toMatchObject({ present: true, unjoined: true, points: 1 });
  });
});

describe('inviter', () => {
  const SOURCE = `rule pay { on order.paid do award amount / 10 points to inviter reason "{member.name} 的订单" unmultiplied }
rule hi { on member.joined do say to inviter "你邀请的 {member.name} 入群了 ({inviter.name} 收)" }`;

  it('is the invitedBy of the join, or the member of an earlier invite.accepted; the first one stays', () => {
    const rt = runtime(SOURCE);
    const { ev, join, leave } = events();
    const out = feed(rt, [
      join(at(0), 'kol', { name: 'KOL' }),
      join(at(0), 'k2', { name: 'K2' }),
      ev('invite.accepted', at(1), 'kol', { invitee: 'bob' }),
      join(at(2), 'bob', { name: 'Bob', invitedBy: 'k2' }),
      ev('order.paid', at(3), 'bob', { orderId: 'o1', amount: 255 }),
      leave(at(4), 'bob'),
      ev('invite.accepted', at(5), 'k2', { invitee: 'bob' }),
      join(at(6), 'bob', { invitedBy: 'k2' }),
      ev('order.paid', at(7), 'bob', { orderId: 'o2', amount: 50 }),
    ]);
    expect(out.map((a) => [a.type, a.member, a.amount ?? a.text])).toEqual([
      ['message.send', 'kol', '你邀请的 Bob 入群了 (KOL 收)'],
      ['points.award', 'kol', 26],
      ['message.send', 'kol', '你邀请的 Bob 入群了 (KOL 收)'],
      ['points.award', 'kol', 5],
    ]);
    expect(ofType(out, 'points.award')[0]!.reason).toBe('Bob 的订单');
  });

  it('is no one for a member nobody invited, or who invited themself', () => {
    const rt = runtime(SOURCE);
    const { ev, join } = events();
    const out = feed(rt, [
      join(at(0), 'a', { invitedBy: 'a' }),
      ev('order.paid', at(1), 'a', { orderId: 'o', amount: 100 }),
      join(at(2), 'b'),
      ev('order.paid', at(3), 'b', { orderId: 'p', amount: 100 }),
    ]);
    expect(out).toEqual([]);
  });

  it('survives a snapshot, also while the invitee has not joined yet', () => {
    const ir = load(SOURCE);
    const { ev, join } = events();
    const list = [
      join(at(0), 'kol'),
      ev('invite.accepted', at(1), 'kol', { invitee: 'bob' }),
      join(at(2), 'bob'),
      ev('order.paid', at(3), 'bob', { orderId: 'o', amount: 100 }),
    ];
    const whole = feed(createRuntime(ir), list);
    for (let cut = 0; cut <= list.length; cut++) {
      const first = createRuntime(ir);
      const a = feed(first, list.slice(0, cut));
      const second = createRuntime(ir, { snapshot: JSON.parse(JSON.stringify(first.snapshot())) });
      expect([...a, ...feed(second, list.slice(cut))]).toEqual(whole);
    }
    expect(ofType(whole, 'points.award').map((a) => a.member)).toEqual(['kol']);
  });
});

describe('actions about other members never touch a third member', () => {
  const ir = load(`
ladder reports { 1: say to member "被举报"; 2: mute member 1h; 3: ban member reason "屡次被举报" }
rule report { on message.reported do warn author on ladder reports; deduct 1 points from author }
rule like { on reaction.added do award 1 points to author; tag author "获赞"; grant role vip to author }
roles vip`);
  const people = ['a', 'b', 'c', 'd', '__proto__', 'constructor'];

  it('each action of a targeted rule is about the event’s author (fast-check, fixed seed)', () => {
    const step = fc.record({
      type: fc.constantFrom('message.reported', 'reaction.added', 'member.joined'),
      member: fc.constantFrom(...people),
      author: fc.constantFrom(...people),
    });
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 40 }), (steps) => {
        const rt = createRuntime(ir);
        const byId = new Map<string, { member: string; author: string; type: string }>();
        const out: OutputAction[] = [];
        steps.forEach((s, i) => {
          const id = `e${i}`;
          byId.set(id, s);
          const payload =
            s.type === 'member.joined'
              ? {}
              : s.type === 'reaction.added'
                ? { messageId: `m${i}`, emoji: '👍', author: s.author }
                : { messageId: `m${i}`, author: s.author };
          out.push(
            ...rt.dispatch({ id, type: s.type, at: `2026-03-02T10:00:${String(i).padStart(2, '0')}+08:00`, community: 'c', member: s.member, ...payload }),
          );
        });
        for (const a of out) {
          const cause = byId.get(a.cause as string)!;
          if (cause.type === 'member.joined') continue;
          expect(a.member).toBe(cause.author);
        }
      }),
      { seed: 20261207, numRuns: 200 },
    );
  });
});

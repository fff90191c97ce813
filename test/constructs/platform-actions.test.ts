import { describe, expect, it } from 'vitest';
import { compile } from '../../src/compiler/compile.js';
import { events, feed, load, ofType, runtime } from './helpers.js';

/**
 * The platform actions (docs/language.md, "Platform actions" and "Webhooks"; issue 16, item 2):
 * what each emits, and what the runtime's own state makes of it.
 */

const at = (minute: number) => `2026-03-02T10:${String(minute).padStart(2, '0')}:00+08:00`;

describe('roles', () => {
  it('grants and revokes at once (the next event sees it; rules of the same event read the state before it), and reports only changes', () => {
    const rt = runtime(`roles vip
rule up { on order.paid do grant role vip to member }
rule seen { on order.paid when member has role vip do say "vip {member.name}" }
rule down { on message.posted when text == "降级" do revoke role vip from member }`);
    const { ev, join, msg } = events();
    const out = feed(rt, [
      join(at(0), 'a', { name: 'A' }),
      ev('order.paid', at(1), 'a', { orderId: 'o1', amount: 1 }),
      ev('order.paid', at(2), 'a', { orderId: 'o2', amount: 1 }),
      msg(at(3), 'a', '降级'),
      msg(at(4), 'a', '降级'),
    ]);
    expect(out.map((a) => [a.type, a.role ?? a.text])).toEqual([
      ['role.grant', 'vip'],
      ['message.send', 'vip A'],
      ['role.revoke', 'vip'],
    ]);
  });
});

describe('ban', () => {
  it('timed: duration and until; the member is gone, their timers cancelled, later actions dropped', () => {
    const rt = runtime(`ritual intro {
  starts on member.joined
  step hi "介绍": message.posted where text == "我是"
  deadline 1h: say "超时 {member.name}"
}
rule b { on message.posted when text == "广告" do ban member for 7d reason "广告"; say to member "已封禁"; say "{member.name} 被封禁" }`);
    const { join, msg } = events();
    const out = feed(rt, [join(at(0), 'a', { name: 'A' }), msg(at(1), 'a', '广告'), msg(at(2), 'a', '又来')]);
    rt.advance('2026-03-02T12:00:00+08:00');
    expect(out.map((a) => a.type)).toEqual(['member.ban', 'message.send']);
    expect(out[0]).toMatchObject({ member: 'a', reason: '广告', duration: 'P7D', until: '2026-03-09T10:01:00+08:00' });
    expect(out[1]).toMatchObject({ text: 'A 被封禁' });
    expect(out[1]!.to).toBeUndefined();
  });

  it('for good: no duration, no until; the member may join again and start fresh', () => {
    const rt = runtime(`rule b { on message.posted do ban member }
rule hi { on member.joined do say "欢迎" }`);
    const { join, msg } = events();
    const out = feed(rt, [join(at(0), 'a'), msg(at(1), 'a'), join(at(2), 'a')]);
    expect(out.map((a) => a.type)).toEqual(['message.send', 'member.ban', 'message.send']);
    expect(out[1]).toEqual(expect.objectContaining({ reason: '' }));
    expect(Object.keys(out[1]!)).not.toContain('until');
  });
});

describe('join requests, unmute, pin, reply', () => {
  it('approve, reject with and without a reason, unmute', () => {
    const rt = runtime(`rule a { on member.join_requested when answers contains "ok" do approve member }
rule r { on member.join_requested unless answers contains "ok" do reject member reason "{answers} 不行" }
rule u { on message.posted do unmute member }`);
    const { ev, msg } = events();
    const out = feed(rt, [
      ev('member.join_requested', at(0), 'x', { answers: 'ok!' }),
      ev('member.join_requested', at(1), 'y', { answers: 'no' }),
      msg(at(2), 'z'),
    ]);
    expect(out.map((a) => [a.type, a.member, a.reason])).toEqual([
      ['join.approve', 'x', undefined],
      ['join.reject', 'y', 'no 不行'],
      ['member.unmute', 'z', undefined],
    ]);
  });

  it('pin and reply name the event’s message, with the reply’s text filled in', () => {
    const rt = runtime(`rule p { on message.posted when text contains "周报" do pin message; reply "已置顶:{text}" }`);
    const { msg } = events();
    const out = feed(rt, [msg(at(0), 'a', '本周周报')]);
    expect(out.map((a) => [a.type, a.messageId, a.text])).toEqual([
      ['message.pin', 'm1', undefined],
      ['message.reply', 'm1', '已置顶:本周周报'],
    ]);
  });
});

describe('webhooks', () => {
  const SOURCE = `endpoint crm { url "https://crm.example.com/hook"; timeout 2s; retries 0 }
endpoint later { url env "LATER_URL" }
rule paid { on order.paid do call crm with orderId, amount, sku, buyer: member, name: member.name, double: amount * 2, __proto__: "x" }
rule ping { on message.posted do call later }`;

  it('lowers endpoints with their defaults into the IR', () => {
    const ir = load(SOURCE);
    expect({ ...ir.endpoints }).toEqual({
      crm: { url: 'https://crm.example.com/hook', timeoutMs: 2000, retries: 0 },
      later: { urlEnv: 'LATER_URL', timeoutMs: 10_000, retries: 3 },
    });
  });

  it('computes the body in order, with null for a missing value, and keeps a `__proto__` key as data', () => {
    const rt = runtime(SOURCE);
    const { ev, join, msg } = events();
    const out = feed(rt, [join(at(0), 'a', { name: 'A' }), ev('order.paid', at(1), 'a', { orderId: 'o1', amount: 5 }), msg(at(2), 'a')]);
    const calls = ofType(out, 'webhook.call');
    expect(calls.map((a) => a.endpoint)).toEqual(['crm', 'later']);
    const body = calls[0]!.body as Record<string, unknown>;
    expect(Object.keys(body)).toEqual(['orderId', 'amount', 'sku', 'buyer', 'name', 'double', '__proto__']);
    expect(JSON.stringify(body)).toBe('{"orderId":"o1","amount":5,"sku":null,"buyer":"a","name":"A","double":10,"__proto__":"x"}');
    expect(calls[1]!.body).toEqual({});
  });

  it('refuses an endpoint that is not declared, naming the closest', () => {
    const r = compile(`playbook "T" { timezone "UTC" }\nendpoint crm { url "https://x.example" }\nrule p { on order.paid do call cmr }`, {
      file: 't.playbook',
    });
    expect(r.diagnostics.map((d) => [d.code, d.hint])).toEqual([['E0423', 'did you mean `crm`?']]);
  });
});

describe('applicants', () => {
  it('are not members until they join: never in `say to members`, answered even after leaving before', () => {
    const rt = runtime(`rule ok { on member.join_requested do approve member; say to member "审核通过" }
rule all { on message.posted when text == "全体" do say to members "通知 {member.name}" }`);
    const { ev, join, leave, msg } = events();
    const out = feed(rt, [
      join(at(0), 'a', { name: 'A' }),
      ev('member.join_requested', at(1), 'x', { answers: 'hi' }),
      msg(at(2), 'a', '全体'),
      leave(at(3), 'a'),
      ev('member.join_requested', at(4), 'a', {}),
      join(at(5), 'x', { name: 'X' }),
      join(at(6), 'a', { name: 'A' }),
      msg(at(7), 'a', '全体'),
    ]);
    expect(out.map((a) => [a.type, a.member, a.text])).toEqual([
      ['join.approve', 'x', undefined],
      ['message.send', 'a', '通知 A'],
      ['join.approve', 'a', undefined],
      ['message.send', 'a', '通知 A'],
      ['message.send', 'x', '通知 X'],
    ]);
  });
});

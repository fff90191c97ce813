import { describe, expect, it } from 'vitest';
import { newCommunity } from '../../src/runtime/community.js';
import { newCtx } from '../../src/runtime/context.js';
import { Core } from '../../src/runtime/core.js';
import { newMember } from '../../src/runtime/member.js';
import { GeneratedConditions } from '../../src/runtime/generated/conditions.js';
import { EventPlans } from '../../src/runtime/generated/plans.js';
import { FastMachines } from '../../src/runtime/machines/fast.js';
import { createRuntime, type EngineName, type OutputAction } from '../../src/runtime/runtime.js';
import { load, type Raw } from '../constructs/helpers.js';

/**
 * The `generated` engine's event plans (src/runtime/generated/plans.ts): every form a plan writes
 * out or hands to a construct's own code (counters with `where`, windows, sums, `keep` and
 * `across groups`, leaderboard tallies, attendance, rules with several `on`, `once per FIELD`,
 * rules, points and counts inside a stage, points of a roster entry) gives what the closure
 * engine gives. Written for the mutation run (docs/testing.md, "Mutation testing").
 */

const BODY = `event shop.paid { sku: string, amount: number, code?: string }
points {
  message.posted where text contains "good": +2
  shop.paid: +1 cooldown 1m
  member.seen: +5
}
rule two_ons {
  on message.posted where text == "go", reaction.added
  do say "two {member.id}"
}
rule same_twice {
  on message.posted where text == "a", message.posted where text == "b"
  do say "ab {text}"
}
rule by_code {
  on shop.paid
  once per code
  do say "code {code}"
}
rule where_count {
  on message.posted
  when count(message.posted by member where text == "x") >= 2
  do say "x twice {member.id}"
}
rule group_buy {
  on shop.paid
  when count(shop.paid where sku == this.sku within 1h) >= 2
  do say "group buy {sku}"
}
rule network {
  on shop.paid
  when count(shop.paid across groups) >= 3
  once per community
  do say "network {community}"
}
rule spend {
  on shop.paid
  when sum(amount of shop.paid by member) > 10
  do say "spent {member.id}"
}
leaderboard talk top 3 by count(message.posted) this week every day at 21:00: say "board\\n{board}"
schedule club every day 19:00 until 20:00 {
  at start: say "club opens"
}
schedule counter every day 11:00 until 12:00 attendance by shop.paid { at end: notify admins "counter closes" }

campaign sale {
  stage main from 2026-03-03 to 2026-03-04 {
    shop.paid: +10
    rule in_sale {
      on message.posted
      when count(message.posted by member) >= 2
      do say "sale {member.id}"
    }
  }
}`;

function stream(): Raw[] {
  const out: Raw[] = [];
  let n = 0;
  const ev = (type: string, at: string, community: string, member: string, fields: Raw = {}) =>
    out.push({ id: `e${++n}`, type, at: `2026-03-${at}+08:00`, community, member, ...fields });
  const msg = (at: string, member: string, text: string, community = 'g1') => ev('message.posted', at, community, member, { messageId: `m${n}`, text });
  const paid = (at: string, member: string, sku: string, amount: number, code?: string, community = 'g1') =>
    ev('shop.paid', at, community, member, { sku, amount, ...(code === undefined ? {} : { code }) });
  msg('02T10:00:00', 'ann', 'go');
  msg('02T10:01:00', 'ann', 'stop');
  ev('reaction.added', '02T10:02:00', 'g1', 'bob', { messageId: 'm1', emoji: '👍' });
  msg('02T10:03:00', 'bob', 'a');
  msg('02T10:04:00', 'bob', 'b');
  msg('02T10:05:00', 'bob', 'c');
  msg('02T10:06:00', 'ann', 'x');
  msg('02T10:07:00', 'bob', 'x');
  msg('02T10:08:00', 'ann', 'x');
  msg('02T10:09:00', 'ann', 'good stuff');
  paid('02T11:00:00', 'ann', 'tea', 4, 'K1');
  paid('02T11:00:30', 'bob', 'rice', 4, 'K1');
  paid('02T11:02:00', 'bob', 'tea', 8, 'K2', 'g2');
  paid('02T11:03:00', 'ann', 'tea', 8);
  msg('02T19:10:00', 'bob', 'here');
  msg('02T20:10:00', 'ann', 'late');
  ev('member.seen', '02T20:30:00', 'g1', 'cid', { name: 'Cid' });
  msg('03T08:00:00', 'ann', 'in the sale');
  msg('03T09:00:00', 'cid', 'one');
  msg('03T09:01:00', 'cid', 'two');
  paid('03T09:02:00', 'cid', 'rice', 1);
  return out;
}

function run(engine: EngineName, body = BODY) {
  const rt = createRuntime(load(body), { engine });
  const out = stream().flatMap((e) => rt.dispatch(structuredClone(e)));
  out.push(...rt.advance('2026-03-04T12:00:00+08:00'));
  return { out, snap: rt.snapshot() };
}

const said = (out: OutputAction[]) => out.filter((a) => a.type === 'message.send').map((a) => `${a.community} ${String(a['text'])}`);

describe('generated event plans', () => {
  it('give the closure engine’s actions and snapshot for every form they write', () => {
    const fast = run('fast');
    expect(run('generated')).toEqual(fast);
    // What the comparison saw: each form took effect.
    expect(said(fast.out)).toEqual([
      'g1 two ann',
      'g1 two bob',
      'g1 ab a',
      'g1 ab b',
      'g1 x twice ann',
      'g1 x twice ann',
      'g1 code K1',
      'g2 code K2',
      'g2 network g2',
      'g1 code {code}',
      'g1 group buy tea',
      'g1 network g1',
      'g1 spent ann',
      'g1 club opens',
      'g1 x twice ann',
      'g1 board\n1. ann 6\n2. bob 5',
      'g1 x twice ann',
      'g1 sale cid',
      'g1 code {code}',
      'g1 club opens',
      'g1 board\n1. ann 7\n2. bob 5\n3. Cid 2',
      'g2 club opens',
      'g2 board\n',
      'g2 club opens',
      'g2 board\n',
    ]);
    const g1 = fast.snap.communities.find((c) => c.id === 'g1')!;
    // A roster entry earns no points (the stage's +10 and +1 are the order's); bob attended the 19:00 session.
    expect(g1.members['cid']!.points).toBe(11);
    expect(g1.sessions['club']!.map((s) => s.attended)).toEqual([['bob'], []]);
    expect(g1.sessions['counter']!.map((s) => s.attended)).toEqual([['ann', 'bob'], [], []]);
  });
});

/** The plans of a small playbook, as `EventPlans.source` shows them: one statement a line, labels and temps in order. */
const SOURCE_BODY = `event shop.paid { sku: string, amount: number, code?: string }
points {
  message.posted where text contains "good": +2 cooldown 1m
}
rule two_ons {
  on message.posted where text == "go", reaction.added
  once per member
  cooldown 1m
  exclusive g
  do say "two {member.id}"
}
rule by_code {
  on shop.paid
  once per code
  once per community
  when member has tag "vip"
  unless member has role admin
  do say "code {code}"
}
rule where_count {
  on message.posted
  when count(message.posted by member where text == "x") >= 2 and count(message.posted within 1m) > 1
  do say "x twice {member.id}"
}
schedule club every day 19:00 until 20:00 attendance by message.posted {
  at start: say "club opens"
}
campaign sale {
  stage main from 2026-03-03 to 2026-03-04 {
    message.posted: +10
    rule in_sale {
      on message.posted
      when count(message.posted by member) >= 2
      exclusive g
      do say "sale {member.id}"
    }
  }
}
rule spend {
  on shop.paid
  when sum(amount of shop.paid by member) > 10 and count(shop.paid across groups) >= 3
  do say "spent"
}
leaderboard week top 3 by count(message.posted) this week every day at 21:00: say "{board}"`;

describe('the source of a plan', () => {
  it('reads one statement a line, in processEvent order, with playbook text only in JSON literals', () => {
    const x = load(SOURCE_BODY);
    const conditions = new GeneratedConditions(x);
    const plans = new EventPlans(new Core(x, conditions, new FastMachines(x), false), conditions.writer);
    expect(plans.source('message.posted')).toBe(`let t0, t1, t2, t3, t4, t5, t6, t7, t8, t9, t10, t11, t12, t13, t14, t15, t16, t17, t18, t19, t20;
c0: {
if (m === undefined) break c0;
t0 = (m.counters ??= K[0]());
if (!(((t2 = ctx.event) === undefined ? undefined : t2.payload["text"]) === "x")) break c0;
t1 = t0["n1"];
t0["n1"] = (typeof t1 === 'number' ? t1 : 0) + 1;
}
c1: {
t3 = c.counters;
t4 = t3["n2"];
if (!Array.isArray(t4)) t4 = t3["n2"] = [];
K[1](t4, now, K[2]);
t4.push(now);
}
c2: {
if (!c.campaigns["sale"]?.stage) break c2;
if (m === undefined) break c2;
t5 = (m.counters ??= K[0]());
t6 = t5["n5"];
t5["n5"] = (typeof t6 === 'number' ? t6 : 0) + 1;
}
if (m !== undefined) K[3](K[4], c, m, ev.type, now);
if (m !== undefined) K[5](K[4], c, m, ev, now);
r0: {
if (!((((t9 = ctx.event) === undefined ? undefined : t9.payload["text"]) === "go"))) break r0;
if (m?.once?.includes("rule:two_ons")) break r0;
if (K[6](c, m, K[7], K[8], now)) break r0;
if (t8?.has("g")) break r0;
(t8 ??= new Set()).add("g");
(t7 ??= []).push(K[9]);
}
r1: {
if (!(true)) break r1;
if (!((typeof (t11 = ((t10 = ctx.member?.counters?.["n1"]) === undefined ? 0 : typeof t10 === 'number' ? t10 : Array.isArray(t10) ? t10.length : K[10](K[11], ctx, undefined, K[12]))) === "number" && t11 >= K[13]) && (typeof (t13 = ((t12 = ctx.community.counters["n2"]) === undefined ? 0 : typeof t12 === 'number' ? t12 : Array.isArray(t12) ? K[14](t12, ctx.now, K[15]) : K[10](K[16], ctx, undefined, K[12]))) === "number" && t13 > K[17]))) break r1;
(t7 ??= []).push(K[18]);
}
r2: {
if (!(true)) break r2;
if (c.campaigns["sale"]?.stage !== "main") break r2;
if (!(typeof (t15 = ((t14 = ctx.member?.counters?.["n5"]) === undefined ? 0 : typeof t14 === 'number' ? t14 : Array.isArray(t14) ? t14.length : K[10](K[19], ctx, undefined, K[12]))) === "number" && t15 >= K[20])) break r2;
if (t8?.has("g")) break r2;
(t8 ??= new Set()).add("g");
(t7 ??= []).push(K[21]);
}
if (t7 !== undefined) K[22](K[4], ctx, c, m, ev, t7);
if (m !== undefined && m.present) {
p0: {
if (!(typeof (t16 = ((t17 = ctx.event) === undefined ? undefined : t17.payload["text"])) === 'string' ? t16.toLowerCase().includes("good") : Array.isArray(t16) ? t16.includes("good") : false)) break p0;
t18 = m.lastAward?.["points:message.posted"];
if (t18 !== undefined && now - t18 < K[23]) break p0;
t19 = K[24] * K[25](K[4], c);
if (Math.abs(m.points + t19) === Infinity) break p0;
(m.lastAward ??= K[0]())["points:message.posted"] = now;
ctx.source = "points:message.posted";
K[26](K[4], ctx, t19, "message.posted");
}
p1: {
if (c.campaigns["sale"]?.stage !== "main") break p1;
t20 = K[27] * K[25](K[4], c);
if (Math.abs(m.points + t20) === Infinity) break p1;
ctx.source = "points:sale.main:message.posted";
K[26](K[4], ctx, t20, "message.posted");
}
}`);
    expect(plans.source('shop.paid')).toBe(`let t0, t1, t2, t3, t4;
K[0](K[1], K[2], ctx, c, m, ev, now, K[3]);
K[0](K[4], K[2], ctx, c, m, ev, now, K[3]);
r0: {
if (!(true)) break r0;
if (c.once.includes("rule:by_code")) break r0;
if (K[5](c, "rule:by_code", K[6](ev, "code"))) break r0;
if (!(ctx.member?.tags?.includes("vip") ?? false)) break r0;
if ((ctx.member?.roles?.includes("admin") ?? false)) break r0;
(t0 ??= []).push(K[7]);
}
r1: {
if (!(true)) break r1;
if (!((typeof (t3 = ((t2 = ctx.member?.counters?.["n3"]) === undefined ? 0 : typeof t2 === 'number' ? t2 : Array.isArray(t2) ? t2.length : K[8](K[9], ctx, undefined, K[10]))) === "number" && t3 > K[11]) && (typeof (t4 = K[12](ctx)) === "number" && t4 >= K[13]))) break r1;
(t0 ??= []).push(K[14]);
}
if (t0 !== undefined) K[15](K[16], ctx, c, m, ev, t0);`);
    // A type nothing reads: an empty plan.
    expect(plans.source('checkin.done')).toBe('');
  });

  it('is generated once per event type, and the plan itself counts and fires', () => {
    const x = load(SOURCE_BODY);
    const conditions = new GeneratedConditions(x);
    const core = new Core(x, conditions, new FastMachines(x), false);
    const plans = new EventPlans(core, conditions.writer);
    const plan = plans.get('message.posted');
    expect(plans.get('message.posted')).toBe(plan);
    expect(plans.get('shop.paid')).not.toBe(plan);
    const c = newCommunity('g', 0, 1);
    const m = newMember('ann', 0);
    c.members['ann'] = m;
    const now = Date.parse('2026-03-02T10:00:00+08:00');
    const out: OutputAction[] = [];
    for (const [i, text] of ['x', 'go', 'x'].entries()) {
      const ev = { id: `e${i}`, type: 'message.posted', at: '', atMs: now, community: 'g', member: 'ann', payload: { messageId: `m${i}`, text } };
      plan(newCtx(c, now, ev.id, '', out, m, ev), c, m, ev, now);
    }
    expect(said(out)).toEqual(['g two ann', 'g x twice ann']);
    expect(Object.values(m.counters!)).toEqual([2]);
  });
});

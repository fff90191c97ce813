import { describe, expect, it } from 'vitest';
import { createRuntime, type OutputAction, type RuntimeSnapshot } from '../src/runtime/runtime.js';
import { events, feed, load, ofType, texts } from './constructs/helpers.js';

/**
 * One test group per rule of DESIGN.md section 5 (normative semantics). Each case is built so it
 * fails if the rule it names is broken: small inline playbooks, events fed with rt.dispatch().
 */

// ------------------------------------------------------------------ helpers

const ms = (iso: string) => Date.parse(iso);
const instant = (a: OutputAction) => Date.parse(a.at);
const awards = (actions: OutputAction[]) => ofType(actions, 'points.award').map((a) => ({ amount: a.amount, balance: a.balance }));

// ------------------------------------------------------------------ order and time

describe('order and time: timers due at or before an event fire first', () => {
  const ir = load(`
ritual intro {
  starts on member.joined
  step hello: message.posted where text matches /^hello/
  remind after 30m: say to member "remind {member.id}"
  deadline 1h: say to member "deadline {member.id}"
}
rule echo { on message.posted do say "echo {member.id}" }
`);

  it('a deadline due at exactly the event instant fires before the event', () => {
    const rt = createRuntime(ir);
    const e = events();
    rt.dispatch(e.join('2026-03-02T10:00:00+08:00', 'u1'));
    rt.advance('2026-03-02T10:45:00+08:00'); // the reminder
    // The intro arrives exactly at the deadline: the deadline fires first, so the step comes too late.
    const out = rt.dispatch(e.msg('2026-03-02T11:00:00+08:00', 'u1', 'hello world'));
    expect(texts(out)).toEqual(['deadline u1', 'echo u1']);
    expect(out[0]!.cause).toMatch(/^timer:/);
    expect(instant(out[0]!)).toBe(ms('2026-03-02T11:00:00+08:00'));
    expect(out[1]!.cause).toBe('c1-2');
  });

  it('several due timers fire in due-time order, each at its own due time, before the event', () => {
    const rt = createRuntime(ir);
    const e = events();
    rt.dispatch(e.join('2026-03-02T10:00:00+08:00', 'u1')); // remind 10:30, deadline 11:00
    rt.dispatch(e.join('2026-03-02T10:15:00+08:00', 'u2')); // remind 10:45, deadline 11:15
    const out = rt.dispatch(e.msg('2026-03-02T12:00:00+08:00', 'u3', 'x'));
    expect(texts(out)).toEqual(['remind u1', 'remind u2', 'deadline u1', 'deadline u2', 'echo u3']);
    expect(out.map((a) => a.at).map(Date.parse)).toEqual(['10:30', '10:45', '11:00', '11:15', '12:00'].map((t) => ms(`2026-03-02T${t}:00+08:00`)));
  });

  it('timers due at the same instant fire in creation order (not member order)', () => {
    const rt = createRuntime(ir);
    const e = events();
    rt.dispatch(e.join('2026-03-02T10:00:00+08:00', 'zed'));
    rt.dispatch(e.join('2026-03-02T10:00:00+08:00', 'amy'));
    const out = rt.dispatch(e.msg('2026-03-02T11:00:00+08:00', 'bob', 'x'));
    expect(texts(out)).toEqual(['remind zed', 'remind amy', 'deadline zed', 'deadline amy', 'echo bob']);
  });

  it('advance() fires due timers in the same order', () => {
    const rt = createRuntime(ir);
    const e = events();
    rt.dispatch(e.join('2026-03-02T10:00:00+08:00', 'zed'));
    rt.dispatch(e.join('2026-03-02T10:00:00+08:00', 'amy'));
    expect(texts(rt.advance('2026-03-02T10:30:00+08:00'))).toEqual(['remind zed', 'remind amy']);
    expect(texts(rt.advance('2026-03-02T10:59:59+08:00'))).toEqual([]);
    expect(texts(rt.advance('2026-03-02T11:00:00+08:00'))).toEqual(['deadline zed', 'deadline amy']);
  });
});

describe('order and time: communities are isolated', () => {
  it("an event of one community never fires another community's timers", () => {
    const ir = load(`
ritual intro {
  starts on member.joined
  step pay: redpacket.sent where amount >= 5
  deadline 1h: say to member "deadline {member.id}"
}
`);
    const rt = createRuntime(ir);
    const c1 = events('c1');
    rt.dispatch(c1.join('2026-03-02T10:00:00+08:00', 'u1'));
    const other = rt.dispatchDetailed(events('c2').join('2026-03-02T12:00:00+08:00', 'u1'));
    expect(other.actions).toEqual([]);
    // c1's clock did not move either: its own later event is not late and fires its deadline first.
    const own = rt.dispatchDetailed(c1.ev('checkin.done', '2026-03-02T11:30:00+08:00', 'u9'));
    expect(own.late).toBe(false);
    expect(own.actions.map((a) => [a.community, a.text])).toEqual([['c1', 'deadline u1']]);
    // advance() covers every community.
    expect(rt.advance('2026-03-02T13:00:00+08:00').map((a) => [a.community, a.text])).toEqual([['c2', 'deadline u1']]);
  });
});

describe('order and time: late events', () => {
  const ir = load(`rule echo { on message.posted do say "echo {text}" }`);

  it('an event older than the clock is processed at the clock time and reported late', () => {
    const rt = createRuntime(ir);
    const e = events();
    const first = rt.dispatchDetailed(e.msg('2026-03-02T10:10:00+08:00', 'u1', 'first'));
    expect(first.late).toBe(false);
    expect(first.status).toBe('processed');
    const late = rt.dispatchDetailed(e.msg('2026-03-02T10:00:00+08:00', 'u1', 'late'));
    expect(late.status).toBe('processed');
    expect(late.late).toBe(true);
    expect(texts(late.actions)).toEqual(['echo late']);
    expect(instant(late.actions[0]!)).toBe(ms('2026-03-02T10:10:00+08:00'));
  });

  it('an event at exactly the clock is not late; the clock never goes back', () => {
    const rt = createRuntime(ir);
    const e = events();
    rt.dispatch(e.msg('2026-03-02T10:10:00+08:00', 'u1'));
    expect(rt.dispatchDetailed(e.msg('2026-03-02T10:10:00+08:00', 'u1')).late).toBe(false);
    rt.dispatch(e.msg('2026-03-02T10:00:00+08:00', 'u1')); // late
    const again = rt.dispatchDetailed(e.msg('2026-03-02T10:05:00+08:00', 'u1', 'still late'));
    expect(again.late).toBe(true);
    expect(instant(again.actions[0]!)).toBe(ms('2026-03-02T10:10:00+08:00'));
  });

  it('a late event sees windows at the clock time', () => {
    const wir = load(`rule burst { on message.posted when count(message.posted by member within 10s) >= 2 do say "burst" }`);
    const rt = createRuntime(wir);
    const e = events();
    rt.dispatch(e.msg('2026-03-02T10:00:00+08:00', 'u1'));
    rt.dispatch(e.msg('2026-03-02T10:00:20+08:00', 'u2'));
    // Claims 10:00:05 (which would be within 10 s of u1's first message) but is processed at 10:00:20.
    expect(texts(rt.dispatch(e.msg('2026-03-02T10:00:05+08:00', 'u1')))).toEqual([]);
  });
});

// ------------------------------------------------------------------ idempotence

describe('idempotence: duplicate ids are skipped', () => {
  const ir = load(`
points { message.posted: +1 }
rule echo { on message.posted do say "echo" }
`);

  it('a repeated id is a duplicate with no actions and no state change', () => {
    const rt = createRuntime(ir);
    const e = events();
    const first = e.msg('2026-03-02T10:00:00+08:00', 'u1');
    expect(rt.dispatchDetailed(first).actions.length).toBeGreaterThan(0);
    const before = rt.snapshot();
    const dup = rt.dispatchDetailed(first);
    expect(dup.status).toBe('duplicate');
    expect(dup.actions).toEqual([]);
    expect(rt.snapshot()).toEqual(before);
    // Same id, different content: still the same event. Only the time the id is remembered from
    // moves to the later delivery's (docs/runtime.md, "Duplicates and the horizon").
    const dup2 = rt.dispatchDetailed({ ...first, at: '2026-03-02T11:00:00+08:00', text: 'other' });
    expect(dup2.status).toBe('duplicate');
    expect(dup2.actions).toEqual([]);
    const after = rt.snapshot();
    expect(after.communities[0]!.processedAt).toEqual([Date.parse('2026-03-02T11:00:00+08:00')]);
    const withoutTimes = (s: typeof before) => ({ ...s, communities: s.communities.map(({ processedAt: _t, ...c }) => c) });
    expect(withoutTimes(after)).toEqual(withoutTimes(before));
  });

  it('replaying a whole stream gives no new actions and awards nothing twice', () => {
    const rt = createRuntime(ir);
    const e = events();
    const stream = [e.msg('2026-03-02T10:00:00+08:00', 'u1'), e.msg('2026-03-02T10:01:00+08:00', 'u2'), e.msg('2026-03-02T10:02:00+08:00', 'u1')];
    const once = feed(rt, stream);
    expect(awards(once)).toEqual([
      { amount: 1, balance: 1 },
      { amount: 1, balance: 1 },
      { amount: 1, balance: 2 },
    ]);
    const statuses = stream.map((x) => rt.dispatchDetailed(x).status);
    expect(statuses).toEqual(['duplicate', 'duplicate', 'duplicate']);
    expect(feed(rt, stream)).toEqual([]);
    expect(rt.community('c1')!.members['u1']!.points).toBe(2);
    // The next new event continues from the real balance.
    expect(awards(rt.dispatch(e.msg('2026-03-02T10:03:00+08:00', 'u1')))).toEqual([{ amount: 1, balance: 3 }]);
  });

  it('ids are unique per community: the same id in another community is processed', () => {
    const rt = createRuntime(ir);
    const a = events('c1').msg('2026-03-02T10:00:00+08:00', 'u1');
    rt.dispatch(a);
    const b = { ...a, community: 'c2' };
    const r = rt.dispatchDetailed(b);
    expect(r.status).toBe('processed');
    expect(awards(r.actions)).toEqual([{ amount: 1, balance: 1 }]);
  });
});

// ------------------------------------------------------------------ bad input

describe('bad input: invalid events are reported and skipped without touching state', () => {
  const ir = load(`
ritual intro {
  starts on member.joined
  step pay: redpacket.sent where amount >= 5
  deadline 1h: say to member "deadline"
}
points { message.posted: +1 }
`);

  function started() {
    const rt = createRuntime(ir);
    const e = events();
    rt.dispatch(e.join('2026-03-02T10:00:00+08:00', 'u1'));
    expect(awards(rt.dispatch(e.msg('2026-03-02T10:00:30+08:00', 'u1')))).toEqual([{ amount: 1, balance: 1 }]);
    return rt;
  }

  const base = { type: 'message.posted', at: '2026-03-02T10:01:00+08:00', community: 'c1', member: 'u1', messageId: 'mx', text: 'hi' };

  it('a missing envelope key is invalid, with a reason', () => {
    const rt = started();
    const before = rt.snapshot();
    const { community: _c, ...noCommunity } = { id: 'bad1', ...base };
    const r = rt.dispatchDetailed(noCommunity);
    expect(r.status).toBe('invalid');
    expect(r.actions).toEqual([]);
    expect(r.reason).toMatch(/community/);
    const r2 = rt.dispatchDetailed({ ...base }); // no id
    expect(r2.status).toBe('invalid');
    expect(r2.reason).toMatch(/id/);
    expect(rt.snapshot()).toEqual(before);
  });

  it('a wrong payload type (numeric text) is invalid, with a reason naming the field', () => {
    const rt = started();
    const before = rt.snapshot();
    const r = rt.dispatchDetailed({ id: 'bad2', ...base, text: 42 });
    expect(r.status).toBe('invalid');
    expect(r.actions).toEqual([]);
    expect(r.reason).toMatch(/text/);
    expect(rt.snapshot()).toEqual(before);
  });

  it('an `at` without an offset is invalid, with a reason', () => {
    const rt = started();
    const before = rt.snapshot();
    const r = rt.dispatchDetailed({ id: 'bad3', ...base, at: '2026-03-02T10:01:00' });
    expect(r.status).toBe('invalid');
    expect(r.reason).toMatch(/at/);
    expect(rt.snapshot()).toEqual(before);
  });

  it('non-objects are invalid, not crashes', () => {
    const rt = started();
    for (const junk of [null, 42, 'text', [], [base]]) {
      const r = rt.dispatchDetailed(junk);
      expect(r.status).toBe('invalid');
      expect(typeof r.reason).toBe('string');
    }
  });

  it('a later valid event behaves as if the bad one never came (no clock move, no timers, id not taken)', () => {
    const rt = started();
    // Bad: far-future `at` and numeric text. Had it been applied, the clock would be on 03-05,
    // the deadline would have fired, and the id "x1" would be taken.
    const bad = rt.dispatchDetailed({ id: 'x1', ...base, at: '2026-03-05T00:00:00+08:00', text: 42 });
    expect(bad.status).toBe('invalid');
    expect(bad.actions).toEqual([]);
    const good = rt.dispatchDetailed({ id: 'x1', ...base, at: '2026-03-02T10:02:00+08:00' });
    expect(good.status).toBe('processed');
    expect(good.late).toBe(false);
    expect(awards(good.actions)).toEqual([{ amount: 1, balance: 2 }]);
    expect(texts(good.actions)).toEqual([]); // the deadline (11:00) has not fired
    expect(texts(rt.advance('2026-03-02T11:00:00+08:00'))).toEqual(['deadline']);
  });
});

describe('bad input: unknown event types', () => {
  it('an undeclared type is ignored, with no actions', () => {
    const ir = load(`rule echo { on message.posted do say "echo" }`);
    const rt = createRuntime(ir);
    const r = rt.dispatchDetailed({ id: 'p1', type: 'poll.voted', at: '2026-03-02T10:00:00+08:00', community: 'c1', member: 'u1', option: 'a' });
    expect(r.status).toBe('ignored');
    expect(r.actions).toEqual([]);
  });

  it('an ignored event changes nothing: no timers fired, no clock move', () => {
    const ir = load(`
ritual intro {
  starts on member.joined
  step pay: redpacket.sent where amount >= 5
  deadline 1h: say to member "deadline"
}
`);
    const rt = createRuntime(ir);
    const e = events();
    rt.dispatch(e.join('2026-03-02T10:00:00+08:00', 'u1'));
    const before = rt.snapshot();
    const r = rt.dispatchDetailed({ id: 'p1', type: 'poll.voted', at: '2026-03-05T00:00:00+08:00', community: 'c1', member: 'u1' });
    expect(r.status).toBe('ignored');
    expect(r.actions).toEqual([]);
    expect(rt.snapshot()).toEqual(before);
    const next = rt.dispatchDetailed(e.ev('redpacket.sent', '2026-03-02T10:30:00+08:00', 'u1', { amount: 10, shares: 10 }));
    expect(next.late).toBe(false);
    expect(rt.advance('2026-03-02T12:00:00+08:00')).toEqual([]); // the ritual was completed in time
  });

  it('a declared type is processed, usable in rules, and its fields are type-checked', () => {
    const ir = load(`
event poll.voted { option: string }
rule vote { on poll.voted when option == "a" do say "voted {option}" }
`);
    const rt = createRuntime(ir);
    const mk = (id: string, option: unknown) => ({ id, type: 'poll.voted', at: '2026-03-02T10:00:00+08:00', community: 'c1', member: 'u1', option });
    const a = rt.dispatchDetailed(mk('p1', 'a'));
    expect(a.status).toBe('processed');
    expect(texts(a.actions)).toEqual(['voted a']);
    const b = rt.dispatchDetailed(mk('p2', 'b'));
    expect(b.status).toBe('processed');
    expect(b.actions).toEqual([]);
    const bad = rt.dispatchDetailed(mk('p3', 5));
    expect(bad.status).toBe('invalid');
    expect(bad.reason).toMatch(/option/);
  });
});

// ------------------------------------------------------------------ rules

describe('rules: order is priority, then source order', () => {
  it('higher priority first; equal priority in source order', () => {
    const ir = load(`
rule low   { on message.posted do say "low" }
rule high  { on message.posted priority 10 do say "high" }
rule mid1  { on message.posted priority 5 do say "mid1" }
rule neg   { on message.posted priority -1 do say "neg" }
rule mid2  { on message.posted priority 5 do say "mid2" }
rule low2  { on message.posted do say "low2" }
`);
    const rt = createRuntime(ir);
    const out = rt.dispatch(events().msg('2026-03-02T10:00:00+08:00', 'u1'));
    expect(texts(out)).toEqual(['high', 'mid1', 'mid2', 'low', 'low2', 'neg']);
    expect(out.map((a) => a.source)).toEqual(['rule:high', 'rule:mid1', 'rule:mid2', 'rule:low', 'rule:low2', 'rule:neg']);
  });
});

describe('rules: all rules see the state before the event', () => {
  it('a member removed by an earlier rule gets nothing more from that event', () => {
    const ir = load(`
rule kick  { on message.posted when text matches "spam" do remove member reason "spam" }
rule greet { on message.posted do say to member "thanks" }
points { message.posted: +1 }
`);
    const rt = createRuntime(ir);
    const e = events();
    const out = rt.dispatch(e.msg('2026-03-02T10:00:00+08:00', 'u1', 'spam here'));
    expect(out.map((a) => a.type)).toEqual(['member.remove']);
    // u2 is unaffected: the greeting rule does fire for them.
    const other = rt.dispatch(e.msg('2026-03-02T10:00:01+08:00', 'u2', 'hi'));
    expect(texts(other)).toEqual(['thanks']);
    expect(awards(other)).toEqual([{ amount: 1, balance: 1 }]);
  });

  it('when the removing rule comes later, the earlier rule still acts', () => {
    const ir = load(`
rule kick  { on message.posted when text matches "spam" do remove member reason "spam" }
rule greet { on message.posted priority 1 do say to member "thanks" }
`);
    const rt = createRuntime(ir);
    const out = rt.dispatch(events().msg('2026-03-02T10:00:00+08:00', 'u1', 'spam'));
    expect(out.map((a) => a.type)).toEqual(['message.send', 'member.remove']);
  });

  it('a condition on a tag set by an earlier rule of the same event sees the old tags', () => {
    const ir = load(`
rule mark  { on message.posted do tag member "seen" }
rule again { on message.posted when member has tag "seen" do say to member "welcome back" }
`);
    const rt = createRuntime(ir);
    const e = events();
    expect(texts(rt.dispatch(e.msg('2026-03-02T10:00:00+08:00', 'u1')))).toEqual([]);
    expect(texts(rt.dispatch(e.msg('2026-03-02T10:01:00+08:00', 'u1')))).toEqual(['welcome back']);
  });

  it('a condition on points is evaluated before the same event awards its points', () => {
    const ir = load(`
points { message.posted: +1 }
rule vip { on message.posted when member.points >= 1 do say to member "vip" }
`);
    const rt = createRuntime(ir);
    const e = events();
    const first = rt.dispatch(e.msg('2026-03-02T10:00:00+08:00', 'u1'));
    expect(texts(first)).toEqual([]);
    expect(awards(first)).toEqual([{ amount: 1, balance: 1 }]);
    const second = rt.dispatch(e.msg('2026-03-02T10:01:00+08:00', 'u1'));
    expect(texts(second)).toEqual(['vip']);
    expect(awards(second)).toEqual([{ amount: 1, balance: 2 }]);
  });
});

// ------------------------------------------------------------------ windows

describe('windows: count(E by member within D)', () => {
  const ir = load(`rule burst { on message.posted when count(message.posted by member within 10s) >= 3 do say to member "burst {member.id}" }`);
  const t = (s: number) => `2026-03-02T10:00:${String(s).padStart(2, '0')}+08:00`;

  it('counts the current event', () => {
    const rt = createRuntime(ir);
    const e = events();
    expect(texts(rt.dispatch(e.msg(t(0), 'u1')))).toEqual([]);
    expect(texts(rt.dispatch(e.msg(t(1), 'u1')))).toEqual([]);
    expect(texts(rt.dispatch(e.msg(t(2), 'u1')))).toEqual(['burst u1']);
  });

  it('an event at exactly now - D is outside the window', () => {
    const rt = createRuntime(ir);
    const e = events();
    rt.dispatch(e.msg(t(0), 'u1'));
    rt.dispatch(e.msg(t(5), 'u1'));
    // At 10s the window is (0s, 10s]: 5s and 10s, so 2.
    expect(texts(rt.dispatch(e.msg(t(10), 'u1')))).toEqual([]);
    // At 11s: 5s, 10s, 11s.
    expect(texts(rt.dispatch(e.msg(t(11), 'u1')))).toEqual(['burst u1']);
  });

  it('the boundary also holds when the window is read on another event type', () => {
    // Here the message window is read on a check-in, so nothing prunes it first: the count itself
    // must leave out the message at exactly now - 10 s.
    const cross = load(`rule busy { on checkin.done when count(message.posted by member within 10s) >= 2 do say to member "busy" }`);
    const rt = createRuntime(cross);
    const e = events();
    rt.dispatch(e.msg(t(0), 'u1'));
    rt.dispatch(e.msg(t(5), 'u1'));
    expect(texts(rt.dispatch(e.checkin(t(10), 'u1')))).toEqual([]);
    const rt2 = createRuntime(cross);
    const e2 = events();
    rt2.dispatch(e2.msg(t(0), 'u1'));
    rt2.dispatch(e2.msg(t(5), 'u1'));
    expect(texts(rt2.dispatch(e2.checkin(t(9), 'u1')))).toEqual(['busy']);
  });

  it('counts only that member', () => {
    const rt = createRuntime(ir);
    const e = events();
    rt.dispatch(e.msg(t(0), 'u1'));
    rt.dispatch(e.msg(t(1), 'u2'));
    expect(texts(rt.dispatch(e.msg(t(2), 'u1')))).toEqual([]);
    expect(texts(rt.dispatch(e.msg(t(3), 'u1')))).toEqual(['burst u1']);
  });

  it('firing clears the window for that member, so the count starts afresh', () => {
    const rt = createRuntime(ir);
    const e = events();
    for (const s of [0, 1]) rt.dispatch(e.msg(t(s), 'u1'));
    rt.dispatch(e.msg(t(0), 'u2'));
    rt.dispatch(e.msg(t(1), 'u2'));
    expect(texts(rt.dispatch(e.msg(t(2), 'u1')))).toEqual(['burst u1']);
    expect(texts(rt.dispatch(e.msg(t(3), 'u1')))).toEqual([]); // would be 4 without clearing
    expect(texts(rt.dispatch(e.msg(t(4), 'u1')))).toEqual([]);
    expect(texts(rt.dispatch(e.msg(t(5), 'u1')))).toEqual(['burst u1']);
    // u2's window was not cleared by u1's burst.
    expect(texts(rt.dispatch(e.msg(t(6), 'u2')))).toEqual(['burst u2']);
  });

  it('one burst fires once (the flood rule: more than 5 within 10 s)', () => {
    const flood = load(`rule flood { on message.posted when count(message.posted by member within 10s) > 5 do mute member 10m }`);
    const rt = createRuntime(flood);
    const e = events();
    const out: OutputAction[] = [];
    for (let s = 0; s < 9; s++) out.push(...rt.dispatch(e.msg(t(s), 'u1')));
    const mutes = ofType(out, 'member.mute');
    expect(mutes).toHaveLength(1);
    expect(instant(mutes[0]!)).toBe(ms(t(5)));
    expect(mutes[0]!.duration).toBe('PT10M');
    expect(Date.parse(String(mutes[0]!.until))).toBe(ms(t(5)) + 600_000);
  });
});

// ------------------------------------------------------------------ ladders

describe('ladders', () => {
  const ir = load(`
rule bad  { on message.posted when text matches "bad" do warn member "no" on ladder three }
rule ugly { on message.posted when text matches "ugly" do warn member "no" on ladder two }
ladder three { expire 1h; 1: say to member "three:1"; 2: say to member "three:2"; 3: say to member "three:3" }
ladder two   { expire 30d; 1: say to member "two:1"; 2: say to member "two:2" }
`);
  const warns = (out: OutputAction[]) => ofType(out, 'member.warn').map((a) => a.count);

  it('the step equal to the warning count runs', () => {
    const rt = createRuntime(ir);
    const e = events();
    const out = feed(rt, [
      e.msg('2026-03-02T10:00:00+08:00', 'u1', 'bad'),
      e.msg('2026-03-02T10:10:00+08:00', 'u1', 'bad'),
      e.msg('2026-03-02T10:20:00+08:00', 'u1', 'bad'),
    ]);
    expect(warns(out)).toEqual([1, 2, 3]);
    expect(texts(out)).toEqual(['three:1', 'three:2', 'three:3']);
  });

  it('a count past the last step runs the last step', () => {
    const rt = createRuntime(ir);
    const e = events();
    const out = feed(rt, [
      e.msg('2026-03-02T10:00:00+08:00', 'u1', 'ugly'),
      e.msg('2026-03-02T10:10:00+08:00', 'u1', 'ugly'),
      e.msg('2026-03-02T10:20:00+08:00', 'u1', 'ugly'),
      e.msg('2026-03-02T10:30:00+08:00', 'u1', 'ugly'),
    ]);
    expect(warns(out)).toEqual([1, 2, 3, 4]);
    expect(texts(out)).toEqual(['two:1', 'two:2', 'two:2', 'two:2']);
  });

  it('only unexpired warnings count', () => {
    const rt = createRuntime(ir);
    const e = events();
    const out = feed(rt, [
      e.msg('2026-03-02T10:00:00+08:00', 'u1', 'bad'),
      e.msg('2026-03-02T10:30:00+08:00', 'u1', 'bad'),
      // 10:00 is 75 minutes old (expired), 10:30 is 45 minutes old: count 2, not 3.
      e.msg('2026-03-02T11:15:00+08:00', 'u1', 'bad'),
      // Everything expired: back to step 1.
      e.msg('2026-03-02T13:00:00+08:00', 'u1', 'bad'),
    ]);
    expect(warns(out)).toEqual([1, 2, 2, 1]);
    expect(texts(out)).toEqual(['three:1', 'three:2', 'three:2', 'three:1']);
  });

  it('expiry boundary: a warning exactly `expire` old still counts, one millisecond older does not', () => {
    // DESIGN.md: "Warnings older than expire no longer count".
    const rt = createRuntime(ir);
    const e = events();
    rt.dispatch(e.msg('2026-03-02T10:00:00+08:00', 'u1', 'bad'));
    expect(warns(rt.dispatch(e.msg('2026-03-02T11:00:00+08:00', 'u1', 'bad')))).toEqual([2]);
    const rt2 = createRuntime(ir);
    const e2 = events();
    rt2.dispatch(e2.msg('2026-03-02T10:00:00+08:00', 'u1', 'bad'));
    expect(warns(rt2.dispatch(e2.msg('2026-03-02T11:00:00.001+08:00', 'u1', 'bad')))).toEqual([1]);
  });

  it('warnings are per member and per ladder', () => {
    const rt = createRuntime(ir);
    const e = events();
    const out = feed(rt, [
      e.msg('2026-03-02T10:00:00+08:00', 'u1', 'bad'),
      e.msg('2026-03-02T10:01:00+08:00', 'u2', 'bad'),
      e.msg('2026-03-02T10:02:00+08:00', 'u1', 'ugly'),
    ]);
    expect(warns(out)).toEqual([1, 1, 1]);
  });
});

// ------------------------------------------------------------------ points

describe('points: cooldown', () => {
  it('is measured from the previous award, not the previous attempt', () => {
    const ir = load(`points { message.posted: +1 cooldown 60s }`);
    const rt = createRuntime(ir);
    const e = events();
    const at = (s: number) => new Date(ms('2026-03-02T10:00:00+08:00') + s * 1000).toISOString();
    const got = [0, 40, 70, 100, 129, 130].map((s) => awards(rt.dispatch(e.msg(at(s), 'u1'))).length);
    // 0: award. 40: 40 s after the award, skipped. 70: 70 s after the award (30 s after the
    // skipped attempt), awarded. 100: 30 s after, skipped. 129: 59 s, skipped. 130: exactly 60 s, awarded.
    expect(got).toEqual([1, 0, 1, 0, 0, 1]);
  });
});

describe('points: caps per local calendar day', () => {
  it('reset at local midnight in Asia/Shanghai, not at UTC midnight', () => {
    const ir = load(`points { checkin.done: +5 cap 1 per day }`, 'Asia/Shanghai');
    const rt = createRuntime(ir);
    const e = events();
    const got = [
      '2026-03-02T15:30:00Z', // 23:30 on 03-02 local: awarded
      '2026-03-02T16:30:00Z', // 00:30 on 03-03 local (same UTC day): a new local day, awarded
      '2026-03-02T23:30:00Z', // 07:30 on 03-03 local: capped
      '2026-03-03T01:00:00Z', // 09:00 on 03-03 local (a new UTC day): still capped
      '2026-03-03T16:00:00Z', // 00:00 on 03-04 local exactly: awarded
    ].map((at) => awards(rt.dispatch(e.checkin(at, 'u1'))));
    expect(got).toEqual([[{ amount: 5, balance: 5 }], [{ amount: 5, balance: 10 }], [], [], [{ amount: 5, balance: 15 }]]);
  });

  it('reset at local midnight in America/New_York, not at UTC midnight', () => {
    const ir = load(`points { checkin.done: +5 cap 1 per day }`, 'America/New_York');
    const rt = createRuntime(ir);
    const e = events();
    const got = [
      '2026-03-02T23:30:00Z', // 18:30 on 03-02 local (EST): awarded
      '2026-03-03T00:30:00Z', // 19:30 on 03-02 local, a new UTC day: capped
      '2026-03-03T04:59:59Z', // 23:59:59 on 03-02 local: capped
      '2026-03-03T05:00:00Z', // 00:00 on 03-03 local: awarded
    ].map((at) => awards(rt.dispatch(e.checkin(at, 'u1'))).length);
    expect(got).toEqual([1, 0, 0, 1]);
  });

  it('a cap counts awards, and a skipped (cooled-down) attempt does not use the cap', () => {
    const ir = load(`points { message.posted: +1 cooldown 60s cap 2 per day }`);
    const rt = createRuntime(ir);
    const e = events();
    const got = ['10:00:00', '10:00:30', '10:01:00', '10:02:00', '10:03:00'].map((t) => awards(rt.dispatch(e.msg(`2026-03-02T${t}+08:00`, 'u1'))).length);
    expect(got).toEqual([1, 0, 1, 0, 0]);
  });
});

describe('points: multipliers', () => {
  const ir = load(`
campaign promo {
  stage boost from 2026-03-10 to 2026-03-10 { points x2 }
}
points { message.posted: +3 }
`);

  it('a campaign stage `points x2` doubles points-table awards only while the stage runs', () => {
    const rt = createRuntime(ir);
    const e = events();
    const got = [
      '2026-03-09T12:00:00+08:00',
      '2026-03-09T23:59:59+08:00',
      '2026-03-10T00:00:00+08:00', // the stage starts at local midnight
      '2026-03-10T12:00:00+08:00',
      '2026-03-10T23:59:59+08:00',
      '2026-03-11T00:00:00+08:00', // and ends at local midnight after its last day
    ].map((at) => awards(rt.dispatch(e.msg(at, 'u1')))[0]!.amount);
    expect(got).toEqual([3, 3, 6, 6, 6, 3]);
  });

  it('the multiplier applies to the amount before the cap check (a cap in points)', () => {
    const capped = load(`
campaign promo { stage boost from 2026-03-10 to 2026-03-10 { points x2 } }
points { message.posted: +3 cap 10 points per day }
`);
    const rt = createRuntime(capped);
    const e = events();
    // Outside the stage: 3 + 3 + 3 fit in 10 points, the fourth would make 12.
    const before = ['10:00', '10:01', '10:02', '10:03'].map((t) => awards(rt.dispatch(e.msg(`2026-03-09T${t}:00+08:00`, 'u1'))).length);
    expect(before).toEqual([1, 1, 1, 0]);
    // In the stage each award is 6: the first fits, the second (12 > 10) is capped; had the cap been
    // checked on the unmultiplied 3, it would have passed.
    const during = ['10:00', '10:01'].map((t) => awards(rt.dispatch(e.msg(`2026-03-10T${t}:00+08:00`, 'u1'))));
    expect(during).toEqual([[{ amount: 6, balance: 15 }], []]);
  });

  it('a cap in awards is checked per award whatever the multiplier', () => {
    const capped = load(`
campaign promo { stage boost from 2026-03-10 to 2026-03-10 { points x2 } }
points { checkin.done: +5 cap 1 per day }
`);
    const rt = createRuntime(capped);
    const e = events();
    rt.dispatch(e.msg('2026-03-09T12:00:00+08:00', 'u1'));
    expect(awards(rt.dispatch(e.checkin('2026-03-10T09:00:00+08:00', 'u1')))).toEqual([{ amount: 10, balance: 10 }]);
    expect(awards(rt.dispatch(e.checkin('2026-03-10T10:00:00+08:00', 'u1')))).toEqual([]);
  });

  // Finding F1 in .tmp/runtime-findings.md (the runtime ignored the `multiplied` flag); fixed in
  // the working tree while this file was written, so this is a plain regression test now.
  it('an `award N points` action in a rule is multiplied too, unless marked `unmultiplied`', () => {
    const withRules = load(`
campaign promo { stage boost from 2026-03-10 to 2026-03-10 { points x2 } }
rule bonus { on checkin.done do award 5 points reason "bonus" }
rule flat  { on order.paid do award 5 points reason "flat" unmultiplied }
`);
    const rt = createRuntime(withRules);
    const e = events();
    rt.dispatch(e.msg('2026-03-09T12:00:00+08:00', 'u1'));
    expect(awards(rt.dispatch(e.ev('order.paid', '2026-03-10T09:00:00+08:00', 'u1', { orderId: 'o1', amount: 1 })))).toEqual([{ amount: 5, balance: 5 }]);
    expect(awards(rt.dispatch(e.checkin('2026-03-10T10:00:00+08:00', 'u1')))).toEqual([{ amount: 10, balance: 15 }]);
  });
});

describe('points: levels', () => {
  it('each level is reached once, even if the balance dips below and crosses it again', () => {
    const ir = load(`
points {
  checkin.done: +5
  reaction.added: -3
}
levels { start at 0; bronze at 5; silver at 12 }
`);
    const rt = createRuntime(ir);
    const e = events();
    const react = (at: string) => e.ev('reaction.added', at, 'u1', { messageId: 'm', emoji: 'x' });
    const levels = (out: OutputAction[]) => ofType(out, 'level.reached').map((a) => a.level);
    const steps = [
      e.checkin('2026-03-02T10:00:00+08:00', 'u1'), // 5: bronze
      react('2026-03-02T10:01:00+08:00'), // 2
      e.checkin('2026-03-02T10:02:00+08:00', 'u1'), // 7: bronze again, not reported
      e.checkin('2026-03-02T10:03:00+08:00', 'u1'), // 12: silver
      react('2026-03-02T10:04:00+08:00'), // 9
      react('2026-03-02T10:05:00+08:00'), // 6
      e.checkin('2026-03-02T10:06:00+08:00', 'u1'), // 11
      e.checkin('2026-03-02T10:07:00+08:00', 'u1'), // 16: silver again, not reported
    ].map((x) => {
      const out = rt.dispatch(x);
      return { balance: awards(out)[0]?.balance, levels: levels(out) };
    });
    expect(steps).toEqual([
      { balance: 5, levels: ['bronze'] },
      { balance: 2, levels: [] },
      { balance: 7, levels: [] },
      { balance: 12, levels: ['silver'] },
      { balance: 9, levels: [] },
      { balance: 6, levels: [] },
      { balance: 11, levels: [] },
      { balance: 16, levels: [] },
    ]);
  });

  it('a level reached the moment the balance equals its threshold, after the award', () => {
    const ir = load(`points { checkin.done: +5 }\nlevels { bronze at 10 }`);
    const rt = createRuntime(ir);
    const e = events();
    expect(ofType(rt.dispatch(e.checkin('2026-03-02T10:00:00+08:00', 'u1')), 'level.reached')).toEqual([]);
    const out = rt.dispatch(e.checkin('2026-03-02T10:01:00+08:00', 'u1'));
    expect(out.map((a) => a.type)).toEqual(['points.award', 'level.reached']);
  });
});

// ------------------------------------------------------------------ calendars

describe('calendars: weekly jobs keep local wall time across DST (Europe/Berlin)', () => {
  const ir = load(`job weekly every mon 09:00 { say "weekly" }`, 'Europe/Berlin');

  it('spring forward (2026-03-29): 09:00 local on both sides', () => {
    const rt = createRuntime(ir);
    rt.dispatch(events().msg('2026-03-20T12:00:00+01:00', 'u1'));
    const out = rt.advance('2026-04-07T00:00:00Z');
    expect(out.map((a) => a.type)).toEqual(['message.send', 'message.send', 'message.send']);
    expect(out.map(instant)).toEqual([ms('2026-03-23T08:00:00Z'), ms('2026-03-30T07:00:00Z'), ms('2026-04-06T07:00:00Z')]);
    expect(out.map((a) => a.at)).toEqual(['2026-03-23T09:00:00+01:00', '2026-03-30T09:00:00+02:00', '2026-04-06T09:00:00+02:00']);
  });

  it('fall back (2026-10-25): 09:00 local on both sides', () => {
    const rt = createRuntime(ir);
    rt.dispatch(events().msg('2026-10-16T12:00:00+02:00', 'u1'));
    const out = rt.advance('2026-11-03T00:00:00Z');
    expect(out.map(instant)).toEqual([ms('2026-10-19T07:00:00Z'), ms('2026-10-26T08:00:00Z'), ms('2026-11-02T08:00:00Z')]);
    expect(out.map((a) => a.at)).toEqual(['2026-10-19T09:00:00+02:00', '2026-10-26T09:00:00+01:00', '2026-11-02T09:00:00+01:00']);
  });

  it('a job due at the instant of an event fires before it, at 09:00 local', () => {
    const rt = createRuntime(load(`job weekly every mon 09:00 { say "weekly" }\nrule echo { on message.posted do say "echo" }`, 'Europe/Berlin'));
    const e = events();
    rt.dispatch(e.msg('2026-03-27T12:00:00+01:00', 'u1'));
    expect(texts(rt.dispatch(e.msg('2026-03-30T08:59:59+02:00', 'u1')))).toEqual(['echo']);
    const out = rt.dispatch(e.msg('2026-03-30T09:00:00+02:00', 'u1'));
    expect(texts(out)).toEqual(['weekly', 'echo']);
    expect(instant(out[0]!)).toBe(ms('2026-03-30T07:00:00Z'));
  });
});

describe('calendars: campaign stages run from local midnight of D1 to local midnight after D2', () => {
  it('in Asia/Shanghai', () => {
    const ir = load(`
campaign promo {
  stage boost from 2026-03-10 to 2026-03-12 {
    on enter: say "in"
    on exit: say "out"
  }
}
`);
    const rt = createRuntime(ir);
    rt.dispatch(events().msg('2026-03-01T12:00:00+08:00', 'u1'));
    const out = rt.advance('2026-03-20T00:00:00Z');
    const entered = ofType(out, 'stage.entered');
    const exited = ofType(out, 'stage.exited');
    expect(entered).toHaveLength(1);
    expect(exited).toHaveLength(1);
    expect(instant(entered[0]!)).toBe(ms('2026-03-09T16:00:00Z'));
    expect(instant(exited[0]!)).toBe(ms('2026-03-12T16:00:00Z'));
    expect(entered[0]).toMatchObject({ campaign: 'promo', stage: 'boost' });
    expect(texts(out)).toEqual(['in', 'out']);
  });

  it('in Europe/Berlin across a 23-hour and a 25-hour day', () => {
    const ir = load(
      `
campaign c {
  stage spring from 2026-03-29 to 2026-03-29 { on enter: say "spring" }
  stage autumn from 2026-10-25 to 2026-10-25 { on enter: say "autumn" }
}
`,
      'Europe/Berlin',
    );
    const rt = createRuntime(ir);
    rt.dispatch(events().msg('2026-03-01T12:00:00+01:00', 'u1'));
    const out = rt.advance('2026-12-01T00:00:00Z');
    const bounds = out.filter((a) => a.type === 'stage.entered' || a.type === 'stage.exited').map((a) => [a.type, a.stage, instant(a)]);
    expect(bounds).toEqual([
      ['stage.entered', 'spring', ms('2026-03-28T23:00:00Z')], // 00:00 CET
      ['stage.exited', 'spring', ms('2026-03-29T22:00:00Z')], // 00:00 CEST, 23 h later
      ['stage.entered', 'autumn', ms('2026-10-24T22:00:00Z')], // 00:00 CEST
      ['stage.exited', 'autumn', ms('2026-10-25T23:00:00Z')], // 00:00 CET, 25 h later
    ]);
  });
});

// ------------------------------------------------------------------ removal

describe('removal', () => {
  const ir = load(`
ritual intro {
  starts on member.joined
  say to member "welcome {member.id}"
  step pay: redpacket.sent where amount >= 5
  remind after 1h: say to member "remind {member.id}"
  deadline 2h: say to member "deadline {member.id}"
}
rule kick { on message.posted when text matches "spam" do remove member reason "spam" }
rule echo { on message.posted do say "echo {member.id}" }
points { checkin.done: +5 }
`);

  it("a removed member's pending ritual timers never fire", () => {
    const rt = createRuntime(ir);
    const e = events();
    rt.dispatch(e.join('2026-03-02T10:00:00+08:00', 'u1'));
    rt.dispatch(e.join('2026-03-02T10:00:00+08:00', 'u2'));
    const kicked = rt.dispatch(e.msg('2026-03-02T10:20:00+08:00', 'u1', 'spam'));
    // The later rule's group message still runs; nothing aimed at u1 does (docs/runtime.md).
    expect(kicked.map((a) => [a.type, a.text])).toEqual([
      ['member.remove', undefined],
      ['message.send', 'echo u1'],
    ]);
    const later = rt.advance('2026-03-02T13:00:00+08:00');
    expect(later.filter((a) => a.member === 'u1')).toEqual([]);
    expect(texts(later)).toEqual(['remind u2', 'deadline u2']);
  });

  it("removal cancels the member's pending timers; a quick rejoin gets only the new ones", () => {
    const rt = createRuntime(ir);
    const e = events();
    rt.dispatch(e.join('2026-03-02T10:00:00+08:00', 'u1'));
    expect(rt.snapshot().communities[0]!.timers.filter((x) => x.member === 'u1')).toHaveLength(2);
    rt.dispatch(e.msg('2026-03-02T10:20:00+08:00', 'u1', 'spam'));
    expect(rt.snapshot().communities[0]!.timers.filter((x) => x.member === 'u1')).toEqual([]);
    rt.dispatch(e.join('2026-03-02T10:30:00+08:00', 'u1'));
    const out = rt.advance('2026-03-02T13:00:00+08:00');
    expect(out.map((a) => [a.text, instant(a)])).toEqual([
      ['remind u1', ms('2026-03-02T11:30:00+08:00')],
      ['deadline u1', ms('2026-03-02T12:30:00+08:00')],
    ]);
  });

  it('events from a removed member produce nothing', () => {
    const rt = createRuntime(ir);
    const e = events();
    rt.dispatch(e.join('2026-03-02T10:00:00+08:00', 'u1'));
    rt.dispatch(e.msg('2026-03-02T10:20:00+08:00', 'u1', 'spam'));
    expect(rt.dispatch(e.msg('2026-03-02T10:30:00+08:00', 'u1', 'hello'))).toEqual([]);
    expect(rt.dispatch(e.msg('2026-03-02T10:31:00+08:00', 'u1', 'spam'))).toEqual([]);
    expect(rt.dispatch(e.checkin('2026-03-02T10:32:00+08:00', 'u1'))).toEqual([]);
    expect(rt.dispatch(e.ev('redpacket.sent', '2026-03-02T10:33:00+08:00', 'u1', { amount: 10, shares: 10 }))).toEqual([]);
  });

  it('a member who rejoins starts the ritual fresh and keeps their points balance', () => {
    const rt = createRuntime(ir);
    const e = events();
    rt.dispatch(e.join('2026-03-02T10:00:00+08:00', 'u1'));
    expect(awards(rt.dispatch(e.checkin('2026-03-02T10:10:00+08:00', 'u1')))).toEqual([{ amount: 5, balance: 5 }]);
    rt.dispatch(e.msg('2026-03-02T10:20:00+08:00', 'u1', 'spam'));
    expect(rt.advance('2026-03-02T13:00:00+08:00')).toEqual([]);
    const back = rt.dispatch(e.join('2026-03-02T14:00:00+08:00', 'u1'));
    expect(texts(back)).toEqual(['welcome u1']);
    // Timers count from the rejoin, not the first join.
    expect(rt.advance('2026-03-02T14:59:59+08:00')).toEqual([]);
    const remind = rt.advance('2026-03-02T15:00:00+08:00');
    expect(texts(remind)).toEqual(['remind u1']);
    expect(awards(rt.dispatch(e.checkin('2026-03-02T15:30:00+08:00', 'u1')))).toEqual([{ amount: 5, balance: 10 }]);
    const deadline = rt.advance('2026-03-02T17:00:00+08:00');
    expect(texts(deadline)).toEqual(['deadline u1']);
    expect(instant(deadline[0]!)).toBe(ms('2026-03-02T16:00:00+08:00'));
  });

  it('a member who rejoins starts fresh in lifecycles', () => {
    const lir = load(`
lifecycle member {
  initial newcomer
  newcomer -> active when count(message.posted within 7d) >= 2
}
rule kick { on checkin.done do remove member reason "test" }
`);
    const rt = createRuntime(lir);
    const e = events();
    const changes = (out: OutputAction[]) => ofType(out, 'lifecycle.changed').map((a) => `${a.from}->${a.to}`);
    const first = feed(rt, [
      e.join('2026-03-02T10:00:00+08:00', 'u1'),
      e.msg('2026-03-02T10:01:00+08:00', 'u1'),
      e.msg('2026-03-02T10:02:00+08:00', 'u1'),
      e.checkin('2026-03-02T10:03:00+08:00', 'u1'),
    ]);
    expect(changes(first)).toEqual(['newcomer->active']);
    const again = feed(rt, [e.join('2026-03-02T11:00:00+08:00', 'u1'), e.msg('2026-03-02T11:01:00+08:00', 'u1'), e.msg('2026-03-02T11:02:00+08:00', 'u1')]);
    expect(changes(again)).toEqual(['newcomer->active']);
  });
});

// ------------------------------------------------------------------ snapshot

describe('snapshot and restore', () => {
  const ir = load(`
ritual intro {
  starts on member.joined
  step pay: redpacket.sent where amount >= 5
  remind after 1h: say to member "remind"
  deadline 2h: remove member reason "timeout"
}
points { message.posted: +1 cooldown 60s }
rule burst { on message.posted when count(message.posted by member within 10s) >= 3 do say to member "burst" }
ladder l { expire 1d; 1: say to member "warn 1"; 2: say to member "warn 2" }
rule bad { on message.posted when text matches "bad" do warn member "bad" on ladder l }
job daily every day 09:00 { say "good morning" }
`);

  function stream() {
    const e = events();
    const first = [
      e.join('2026-03-02T08:00:00+08:00', 'u1'),
      e.join('2026-03-02T08:00:00+08:00', 'u2'),
      e.msg('2026-03-02T08:00:01+08:00', 'u1', 'bad'),
      e.msg('2026-03-02T08:00:02+08:00', 'u1'),
    ];
    const second = [
      e.msg('2026-03-02T08:00:03+08:00', 'u1'), // completes the burst begun before the snapshot
      e.msg('2026-03-02T08:00:30+08:00', 'u1', 'bad'), // within the cooldown of 08:00:01; second warning
      first[2]!, // a duplicate from before the snapshot
      e.msg('2026-03-02T08:01:30+08:00', 'u1'), // cooldown over: awarded
      e.ev('redpacket.sent', '2026-03-02T08:30:00+08:00', 'u2', { amount: 10, shares: 10 }), // u2 completes the ritual
    ];
    return { first, second };
  }

  it('a JSON round-tripped snapshot continues exactly like an uninterrupted run', () => {
    const { first, second } = stream();
    const ref = createRuntime(ir);
    const expected = [...feed(ref, first), ...feed(ref, second), ...ref.advance('2026-03-03T12:00:00+08:00')];

    const a = createRuntime(ir);
    const before = feed(a, first);
    const snap = JSON.parse(JSON.stringify(a.snapshot())) as RuntimeSnapshot;
    const b = createRuntime(ir, { snapshot: snap });
    const after = [...feed(b, second), ...b.advance('2026-03-03T12:00:00+08:00')];
    expect([...before, ...after]).toEqual(expected);

    // And the interesting parts really happened after the restore.
    expect(texts(after)).toEqual(expect.arrayContaining(['burst', 'warn 2', 'remind', 'good morning']));
    expect(ofType(after, 'member.remove').map((a) => [a.member, instant(a)])).toEqual([['u1', ms('2026-03-02T10:00:00+08:00')]]);
    expect(ofType(after, 'points.award').map((a) => [a.balance, instant(a)])).toEqual([[2, ms('2026-03-02T08:01:30+08:00')]]);
    expect(b.dispatchDetailed(first[0]!).status).toBe('duplicate');
  });

  it('pending timers fire after a restore into a fresh runtime', () => {
    const a = createRuntime(ir);
    a.dispatch(events().join('2026-03-02T08:00:00+08:00', 'u1'));
    const snap = JSON.parse(JSON.stringify(a.snapshot())) as RuntimeSnapshot;
    const b = createRuntime(ir, { snapshot: snap });
    const out = b.advance('2026-03-02T11:00:00+08:00');
    expect(out.map((x) => [x.type, instant(x)])).toEqual([
      ['message.send', ms('2026-03-02T09:00:00+08:00')], // the daily job is created first
      ['message.send', ms('2026-03-02T09:00:00+08:00')], // the reminder
      ['member.remove', ms('2026-03-02T10:00:00+08:00')],
    ]);
    expect(texts(out)).toEqual(['good morning', 'remind']);
  });

  it('a snapshot is a copy: later dispatches do not change it', () => {
    const a = createRuntime(ir);
    const e = events();
    a.dispatch(e.join('2026-03-02T08:00:00+08:00', 'u1'));
    const snap = a.snapshot();
    const text = JSON.stringify(snap);
    a.dispatch(e.msg('2026-03-02T08:00:01+08:00', 'u1'));
    a.advance('2026-03-02T12:00:00+08:00');
    expect(JSON.stringify(snap)).toBe(text);
  });
});

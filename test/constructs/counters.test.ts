import { describe, expect, it } from 'vitest';
import { createRuntime } from '../../src/runtime/runtime.js';
import { events, feed, load, runtime, texts } from './helpers.js';

/**
 * `count(E)` as the runtime keeps it (docs/language.md, "Counting events: `count`"): group
 * windows, running counts, counts inside a campaign, and windows cleared when a rule fires
 * (issue 14, item 7).
 */

const t = (s: number) => `2026-03-02T10:00:${String(s).padStart(2, '0')}+08:00`;

describe('group windows: count(E within D) in a rule counts everyone', () => {
  const body = `rule busy { on message.posted when count(message.posted within 10s) >= 3 do say "busy {member.id}" }`;

  it('events of all members count, the current one included; firing clears the group window', () => {
    const rt = runtime(body);
    const { msg } = events();
    const out = [t(0), t(1), t(2), t(3), t(4), t(5)].map((at, i) => texts(feed(rt, [msg(at, ['ann', 'bob', 'cat'][i % 3]!)])));
    expect(out).toEqual([[], [], ['busy cat'], [], [], ['busy cat']]);
  });

  it('an event exactly D old is outside the group window', () => {
    const rt = runtime(body);
    const { msg } = events();
    feed(rt, [msg(t(0), 'ann'), msg(t(5), 'bob')]);
    expect(texts(feed(rt, [msg(t(10), 'cat')]))).toEqual([]);
    expect(texts(feed(rt, [msg(t(11), 'ann')]))).toEqual(['busy ann']);
  });
});

describe('running counts: count(E) without within', () => {
  it('counts every event so far, per member with `by member`, for the group without', () => {
    const rt = runtime(`
rule group { on message.posted when count(message.posted) == 3 do say "group 3" }
rule mine { on message.posted when count(message.posted by member) == 2 do say "mine 2 {member.id}" }`);
    const { msg } = events();
    const out = feed(rt, [msg(t(0), 'ann'), msg(t(1), 'bob'), msg('2026-03-09T10:00:00+08:00', 'ann'), msg('2026-03-09T10:00:01+08:00', 'bob')]);
    expect(texts(out)).toEqual(['group 3', 'mine 2 ann', 'mine 2 bob']);
  });
});

describe('a window read by a rule on another event', () => {
  it('a rule that fires while the member has no counts yet clears nothing and still acts', () => {
    const rt = runtime(`rule quiet { on checkin.done when count(message.posted by member within 1h) == 0 do say "quiet {member.id}" }`);
    const { checkin, msg } = events();
    expect(texts(feed(rt, [checkin(t(0), 'ann')]))).toEqual(['quiet ann']);
    expect(texts(feed(rt, [msg(t(1), 'ann'), checkin(t(2), 'ann')]))).toEqual([]);
  });

  it("firing empties only the windows of the firing rule for that member; another rule's count of the same events stays", () => {
    const rt = runtime(`
rule two { on checkin.done when count(message.posted by member within 1h) >= 2 do say "two {member.id}" }
rule react { on reaction.added when count(message.posted by member within 1h) >= 1 do say "react {member.id}" }`);
    const { msg, checkin, ev } = events();
    const out = feed(rt, [
      msg(t(0), 'ann'),
      msg(t(1), 'ann'),
      msg(t(2), 'bob'),
      msg(t(3), 'bob'),
      checkin(t(4), 'ann'), // two ann: ann's window emptied
      checkin(t(5), 'ann'), // nothing: the window is empty
      checkin(t(6), 'bob'), // bob's window was kept
      ev('reaction.added', t(7), 'ann', { messageId: 'x', emoji: 'y' }), // react's own count of ann's posts was kept
    ]);
    expect(texts(out)).toEqual(['two ann', 'two bob', 'react ann']);
  });
});

describe('counts inside a campaign only include events while one of its stages runs', () => {
  it('posts before and between stages are not counted by a goal', () => {
    const rt = runtime(`
campaign spring {
  stage a from 2026-03-03 to 2026-03-03 { on enter say "a" }
  stage b from 2026-03-05 to 2026-03-05 { on enter say "b" }
  goal two when count(message.posted) >= 2 { say "goal" }
}`);
    const { msg } = events();
    const out = feed(rt, [
      msg('2026-03-02T10:00:00+08:00', 'ann'), // before: not counted
      msg('2026-03-02T11:00:00+08:00', 'ann'),
      msg('2026-03-03T10:00:00+08:00', 'ann'), // 1
      msg('2026-03-04T10:00:00+08:00', 'ann'), // between stages: not counted
      msg('2026-03-05T10:00:00+08:00', 'ann'), // 2
    ]);
    expect(texts(out)).toEqual(['a', 'b', 'goal']);
    expect(out.find((a) => a.text === 'goal')!.at).toBe('2026-03-05T10:00:00+08:00');
  });
});

describe('what the counts keep', () => {
  it('windows keep the instants inside them, running counts a number, per member or for the group', () => {
    const rt = runtime(`
rule w { on message.posted when count(message.posted by member within 10s) >= 9 do say "w" }
rule g { on message.posted when count(message.posted within 10s) >= 9 do say "g" }
rule n { on message.posted when count(message.posted by member) >= 9 do say "n" }
rule burst { on checkin.done when count(message.posted by member within 10s) >= 2 and count(message.posted within 10s) >= 1 do say "burst" }`);
    const { msg, checkin } = events();
    feed(rt, [msg(t(0), 'ann'), msg(t(5), 'ann'), msg(t(12), 'bob')]);
    const c = rt.community('c1')!;
    const at = (s: number) => Date.parse(t(s));
    const ids = rt.ir.counters.map((x) => x.id);
    expect(rt.ir.counters.map((x) => [x.scope, x.withinMs ?? null])).toEqual([
      ['member', 10_000],
      ['community', 10_000],
      ['member', null],
      ['member', 10_000],
      ['community', 10_000],
    ]);
    const [w, g, n, bw, bg] = ids as [string, string, string, string, string];
    expect(c.members['ann']!.counters).toEqual({ [w]: [at(0), at(5)], [n]: 2, [bw]: [at(0), at(5)] });
    expect(c.members['bob']!.counters).toEqual({ [w]: [at(12)], [n]: 1, [bw]: [at(12)] });
    expect(c.counters).toEqual({ [g]: [at(5), at(12)], [bg]: [at(5), at(12)] });
    // At 14 s ann's window holds 5 s only: burst needs two of her posts.
    expect(texts(feed(rt, [checkin(t(14), 'ann')]))).toEqual([]);
    expect(texts(feed(rt, [msg(t(15), 'bob'), checkin(t(16), 'bob')]))).toEqual(['burst']);
    // Firing emptied bob's window and the group window of burst, and nothing else.
    expect(c.members['bob']!.counters).toEqual({ [w]: [at(12), at(15)], [n]: 2, [bw]: [] });
    expect(c.counters).toEqual({ [g]: [at(12), at(15)], [bg]: [] });
  });
});

describe('counts in a hand-written IR', () => {
  it('a member count on an event without a member, and a rule clearing a window the IR lacks, do not fail', () => {
    const ir = load(`
event ping { note: string }
rule r { on ping when count(ping by member within 1h) == 0 do say "ping" }`);
    ir.events['ping']!.memberLevel = false;
    ir.rules[0]!.windows = ['missing', ...ir.rules[0]!.windows];
    const rt = createRuntime(ir);
    const out = rt.dispatch({ id: 'e1', type: 'ping', at: t(0), community: 'c1', note: 'x' });
    expect(texts(out)).toEqual(['ping']);
    expect(rt.community('c1')!.counters).toEqual({});
  });
});

describe('a campaign count after a restore', () => {
  it('a snapshot taken before the playbook had the campaign counts nothing for it and does not fail', () => {
    const { msg } = events();
    const before = runtime(`rule echo { on message.posted do say "echo" }`);
    feed(before, [msg(t(0), 'ann')]);
    const snapshot = JSON.parse(JSON.stringify(before.snapshot()));
    const after = createRuntime(
      load(`
campaign spring {
  stage a from 2026-03-01 to 2026-03-31 { on enter say "a" }
  goal one when count(message.posted) >= 1 { say "goal" }
}
rule echo { on message.posted do say "echo" }`),
      { snapshot },
    );
    expect(texts(feed(after, [msg(t(1), 'ann')]))).toEqual(['echo']);
  });
});

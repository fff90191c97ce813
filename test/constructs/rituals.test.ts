import { describe, expect, it } from 'vitest';
import { events, feed, ofType, runtime, texts } from './helpers.js';

/**
 * `ritual` and `lifecycle` through the runtime (src/runtime/constructs/{rituals,lifecycles,
 * machine-steps}.ts; docs/language.md, "Rituals" and "Lifecycles"; issue 14, item 7).
 */

const T0 = '2026-03-02T10:00:00+08:00';
const at = (minutes: number) => new Date(Date.parse(T0) + minutes * 60_000).toISOString();

describe('ritual', () => {
  const body = `
ritual intro {
  starts on message.posted where text contains "start"
  say to member "started {ritual}, to do: {missing}"
  step a "Step A": checkin.done
  step b "Step B": message.posted where text contains "b"
  remind after 1h: say to member "remind {ritual}: {missing}"
  deadline 2h: say to member "late {ritual}: {missing}"
  done { say to member "done {ritual}" }
}`;

  it('starts only on an event its filter accepts, and says what is pending', () => {
    const rt = runtime(body);
    const { msg } = events();
    expect(texts(feed(rt, [msg(at(0), 'ann', 'hello')]))).toEqual([]);
    expect(rt.community('c1')!.members['ann']!.machines).toBeUndefined();
    expect(texts(feed(rt, [msg(at(1), 'ann', 'start')]))).toEqual(['started intro, to do: Step A、Step B']);
  });

  it('the reminder and the deadline name the steps still pending; after the deadline it can start again', () => {
    const rt = runtime(body);
    const { msg, checkin } = events();
    feed(rt, [msg(at(0), 'ann', 'start'), checkin(at(10), 'ann')]);
    expect(texts(rt.advance(at(60)))).toEqual(['remind intro: Step B']);
    expect(texts(rt.advance(at(120)))).toEqual(['late intro: Step B']);
    // Ended: a step counts for nothing, and its next start event starts it afresh.
    expect(texts(feed(rt, [msg(at(121), 'ann', 'b')]))).toEqual([]);
    expect(texts(feed(rt, [msg(at(122), 'ann', 'start')]))).toEqual(['started intro, to do: Step A、Step B']);
  });

  it('steps in any order; done cancels the reminder and the deadline; a start event while it runs does not restart it', () => {
    const rt = runtime(body);
    const { msg, checkin } = events();
    const out = feed(rt, [msg(at(0), 'ann', 'start'), msg(at(5), 'ann', 'start b'), checkin(at(10), 'ann')]);
    expect(texts(out)).toEqual(['started intro, to do: Step A、Step B', 'done intro']);
    expect(rt.advance(at(180))).toEqual([]);
    expect(rt.snapshot().communities[0]!.timers).toEqual([]);
  });

  it("each member's ritual runs on its own", () => {
    const rt = runtime(body);
    const { msg, checkin } = events();
    feed(rt, [msg(at(0), 'ann', 'start'), msg(at(30), 'bob', 'start'), checkin(at(40), 'bob')]);
    const out = rt.advance(at(95));
    expect(ofType(out, 'message.send').map((a) => [a.member, a.text, a.at])).toEqual([
      ['ann', 'remind intro: Step A、Step B', '2026-03-02T11:00:00+08:00'],
      ['bob', 'remind intro: Step B', '2026-03-02T11:30:00+08:00'],
    ]);
  });

  it('a member removed by one ritual is not stepped by the next one', () => {
    const rt = runtime(`
ritual first { starts on member.joined; step s: checkin.done; done { remove member reason "out" } }
ritual second { starts on member.joined; step s: checkin.done; done { say to member "second done" } }`);
    const { join, checkin } = events();
    const out = feed(rt, [join(at(0), 'ann'), checkin(at(1), 'ann')]);
    expect(ofType(out, 'member.remove').length).toBe(1);
    expect(texts(out)).toEqual([]);
  });
});

describe('lifecycle', () => {
  it('a member removed by one lifecycle is neither started nor stepped by the next', () => {
    const rt = runtime(`
lifecycle one { initial a; a -> b on message.posted { remove member reason "out" } }
lifecycle two { initial x; x -> y on message.posted { say to member "two moved" } }`);
    const { msg } = events();
    const out = feed(rt, [msg(at(0), 'ann')]);
    expect(ofType(out, 'member.remove').length).toBe(1);
    expect(texts(out)).toEqual([]);
    expect(Object.keys(rt.community('c1')!.members['ann']!.machines ?? {})).toEqual(['lifecycle:one']);
  });

  it('every lifecycle starts and moves on the same first event, and reports each change', () => {
    const rt = runtime(`
lifecycle one { initial a; a -> b on message.posted { say to member "{lifecycle}: {from} -> {to}" } }
lifecycle two { initial x; x -> y on message.posted { say to member "{lifecycle}: {from} -> {to}" } }`);
    const { msg } = events();
    const out = feed(rt, [msg(at(0), 'ann')]);
    expect(texts(out)).toEqual(['one: a -> b', 'two: x -> y']);
    expect(ofType(out, 'lifecycle.changed').map((a) => [a.lifecycle, a.from, a.to])).toEqual([
      ['one', 'a', 'b'],
      ['two', 'x', 'y'],
    ]);
  });

  it('an `after` transition fires from its timer for a present member only', () => {
    const rt = runtime(`lifecycle l { initial a; a -> b after 1h { say to member "moved {to}" } }`);
    const { msg, leave } = events();
    feed(rt, [msg(at(0), 'ann'), msg(at(0), 'bob'), leave(at(10), 'bob')]);
    expect(ofType(rt.advance(at(60)), 'message.send').map((a) => [a.member, a.text])).toEqual([['ann', 'moved b']]);
  });
});

import { describe, expect, it } from 'vitest';
import { events, feed, ofType, runtime } from './helpers.js';

/**
 * `rt.advance(to)` (issue 14, item 7). The behaviour pinned here: advancing to the community's
 * clock or earlier is a no-op that returns [] (a community's clock never goes back); a `to` that
 * is not an instant (`"junk"`, NaN, Infinity) throws a RangeError and changes nothing.
 */

const BODY = `
ritual intro {
  starts on member.joined
  step hello: message.posted
  remind after 1h: say to member "remind"
  deadline 2h: remove member reason "late"
}`;

function started() {
  const rt = runtime(BODY);
  const e = events();
  feed(rt, [e.join('2026-03-02T10:00:00+08:00', 'ann')]);
  return { rt, e };
}

describe('advance', () => {
  it('fires the timers due up to the instant, in order, and moves the clock there', () => {
    const { rt } = started();
    const out = rt.advance('2026-03-02T13:00:00+08:00');
    expect(out.map((a) => [a.type, a.at])).toEqual([
      ['message.send', '2026-03-02T11:00:00+08:00'],
      ['member.remove', '2026-03-02T12:00:00+08:00'],
    ]);
    expect(rt.community('c1')!.clock).toBe(Date.parse('2026-03-02T13:00:00+08:00'));
  });

  it('takes a number of milliseconds as well as ISO text; a timer due exactly then fires', () => {
    const { rt } = started();
    expect(ofType(rt.advance(Date.parse('2026-03-02T11:00:00+08:00')), 'message.send').length).toBe(1);
  });

  it('to an earlier time: returns [], fires nothing, the clock stays', () => {
    const { rt, e } = started();
    rt.advance('2026-03-02T10:30:00+08:00');
    expect(rt.advance('2026-03-02T09:00:00+08:00')).toEqual([]);
    expect(rt.community('c1')!.clock).toBe(Date.parse('2026-03-02T10:30:00+08:00'));
    expect(rt.advance('2026-03-02T10:30:00+08:00')).toEqual([]);
    // The clock did not go back: an event at 10:15 is still late, processed at 10:30.
    const r = rt.dispatchDetailed(e.msg('2026-03-02T10:15:00+08:00', 'ann'));
    expect(r.late).toBe(true);
    // That message completed the ritual: its reminder and deadline are cancelled.
    expect(rt.advance('2026-03-02T13:00:00+08:00')).toEqual([]);
  });

  it('to "junk", NaN or Infinity: a RangeError, and nothing changes', () => {
    const { rt } = started();
    const before = JSON.stringify(rt.snapshot());
    expect(() => rt.advance('junk')).toThrow(RangeError);
    expect(() => rt.advance('junk')).toThrow(/not an instant: junk/);
    expect(() => rt.advance(Number.NaN)).toThrow(RangeError);
    expect(() => rt.advance(Number.POSITIVE_INFINITY)).toThrow(RangeError);
    expect(JSON.stringify(rt.snapshot())).toBe(before);
    expect(rt.community('c1')!.clock).toBe(Date.parse('2026-03-02T10:00:00+08:00'));
    expect(ofType(rt.advance('2026-03-02T11:00:00+08:00'), 'message.send').map((a) => a.at)).toEqual(['2026-03-02T11:00:00+08:00']);
  });

  it('moves each community by its own clock', () => {
    const rt = runtime(BODY);
    const a = events('a');
    const b = events('b');
    feed(rt, [a.join('2026-03-02T10:00:00+08:00', 'ann'), b.join('2026-03-02T12:00:00+08:00', 'bob')]);
    // b's clock is 12:00; advancing to 11:30 fires a's reminder only and leaves b alone.
    expect(rt.advance('2026-03-02T11:30:00+08:00').map((x) => `${x.community}:${x.type}`)).toEqual(['a:message.send']);
    expect(rt.community('b')!.clock).toBe(Date.parse('2026-03-02T12:00:00+08:00'));
    expect(rt.advance('2026-03-02T14:00:00+08:00').map((x) => `${x.community}:${x.type}`)).toEqual(['a:member.remove', 'b:message.send', 'b:member.remove']);
  });
});

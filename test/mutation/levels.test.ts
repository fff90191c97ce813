import { describe, expect, it } from 'vitest';
import { events, feed, ofType, runtime } from '../constructs/helpers.js';

/**
 * Levels and badges as src/runtime/constructs/levels.ts reaches them (docs/language.md, "Levels",
 * "Badges"). Written for the mutation run (docs/testing.md, "Mutation testing").
 */

const day = (d: number, h = 9) => `2026-03-${String(d).padStart(2, '0')}T${String(h).padStart(2, '0')}:00:00+08:00`;
const reached = (out: ReturnType<typeof feed>) => ofType(out, 'level.reached').map((a) => `${String(a.member)} ${String(a.level)}`);

describe('levels', () => {
  const body = `points { checkin.done: +5; message.posted: -5 }\nlevels { 新人 at 0; 青铜 at 10; 白银 at 20 }`;

  it('a level at 0 is where everyone starts: never reached; a threshold is reached exactly at it', () => {
    const rt = runtime(body);
    const { checkin } = events();
    expect(reached(feed(rt, [checkin(day(2), 'ann')]))).toEqual([]);
    expect(reached(feed(rt, [checkin(day(3), 'ann')]))).toEqual(['ann 青铜']);
    expect(rt.community('c1')!.members['ann']!.levels).toEqual(['青铜']);
  });

  it('each level once per member, even after the balance falls below it and comes back', () => {
    const rt = runtime(body);
    const { checkin, msg } = events();
    const out = feed(rt, [checkin(day(2), 'ann'), checkin(day(3), 'ann'), msg(day(3, 10), 'ann'), checkin(day(4), 'ann'), checkin(day(5), 'bob')]);
    expect(reached(out)).toEqual(['ann 青铜']);
    expect(reached(feed(rt, [checkin(day(5), 'bob'), checkin(day(6), 'ann'), checkin(day(7), 'ann')]))).toEqual(['bob 青铜', 'ann 白银']);
  });

  it('an award that crosses two thresholds reaches both, lowest first', () => {
    const rt = runtime(`points { checkin.done: +25 }\nlevels { 青铜 at 10; 白银 at 20; 黄金 at 30 }`);
    expect(reached(feed(rt, [events().checkin(day(2), 'ann')]))).toEqual(['ann 青铜', 'ann 白银']);
  });
});

describe('streak badges', () => {
  const body = `badge 三连 streak 3 days of checkin.done: say "{member.id} 三连"`;
  const said = (out: ReturnType<typeof feed>) => ofType(out, 'message.send').map((a) => a.text);

  it('consecutive local days lengthen the streak; the same day does not; a gap starts it again at 1', () => {
    const rt = runtime(body);
    const { checkin } = events();
    feed(rt, [checkin(day(2), 'ann'), checkin(day(3), 'ann'), checkin(day(3, 20), 'ann')]);
    expect(rt.community('c1')!.members['ann']!.streaks).toEqual({ 三连: { day: expect.any(Number), length: 2 } });
    feed(rt, [checkin(day(5), 'ann'), checkin(day(6), 'ann')]);
    expect(rt.community('c1')!.members['ann']!.streaks!['三连']!.length).toBe(2);
    expect(said(feed(rt, [checkin(day(7), 'ann')]))).toEqual(['ann 三连']);
    expect(said(feed(rt, [checkin(day(8), 'ann')]))).toEqual([]);
  });

  it('once the badge is granted its streak is no longer kept up', () => {
    const rt = runtime(body);
    const { checkin } = events();
    feed(rt, [checkin(day(2), 'ann'), checkin(day(3), 'ann'), checkin(day(4), 'ann')]);
    const kept = rt.community('c1')!.members['ann']!.streaks!['三连'];
    feed(rt, [checkin(day(5), 'ann'), checkin(day(7), 'ann')]);
    expect(rt.community('c1')!.members['ann']!.streaks!['三连']).toEqual(kept);
    expect(kept?.length).toBe(3);
  });
});

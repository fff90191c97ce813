import { describe, expect, it } from 'vitest';
import { events, feed, ofType, runtime } from './helpers.js';

/** A streak badge counts days of its own event only; two streak badges keep their own streaks (docs/language.md, "Badges"; issue 14, item 7). */

const badges = (out: ReturnType<typeof feed>) => ofType(out, 'badge.granted').map((a) => [a.badge, a.at.slice(0, 10)]);

describe('streak badges', () => {
  it('a day with only another event of the member breaks the streak', () => {
    const rt = runtime(`badge 两天 streak 2 days of checkin.done`);
    const { checkin, msg } = events();
    const out = feed(rt, [checkin('2026-03-02T08:00:00+08:00', 'ann'), msg('2026-03-03T08:00:00+08:00', 'ann'), checkin('2026-03-04T08:00:00+08:00', 'ann')]);
    expect(badges(out)).toEqual([]);
    expect(badges(feed(rt, [checkin('2026-03-05T08:00:00+08:00', 'ann')]))).toEqual([['两天', '2026-03-05']]);
  });

  it('two streak badges on different events keep separate streaks', () => {
    const rt = runtime(`badge 打卡 streak 2 days of checkin.done
badge 发言 streak 3 days of message.posted`);
    const { checkin, msg } = events();
    const out = feed(rt, [
      msg('2026-03-02T08:00:00+08:00', 'ann'),
      checkin('2026-03-03T08:00:00+08:00', 'ann'),
      msg('2026-03-03T09:00:00+08:00', 'ann'),
      checkin('2026-03-04T08:00:00+08:00', 'ann'),
      msg('2026-03-04T09:00:00+08:00', 'ann'),
    ]);
    expect(badges(out)).toEqual([
      ['打卡', '2026-03-04'],
      ['发言', '2026-03-04'],
    ]);
  });
});

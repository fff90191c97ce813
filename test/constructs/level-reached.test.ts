import { describe, expect, it } from 'vitest';
import { events, feed, ofType, runtime } from './helpers.js';

/** What `level.reached` reports (docs/runtime.md, "Points"; issue 14, item 7). */

describe('level.reached', () => {
  it('names the level and has `levels` as its source, after the award that crossed it', () => {
    const rt = runtime(`points { checkin.done: +5 }
levels { bronze at 5; silver at 10 }`);
    const { checkin } = events();
    const out = feed(rt, [checkin('2026-03-02T08:00:00+08:00', 'ann'), checkin('2026-03-02T09:00:00+08:00', 'ann')]);
    expect(ofType(out, 'level.reached').map((a) => [a.member, a.level, a.source])).toEqual([
      ['ann', 'bronze', 'levels'],
      ['ann', 'silver', 'levels'],
    ]);
  });
});

import { describe, expect, it } from 'vitest';
import { amounts, events, feed, ofType, runtime } from '../constructs/helpers.js';

/**
 * The points table's computed amounts and the daily buckets of period boards
 * (src/runtime/constructs/points.ts; docs/language.md, "Points"). Written for the mutation run
 * (docs/testing.md, "Mutation testing").
 */

const at = (min: number) => `2026-03-02T10:${String(min).padStart(2, '0')}:00+08:00`;

describe('computed amounts in the points table', () => {
  // `amount` is optional: an event without it reaches the entry, which has no value then.
  const body = `event sale.made { amount?: number }\npoints { sale.made: +amount / 100 cooldown 10m cap 3 per day reason "返" }`;
  const paid = (ev: ReturnType<typeof events>['ev'], min: number, amount?: number) => ev('sale.made', at(min), 'ann', amount === undefined ? {} : { amount });

  it('are rounded halves away from zero; none, or one that rounds to 0, awards nothing and starts no cooldown or cap', () => {
    const rt = runtime(body);
    const { ev } = events();
    expect(amounts(feed(rt, [paid(ev, 0)]))).toEqual([]); // no amount
    expect(amounts(feed(rt, [paid(ev, 1, 40)]))).toEqual([]); // 0.4 -> 0
    expect(amounts(feed(rt, [paid(ev, 2, 49)]))).toEqual([]); // 0.49 -> 0
    expect(amounts(feed(rt, [paid(ev, 3, 250)]))).toEqual([3]); // 2.5 -> 3: no cooldown from the three before
    expect(amounts(feed(rt, [paid(ev, 4, 1000)]))).toEqual([]); // within the cooldown of the award at :03
    expect(amounts(feed(rt, [paid(ev, 13, 149)]))).toEqual([1]); // 1.49 -> 1, ten minutes later
    expect(amounts(feed(rt, [paid(ev, 23, 150)]))).toEqual([2]); // the third award of the day: the zeros used no cap
    expect(amounts(feed(rt, [paid(ev, 33, 500)]))).toEqual([]); // the fourth: capped
    const award = ofType(feed(rt, [ev('sale.made', '2026-03-03T10:00:00+08:00', 'ann', { amount: 1250 })]), 'points.award')[0];
    expect([award?.amount, award?.balance, award?.reason]).toEqual([13, 19, '返']);
  });

  it('a negative amount is deducted, rounded away from zero', () => {
    const rt = runtime(`event mall.redeemed { cost?: number }\npoints { mall.redeemed: -cost / 2 reason "兑换" }`);
    const { ev } = events();
    expect(amounts(feed(rt, [ev('mall.redeemed', at(0), 'ann', { cost: 5 }), ev('mall.redeemed', at(1), 'ann', { cost: 1 })]))).toEqual([-3, -1]);
  });
});

describe('a balance stays a finite number (docs/runtime.md, "Points")', () => {
  it('a points-table award that would overflow it is not made, and uses no cap or cooldown', () => {
    const rt = runtime(`event sale.made { amount?: number }\npoints { sale.made: +amount cooldown 5m cap 2 per day reason "sale" }`);
    const { ev, join } = events();
    feed(rt, [join(at(0), 'ann')]);
    const sale = (min: number, amount: number) => ev('sale.made', at(min), 'ann', { amount });
    expect(amounts(feed(rt, [sale(1, 1e308)]))).toEqual([1e308]);
    expect(amounts(feed(rt, [sale(7, 1e308)]))).toEqual([]); // would be Infinity
    // The refused award started no cooldown (two minutes ago) and used no cap (two a day).
    expect(amounts(feed(rt, [sale(9, -5)]))).toEqual([-5]);
    expect(rt.community('c1')!.members['ann']!.points).toBe(1e308 - 5);
  });

  it('an award action that would overflow it is not made; the balance survives a snapshot', () => {
    const rt = runtime(`event order.paid { amount: number }\nrule a { on order.paid do award amount points reason "paid" }`);
    const { ev, join } = events();
    feed(rt, [join(at(0), 'ann')]);
    const out = feed(rt, [
      ev('order.paid', at(1), 'ann', { orderId: 'o1', amount: 1.5e308 }),
      ev('order.paid', at(2), 'ann', { orderId: 'o2', amount: 1e308 }),
    ]);
    expect(ofType(out, 'points.award').map((a) => a.balance)).toEqual([1.5e308]);
    const json = JSON.stringify(rt.snapshot());
    expect(json).toContain('"points":1.5e+308');
  });
});

describe('daily buckets', () => {
  it('are kept only when a period board ranks by points', () => {
    const plain = runtime(`points { checkin.done: +2 }\nleaderboard top 3 by points every day at 21:00: say "{board}"`);
    feed(plain, [events().checkin(at(0), 'ann')]);
    expect(plain.community('c1')!.members['ann']!.daily).toBeUndefined();
    const weekly = runtime(`points { checkin.done: +2 }\nleaderboard weekly top 3 by points every day at 21:00: say "{board}"`);
    const { checkin } = events();
    feed(weekly, [checkin(at(0), 'ann'), checkin('2026-03-03T10:00:00+08:00', 'ann'), checkin('2026-03-03T11:00:00+08:00', 'ann')]);
    expect(Object.values(weekly.community('c1')!.members['ann']!.daily!)).toEqual([2, 4]);
  });

  it('a bucket 40 local days before the award is kept, one 41 days before is dropped', () => {
    const rt = runtime(`points { checkin.done: +1 }\nleaderboard monthly top 3 by points every day at 21:00: say "{board}"`);
    const { checkin } = events();
    feed(rt, [checkin('2026-01-20T10:00:00+08:00', 'ann'), checkin('2026-01-21T10:00:00+08:00', 'ann'), checkin('2026-03-02T10:00:00+08:00', 'ann')]);
    // 2026-03-02 is 41 days after 01-20 and 40 after 01-21.
    const daily = rt.community('c1')!.members['ann']!.daily!;
    expect(Object.keys(daily).map((k) => Number(k) - Number(Object.keys(daily).at(-1)))).toEqual([-40, 0]);
  });
});

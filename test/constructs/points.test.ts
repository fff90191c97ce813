import { describe, expect, it } from 'vitest';
import { amounts, events, feed, ofType, runtime, texts } from './helpers.js';

/** Points tables (docs/language.md, "Points") and the rules' `once` (issue 14, item 7). */

describe('points: an entry with `where` awards only the events its filter accepts', () => {
  it('an order under the threshold earns nothing; one at or above it earns the entry', () => {
    const rt = runtime(`points { order.paid where amount >= 100: +20 reason "大额订单" }`);
    const { join, ev } = events();
    const out = feed(rt, [
      join('2026-03-02T10:00:00+08:00', 'ann'),
      ev('order.paid', '2026-03-02T10:01:00+08:00', 'ann', { orderId: 'o1', amount: 50 }),
      ev('order.paid', '2026-03-02T10:02:00+08:00', 'ann', { orderId: 'o2', amount: 99.5 }),
      ev('order.paid', '2026-03-02T10:03:00+08:00', 'ann', { orderId: 'o3', amount: 100 }),
    ]);
    expect(ofType(out, 'points.award').map((a) => [a.amount, a.reason, a.cause])).toEqual([[20, '大额订单', 'c1-4']]);
  });

  it('two entries on one event, each with its own filter, award independently', () => {
    const rt = runtime(`points {
  message.posted where text contains "谢谢": +2 reason "thanks"
  message.posted where channel == "help": +3 reason "help"
}`);
    const { join, ev } = events();
    const out = feed(rt, [
      join('2026-03-02T10:00:00+08:00', 'ann'),
      ev('message.posted', '2026-03-02T10:01:00+08:00', 'ann', { messageId: 'a', text: '谢谢你' }),
      ev('message.posted', '2026-03-02T10:02:00+08:00', 'ann', { messageId: 'b', text: 'hi', channel: 'help' }),
      ev('message.posted', '2026-03-02T10:03:00+08:00', 'ann', { messageId: 'c', text: 'hi', channel: 'chat' }),
    ]);
    expect(ofType(out, 'points.award').map((a) => a.reason)).toEqual(['thanks', 'help']);
  });
});

describe('points: caps count per local calendar period', () => {
  const { join, checkin } = events();

  it('`cap 1 per week`: a second check-in in the same ISO week earns nothing, the next Monday does', () => {
    const rt = runtime(`points { checkin.done: +5 cap 1 per week }`);
    const out = feed(rt, [
      join('2026-03-02T08:00:00+08:00', 'ann'), // Monday
      checkin('2026-03-02T09:00:00+08:00', 'ann'),
      checkin('2026-03-03T09:00:00+08:00', 'ann'), // Tuesday, same week: a daily cap would award it
      checkin('2026-03-08T23:59:00+08:00', 'ann'), // Sunday, still the same week
      checkin('2026-03-09T00:01:00+08:00', 'ann'), // Monday after local midnight (Sunday 16:01 UTC)
      checkin('2026-03-12T09:00:00+08:00', 'ann'),
    ]);
    expect(ofType(out, 'points.award').map((a) => a.at)).toEqual(['2026-03-02T09:00:00+08:00', '2026-03-09T00:01:00+08:00']);
  });

  it('`cap 1 per month`: one award per local month, reset at local midnight on the 1st', () => {
    const rt = runtime(`points { checkin.done: +5 cap 1 per month }`);
    const out = feed(rt, [
      join('2026-03-02T08:00:00+08:00', 'ann'),
      checkin('2026-03-02T09:00:00+08:00', 'ann'),
      checkin('2026-03-03T09:00:00+08:00', 'ann'), // next day, same month
      checkin('2026-03-20T09:00:00+08:00', 'ann'), // next week, same month
      checkin('2026-03-31T23:59:00+08:00', 'ann'),
      checkin('2026-04-01T00:01:00+08:00', 'ann'), // 31 March 16:01 UTC: a new local month
      checkin('2026-04-30T12:00:00+08:00', 'ann'),
      checkin('2026-12-31T12:00:00+08:00', 'ann'),
      checkin('2027-01-01T12:00:00+08:00', 'ann'), // a new year
    ]);
    expect(ofType(out, 'points.award').map((a) => a.at.slice(0, 10))).toEqual(['2026-03-02', '2026-04-01', '2026-12-31', '2027-01-01']);
  });

  it('`cap 2 per day`: the third award of a local day is skipped, the next local day starts again', () => {
    const rt = runtime(`points { checkin.done: +1 cap 2 per day }`);
    const out = feed(rt, [
      join('2026-03-02T08:00:00+08:00', 'ann'),
      checkin('2026-03-02T09:00:00+08:00', 'ann'),
      checkin('2026-03-02T10:00:00+08:00', 'ann'),
      checkin('2026-03-02T23:59:00+08:00', 'ann'),
      checkin('2026-03-03T00:00:00+08:00', 'ann'),
    ]);
    expect(ofType(out, 'points.award').map((a) => a.balance)).toEqual([1, 2, 3]);
  });

  it('a day cap and a week cap together: the week cap stops awards on days the day cap allows', () => {
    const rt = runtime(`points { checkin.done: +1 cap 1 per day cap 2 per week }`);
    const out = feed(rt, [
      join('2026-03-02T08:00:00+08:00', 'ann'),
      checkin('2026-03-02T09:00:00+08:00', 'ann'),
      checkin('2026-03-03T09:00:00+08:00', 'ann'),
      checkin('2026-03-04T09:00:00+08:00', 'ann'),
      checkin('2026-03-09T09:00:00+08:00', 'ann'),
    ]);
    expect(ofType(out, 'points.award').map((a) => a.at.slice(0, 10))).toEqual(['2026-03-02', '2026-03-03', '2026-03-09']);
  });

  it('`cap 10 points per week` counts points: an award that would pass the cap is skipped', () => {
    const rt = runtime(`points { checkin.done: +4 cap 10 points per week }`);
    const out = feed(rt, [
      join('2026-03-02T08:00:00+08:00', 'ann'),
      checkin('2026-03-02T09:00:00+08:00', 'ann'),
      checkin('2026-03-03T09:00:00+08:00', 'ann'),
      checkin('2026-03-04T09:00:00+08:00', 'ann'), // 12 > 10
      checkin('2026-03-09T09:00:00+08:00', 'ann'),
    ]);
    expect(amounts(out)).toEqual([4, 4, 4]);
    expect(ofType(out, 'points.award').map((a) => a.balance)).toEqual([4, 8, 12]);
  });
});

describe('rules: `once per community` and `once per member`', () => {
  it('`once per community` runs for the first order of the whole group only', () => {
    const rt = runtime(`rule first_order {
  on order.paid
  once per community
  do say "本群第一单!感谢 {member.name}"
}`);
    const { join, ev } = events();
    const out = feed(rt, [
      join('2026-03-02T10:00:00+08:00', 'ann', { name: 'Ann' }),
      join('2026-03-02T10:00:00+08:00', 'bob', { name: 'Bob' }),
      ev('order.paid', '2026-03-02T10:01:00+08:00', 'ann', { orderId: 'o1', amount: 5 }),
      ev('order.paid', '2026-03-02T10:02:00+08:00', 'bob', { orderId: 'o2', amount: 5 }),
      ev('order.paid', '2026-03-02T10:03:00+08:00', 'ann', { orderId: 'o3', amount: 5 }),
    ]);
    expect(texts(out)).toEqual(['本群第一单!感谢 Ann']);
  });

  it('`once per community` is per community: another community has its own first order', () => {
    const rt = runtime(`rule first_order { on order.paid; once per community; do say "first in {community}" }`);
    const a = events('a');
    const b = events('b');
    const out = feed(rt, [
      a.ev('order.paid', '2026-03-02T10:01:00+08:00', 'ann', { orderId: 'o1', amount: 5 }),
      b.ev('order.paid', '2026-03-02T10:02:00+08:00', 'bob', { orderId: 'o2', amount: 5 }),
      a.ev('order.paid', '2026-03-02T10:03:00+08:00', 'cat', { orderId: 'o3', amount: 5 }),
    ]);
    expect(texts(out)).toEqual(['first in a', 'first in b']);
  });

  it('`once per member` runs once for each member', () => {
    const rt = runtime(`rule first_post { on message.posted; once per member; do say "{member.id} 第一次发言" }`);
    const { msg } = events();
    const out = feed(rt, [
      msg('2026-03-02T10:01:00+08:00', 'ann'),
      msg('2026-03-02T10:02:00+08:00', 'ann'),
      msg('2026-03-02T10:03:00+08:00', 'bob'),
      msg('2026-03-02T10:04:00+08:00', 'bob'),
    ]);
    expect(texts(out)).toEqual(['ann 第一次发言', 'bob 第一次发言']);
  });
});

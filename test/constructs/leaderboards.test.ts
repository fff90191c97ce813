import { describe, expect, it } from 'vitest';
import { events, feed, ofType, runtime, texts } from './helpers.js';

/**
 * Leaderboards (docs/language.md, "Leaderboards"; docs/runtime.md, "Points"): present members
 * ranked by points over the last 1, 7 or 30 local days or by balance, ties by name, the top N
 * (issue 14, item 7).
 */

const POINTS = `
rule earn { on order.paid do award 1 points }
rule earn5 { on checkin.done do award 5 points }
rule lose { on rules.acknowledged do deduct 100 points }
`;

/** n `order.paid` events (1 point each) for a member at an instant. */
function orders(ev: ReturnType<typeof events>['ev'], at: string, member: string, n: number) {
  return Array.from({ length: n }, (_, i) => ev('order.paid', at, member, { orderId: `${member}-${at}-${i}`, amount: 1 }));
}

describe('leaderboards: ranking', () => {
  it('`all` ranks by balance; ties by name; members without points and members who left are not ranked; top N', () => {
    const rt = runtime(`${POINTS}
leaderboard all top 3 by points every day at 21:00: say "{board}"`);
    const { join, ev, leave } = events();
    feed(rt, [
      join('2026-03-02T10:00:00+08:00', 'u1', { name: 'Zed' }),
      join('2026-03-02T10:00:00+08:00', 'u2', { name: 'Amy' }),
      join('2026-03-02T10:00:00+08:00', 'u3'),
      join('2026-03-02T10:00:00+08:00', 'u4', { name: 'Bo' }),
      join('2026-03-02T10:00:00+08:00', 'u5', { name: 'Gone' }),
      join('2026-03-02T10:00:00+08:00', 'u6', { name: 'Zero' }),
      join('2026-03-02T10:00:00+08:00', 'u7', { name: 'Neg' }),
      join('2026-03-02T10:00:00+08:00', 'u8', { name: 'Last' }),
      ...orders(ev, '2026-03-02T11:00:00+08:00', 'u1', 3),
      ...orders(ev, '2026-03-02T11:00:00+08:00', 'u2', 3),
      ...orders(ev, '2026-03-02T11:00:00+08:00', 'u3', 5),
      ...orders(ev, '2026-03-02T11:00:00+08:00', 'u4', 2),
      ...orders(ev, '2026-03-02T11:00:00+08:00', 'u8', 1),
      ...orders(ev, '2026-03-02T11:00:00+08:00', 'u5', 9),
      leave('2026-03-02T12:00:00+08:00', 'u5'),
      ev('rules.acknowledged', '2026-03-02T12:00:00+08:00', 'u7'),
    ]);
    const out = rt.advance('2026-03-02T21:00:00+08:00');
    // u3 has no name: its id is shown. Amy and Zed tie on 3: Amy first. Bo is fourth: cut by top 3.
    expect(texts(out)).toEqual(['1. u3 5\n2. Amy 3\n3. Zed 3']);
    expect(out[0]!.source).toBe('leaderboard:all');
    expect(out[0]!.at).toBe('2026-03-02T21:00:00+08:00');
  });

  it('a tie between a named member and an unnamed one compares the name with the id', () => {
    const rt = runtime(`${POINTS}
leaderboard all top 5 by points every day at 21:00: say "{board}"`);
    const { join, ev } = events();
    feed(rt, [
      join('2026-03-02T10:00:00+08:00', 'b-id', { name: 'c-name' }),
      join('2026-03-02T10:00:00+08:00', 'd-id', { name: 'a-name' }),
      join('2026-03-02T10:00:00+08:00', 'b2'),
      ...orders(ev, '2026-03-02T11:00:00+08:00', 'b-id', 2),
      ...orders(ev, '2026-03-02T11:00:00+08:00', 'd-id', 2),
      ...orders(ev, '2026-03-02T11:00:00+08:00', 'b2', 2),
    ]);
    expect(texts(rt.advance('2026-03-02T21:00:00+08:00'))).toEqual(['1. a-name 2\n2. b2 2\n3. c-name 2']);
  });

  it('an empty board is an empty text, and the board is posted again the next day', () => {
    const rt = runtime(`${POINTS}
leaderboard all top 3 by points every day at 21:00: say "[{board}]"`);
    const { join } = events();
    feed(rt, [join('2026-03-02T10:00:00+08:00', 'u1')]);
    const out = rt.advance('2026-03-04T21:00:00+08:00');
    expect(ofType(out, 'message.send').map((a) => [a.at, a.text])).toEqual([
      ['2026-03-02T21:00:00+08:00', '[]'],
      ['2026-03-03T21:00:00+08:00', '[]'],
      ['2026-03-04T21:00:00+08:00', '[]'],
    ]);
  });
});

describe('leaderboards: periods count points of the last 1, 7 or 30 local days, today included', () => {
  const body = `${POINTS}
leaderboard d daily top 9 by points every day at 21:00: say "daily\\n{board}"
leaderboard w weekly top 9 by points every day at 21:00: say "weekly\\n{board}"
leaderboard m monthly top 9 by points every day at 21:00: say "monthly\\n{board}"
leaderboard a all top 9 by points every day at 21:00: say "all\\n{board}"`;

  it('each board adds up the days in its period; a day just outside it does not count', () => {
    const rt = runtime(body);
    const { join, ev, checkin } = events();
    feed(rt, [
      join('2026-01-01T10:00:00+08:00', 'ann'),
      join('2026-01-01T10:00:00+08:00', 'bob'),
      // Today is 1 March: the last 30 local days are 31 Jan to 1 Mar, the last 7 are 23 Feb to 1 Mar.
      ...orders(ev, '2026-01-30T23:59:00+08:00', 'ann', 2), // 30 days back: only in `all`
      ...orders(ev, '2026-01-31T00:00:00+08:00', 'bob', 32), // 29 days back: monthly
      ...orders(ev, '2026-02-22T23:59:00+08:00', 'bob', 4), // 7 days back: monthly, not weekly
      ...orders(ev, '2026-02-23T00:00:00+08:00', 'ann', 8), // 6 days back: weekly
      checkin('2026-02-28T23:59:59+08:00', 'bob'), // yesterday: weekly, not daily
      ...orders(ev, '2026-03-01T00:00:00+08:00', 'ann', 16), // today from local midnight
    ]);
    const out = texts(rt.advance('2026-03-01T21:00:00+08:00'));
    const board = (name: string) => out.filter((t) => t.startsWith(`${name}\n`)).at(-1);
    expect(board('daily')).toBe('daily\n1. ann 16');
    expect(board('weekly')).toBe('weekly\n1. ann 24\n2. bob 5');
    expect(board('monthly')).toBe('monthly\n1. bob 41\n2. ann 24');
    expect(board('all')).toBe('all\n1. bob 41\n2. ann 26');
  });

  it('daily buckets older than 40 local days are dropped at the next award; without a period board none are kept', () => {
    const rt = runtime(body);
    const { join, ev } = events();
    feed(rt, [
      join('2026-01-01T10:00:00+08:00', 'ann'),
      ...orders(ev, '2026-01-01T12:00:00+08:00', 'ann', 1),
      ...orders(ev, '2026-01-02T12:00:00+08:00', 'ann', 2),
      ...orders(ev, '2026-02-11T12:00:00+08:00', 'ann', 4), // 1 Jan is 41 days back, 2 Jan 40
    ]);
    const daily = rt.community('c1')!.members['ann']!.daily!;
    expect(Object.values(daily).sort((a, b) => a - b)).toEqual([2, 4]);

    const plain = runtime(`${POINTS}
leaderboard a all top 9 by points every day at 21:00: say "{board}"`);
    feed(plain, [join('2026-01-01T10:00:00+08:00', 'ann'), ...orders(ev, '2026-01-01T12:00:00+08:00', 'ann', 1)]);
    expect(plain.community('c1')!.members['ann']!.daily).toBeUndefined();
    expect(plain.community('c1')!.members['ann']!.points).toBe(1);
  });
});

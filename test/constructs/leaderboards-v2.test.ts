import { describe, expect, it } from 'vitest';
import { compile } from '../../src/compiler/compile.js';
import { createRuntime } from '../../src/runtime/runtime.js';
import { events, feed, load, ofType, runtime, texts } from './helpers.js';

/**
 * Leaderboards ranked by points, counts or member values over exact windows, `skip if empty`, and
 * `for each member:` (docs/language.md, "Leaderboards"; issue 15, item 4).
 */

const EARN = `rule earn { on order.paid do award amount points }\n`;

function order(ev: ReturnType<typeof events>['ev'], at: string, member: string, amount: number) {
  return ev('order.paid', at, member, { orderId: `${member}-${at}`, amount });
}

describe('windows', () => {
  it('`since last post`: from the previous posting (included) to this one (excluded); the first counts from the first event', () => {
    const rt = runtime(`${EARN}leaderboard 周榜 top 5 by points since last post every mon at 09:00: say "{board}"`);
    const { join, ev } = events();
    // 2026-03-02 is a Monday.
    const out = feed(rt, [
      join('2026-02-27T10:00:00+08:00', 'a', { name: 'A' }),
      join('2026-02-27T10:00:00+08:00', 'b', { name: 'B' }),
      order(ev, '2026-02-28T10:00:00+08:00', 'a', 5),
      order(ev, '2026-03-02T08:59:59+08:00', 'b', 1),
      // At the posting instant: timers fire first, so this counts for the next board.
      order(ev, '2026-03-02T09:00:00+08:00', 'b', 10),
      order(ev, '2026-03-02T10:00:00+08:00', 'a', 2),
      order(ev, '2026-03-09T08:59:00+08:00', 'a', 1),
    ]);
    out.push(...rt.advance('2026-03-16T09:00:00+08:00'));
    expect(ofType(out, 'message.send').map((a) => [a.at, a.text])).toEqual([
      ['2026-03-02T09:00:00+08:00', '1. A 5\n2. B 1'],
      ['2026-03-09T09:00:00+08:00', '1. B 10\n2. A 3'],
      ['2026-03-16T09:00:00+08:00', ''],
    ]);
  });

  it('calendar windows in the playbook zone: today, yesterday, this week, last week (Monday to Sunday), this month, last month', () => {
    const boards = ['today', 'yesterday', 'this week', 'last week', 'this month', 'last month', 'all time']
      .map((w, i) => `leaderboard b${i} top 5 by points ${w} every day at 09:00: say "${w}|{board}"`)
      .join('\n');
    const rt = runtime(`${EARN}${boards}`);
    const { join, ev } = events();
    feed(rt, [
      join('2026-01-20T10:00:00+08:00', 'a', { name: 'A' }),
      order(ev, '2026-01-31T23:59:59+08:00', 'a', 1), // last month (January), not this week's Monday
      order(ev, '2026-02-01T00:00:00+08:00', 'a', 10), // Sunday 1 Feb: this month, last week
      order(ev, '2026-02-01T23:59:59+08:00', 'a', 100), // still Sunday
      order(ev, '2026-02-02T00:00:00+08:00', 'a', 1000), // Monday 2 Feb, 00:00: this week, yesterday at the 3 Feb post
      order(ev, '2026-02-03T08:59:59+08:00', 'a', 10000), // Tuesday, before the post: today
    ]);
    const out = rt.advance('2026-02-03T09:00:00+08:00');
    const last = texts(out).slice(-7);
    expect(last).toEqual([
      'today|1. A 10000',
      'yesterday|1. A 1000',
      'this week|1. A 11000',
      'last week|1. A 111',
      'this month|1. A 11110',
      'last month|1. A 1',
      'all time|1. A 11111',
    ]);
  });
});

describe('what a board ranks by', () => {
  it('`by count(E)` counts the member’s events of that type in the window; ties by name, then id', () => {
    const rt = runtime(`leaderboard 话痨 top 3 by count(message.posted) since last post every day at 21:00: say "{board}"`);
    const { join, msg } = events();
    const out = feed(rt, [
      join('2026-03-02T10:00:00+08:00', 'z', { name: 'Zed' }),
      join('2026-03-02T10:00:00+08:00', 'y', { name: 'Amy' }),
      join('2026-03-02T10:00:00+08:00', 'x', { name: 'Amy' }),
      msg('2026-03-02T11:00:00+08:00', 'z'),
      msg('2026-03-02T11:00:01+08:00', 'y'),
      msg('2026-03-02T11:00:02+08:00', 'x'),
      msg('2026-03-02T11:00:03+08:00', 'z'),
      msg('2026-03-03T11:00:00+08:00', 'y'),
    ]);
    expect(texts(out)).toEqual(['1. Zed 2\n2. Amy 1\n3. Amy 1']);
    expect(texts(rt.advance('2026-03-03T21:00:00+08:00'))).toEqual(['1. Amy 1']);
  });

  it('`by VALUE` reads a member value when the board is posted', () => {
    const rt = runtime(`leaderboard 老成员 top 2 by member.joinedDays every day at 21:00: say "{board}"`);
    const { join } = events();
    feed(rt, [join('2026-03-01T10:00:00+08:00', 'a', { name: 'A' }), join('2026-03-03T10:00:00+08:00', 'b', { name: 'B' })]);
    expect(texts(rt.advance('2026-03-05T21:00:00+08:00')).slice(-1)).toEqual(['1. A 4\n2. B 2']);
  });

  it('`by points` without a window is the balance', () => {
    const rt = runtime(`${EARN}rule lose { on checkin.done do deduct 3 points }
leaderboard 总榜 top 3 by points every day at 21:00: say "{board}"`);
    const { join, ev, checkin } = events();
    feed(rt, [
      join('2026-03-02T10:00:00+08:00', 'a', { name: 'A' }),
      order(ev, '2026-03-02T11:00:00+08:00', 'a', 5),
      checkin('2026-03-02T12:00:00+08:00', 'a'),
    ]);
    expect(texts(rt.advance('2026-03-02T21:00:00+08:00'))).toEqual(['1. A 2']);
  });
});

describe('skip if empty and for each member', () => {
  it('an empty board posts nothing and runs no action; the next non-empty one posts', () => {
    const rt = runtime(
      `${EARN}leaderboard 日榜 top 3 by points today every day at 21:00 skip if empty { say "今日 {board}"; for each member: award 1 points }`,
    );
    const { join, ev } = events();
    const out = feed(rt, [join('2026-03-02T10:00:00+08:00', 'a', { name: 'A' })]);
    out.push(...rt.advance('2026-03-03T20:00:00+08:00'));
    expect(out).toEqual([]);
    out.push(...feed(rt, [order(ev, '2026-03-03T20:30:00+08:00', 'a', 4)]));
    out.push(...rt.advance('2026-03-04T21:00:00+08:00'));
    expect(texts(out)).toEqual(['今日 1. A 4']);
  });

  it('runs the `for each member:` actions for each ranked member in rank order, after the group post, with {rank} and {score}', () => {
    const rt = runtime(`${EARN}leaderboard 周榜 top 2 by points this week every sun at 21:00 {
  say "周榜\\n{board}"
  for each member: award 10 points reason "周榜第 {rank} 名"; tag member "周榜"; say to member "{member.name} 第 {rank} 名 {score} 分"
}`);
    const { join, ev } = events();
    feed(rt, [
      join('2026-03-02T10:00:00+08:00', 'a', { name: 'A' }),
      join('2026-03-02T10:00:00+08:00', 'b', { name: 'B' }),
      join('2026-03-02T10:00:00+08:00', 'c', { name: 'C' }),
      order(ev, '2026-03-03T10:00:00+08:00', 'a', 3),
      order(ev, '2026-03-03T10:00:00+08:00', 'b', 7),
      order(ev, '2026-03-03T10:00:00+08:00', 'c', 1),
    ]);
    const out = rt.advance('2026-03-08T21:00:00+08:00');
    expect(out.map((a) => [a.type, a.member ?? '', a.text ?? a.reason ?? a.tag ?? ''])).toEqual([
      ['message.send', '', '周榜\n1. B 7\n2. A 3'],
      ['points.award', 'b', '周榜第 1 名'],
      ['member.tag', 'b', '周榜'],
      ['message.send', 'b', 'B 第 1 名 7 分'],
      ['points.award', 'a', '周榜第 2 名'],
      ['member.tag', 'a', '周榜'],
      ['message.send', 'a', 'A 第 2 名 3 分'],
    ]);
    expect(out.every((a) => a.source === 'leaderboard:周榜')).toBe(true);
  });

  it('a board’s own awards after posting count in the next window, not this one', () => {
    const rt = runtime(`${EARN}leaderboard 榜 top 1 by points since last post every day at 21:00 { say "{board}"; for each member: award 100 points }`);
    const { join, ev } = events();
    feed(rt, [join('2026-03-02T10:00:00+08:00', 'a', { name: 'A' }), order(ev, '2026-03-02T11:00:00+08:00', 'a', 1)]);
    expect(texts(rt.advance('2026-03-03T21:00:00+08:00'))).toEqual(['1. A 1', '1. A 100']);
  });
});

describe('state', () => {
  it('a snapshot taken between postings resumes the same window', () => {
    const source = `${EARN}leaderboard 榜 top 3 by count(order.paid) since last post every day at 21:00: say "{board}"`;
    const ir = load(source);
    const { join, ev } = events();
    const list = [
      join('2026-03-02T10:00:00+08:00', 'a', { name: 'A' }),
      order(ev, '2026-03-02T11:00:00+08:00', 'a', 1),
      order(ev, '2026-03-02T22:00:00+08:00', 'a', 1),
      order(ev, '2026-03-03T11:00:00+08:00', 'a', 1),
    ];
    const whole = createRuntime(ir);
    const all = [...feed(whole, list), ...whole.advance('2026-03-03T21:00:00+08:00')];
    const first = createRuntime(ir);
    const a = feed(first, list.slice(0, 3));
    const second = createRuntime(ir, { snapshot: JSON.parse(JSON.stringify(first.snapshot())) });
    const b = [...feed(second, list.slice(3)), ...second.advance('2026-03-03T21:00:00+08:00')];
    expect([...a, ...b]).toEqual(all);
    expect(texts(all)).toEqual(['1. A 1', '1. A 2']);
  });

  it('an IR of the old shape (no rank, window or lotteries) still loads and ranks by points', () => {
    const { ir } = compile(`playbook "T" { timezone "Asia/Shanghai" }\n${EARN}leaderboard all top 3 by points every day at 21:00: say "{board}"`);
    const old = JSON.parse(JSON.stringify(ir)) as Record<string, unknown>;
    delete old['lotteries'];
    for (const lb of old['leaderboards'] as Record<string, unknown>[]) delete lb['rank'];
    const rt = createRuntime(old as never);
    const { join, ev } = events();
    feed(rt, [join('2026-03-02T10:00:00+08:00', 'a', { name: 'A' }), order(ev, '2026-03-02T11:00:00+08:00', 'a', 2)]);
    expect(texts(rt.advance('2026-03-02T21:00:00+08:00'))).toEqual(['1. A 2']);
  });
});

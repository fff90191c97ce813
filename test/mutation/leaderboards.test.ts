import { describe, expect, it } from 'vitest';
import { createRuntime } from '../../src/runtime/runtime.js';
import { events, feed, load, runtime, texts } from '../constructs/helpers.js';

/**
 * Leaderboard buckets and postings as src/runtime/constructs/leaderboards.ts keeps them
 * (docs/language.md, "Leaderboards"). Written for the mutation run (docs/testing.md, "Mutation
 * testing").
 */

const day = (d: number, h = 10) => `2026-03-${String(d).padStart(2, '0')}T${String(h).padStart(2, '0')}:00:00+08:00`;

describe('count boards', () => {
  it('`all time` counts every event since the playbook runs, posting after posting', () => {
    const rt = runtime(`leaderboard 总榜 top 3 by count(message.posted) all time every day at 21:00: say "{board}"`);
    const { msg } = events();
    const out = feed(rt, [msg(day(2), 'ann'), msg(day(2, 11), 'ann'), msg(day(3), 'bob'), msg(day(4), 'ann')]);
    expect(texts(out)).toEqual(['1. ann 2', '1. ann 2\n2. bob 1']);
  });

  it('`since last post` keeps only the open bucket, and counts the postings', () => {
    const rt = runtime(`leaderboard 日榜 top 3 by count(message.posted) since last post every day at 21:00: say "{board}"`);
    const { msg } = events();
    const out = feed(rt, [msg(day(2), 'ann'), msg(day(3), 'ann'), msg(day(3, 11), 'bob'), msg(day(4), 'ann')]);
    expect(texts(out)).toEqual(['1. ann 1', '1. ann 1\n2. bob 1']);
    const c = rt.community('c1')!;
    expect(Object.values(c.boards!)[0]!.posts).toBe(2);
    expect(Object.keys(Object.values(c.members['ann']!.boards!)[0]!)).toEqual(['2']);
  });

  it('a calendar window keeps buckets of the last 70 days only', () => {
    const rt = runtime(`leaderboard 月榜 top 3 by count(message.posted) this month every day at 21:00: say "{board}"`);
    const { msg } = events();
    feed(rt, [msg('2025-12-31T10:00:00+08:00', 'ann'), msg('2026-01-01T10:00:00+08:00', 'ann'), msg('2026-03-12T10:00:00+08:00', 'ann')]);
    // 2026-03-12 is 71 days after 2025-12-31 and 70 after 01-01.
    const buckets = Object.keys(Object.values(rt.community('c1')!.members['ann']!.boards!)[0]!).map(Number);
    expect(buckets.map((k) => k - buckets.at(-1)!)).toEqual([-70, 0]);
  });

  it('two `since last post` boards posted at different times keep their own windows', () => {
    const rt = runtime(`points { checkin.done: +1 }
leaderboard a top 3 by points since last post every day at 09:00: say "a {board}"
leaderboard b top 3 by points since last post every day at 21:00: say "b {board}"`);
    const { checkin } = events();
    const out = feed(rt, [checkin(day(2, 8), 'ann'), checkin(day(2, 10), 'bob'), checkin(day(3, 8), 'ann'), checkin(day(3, 10), 'cat')]);
    expect(texts(out)).toEqual(['a 1. ann 1', 'b 1. ann 1\n2. bob 1', 'a 1. ann 1\n2. bob 1']);
  });
});

describe('postings', () => {
  it('a board removed from the playbook under a snapshot posts nothing', () => {
    const rt = runtime(`leaderboard 总榜 top 3 by points every day at 21:00: say "{board}"`);
    feed(rt, [events().checkin(day(2), 'ann')]);
    const other = createRuntime(load(`leaderboard 另一个 top 3 by points every day at 22:00: say "另 {board}"`), { snapshot: rt.snapshot() });
    expect(texts(other.advance(day(3)))).toEqual([]);
  });

  it('equal scores and equal names are ranked by id', () => {
    const rt = runtime(
      `points { checkin.done: +1 }\nleaderboard 榜 top 3 by points every day at 21:00 { say "{board}"; for each member: say "{rank} {member.id}" }`,
    );
    const { checkin, join } = events();
    const out = feed(rt, [
      join(day(2, 8), 'zed', { name: 'Sam' }),
      join(day(2, 8), 'amy', { name: 'Sam' }),
      checkin(day(2), 'zed'),
      checkin(day(2), 'amy'),
      checkin(day(3), 'amy'),
    ]);
    expect(texts(out)).toEqual(['1. Sam 1\n2. Sam 1', '1 amy', '2 zed']);
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createRuntime, type OutputAction } from '../../src/runtime/runtime.js';
import { events, feed, load, ofType } from './helpers.js';

/**
 * Lottery draws (docs/language.md, "Lottery draws"; issue 15, item 2): N distinct present members
 * from a filter, seeded and reproducible from (seed, community, cause, draw), `lottery.drawn`
 * with the winners in draw order, then the actions for each winner.
 */

const SOURCE = `
every sun at 20:00 {
  draw 3 members tagged "打卡" as 周抽奖: award 50 points reason "抽奖第 {rank} 位"; say to member "恭喜 {member.name},{draw} 第 {rank} 位"
}
rule checkin { on checkin.done do tag member "打卡" }
rule lucky { on message.posted when text contains "抽" do draw 1 members where member.points >= 50 as 手气: tag member "手气王" }
`;
const ir = load(SOURCE);

/** Members m0..m(n-1) join; the first `tagged` check in; a few post. Spread over a week from Monday 2026-03-02. */
function stream(n: number, tagged: number, community = 'c1'): Record<string, unknown>[] {
  const { join, checkin, msg } = events(community);
  const out: Record<string, unknown>[] = [];
  for (let i = 0; i < n; i++) out.push(join(`2026-03-02T10:00:${String(i).padStart(2, '0')}+08:00`, `m${i}`, { name: `N${i}` }));
  for (let i = 0; i < tagged; i++) out.push(checkin(`2026-03-03T08:00:${String(i).padStart(2, '0')}+08:00`, `m${i}`));
  out.push(msg('2026-03-09T10:00:00+08:00', 'm1', '抽奖'));
  out.push(msg('2026-03-09T11:00:00+08:00', 'm2', '抽一个'));
  out.push(msg('2026-03-15T21:00:00+08:00', 'm3', 'hi'));
  return out;
}

const draws = (out: OutputAction[]) => ofType(out, 'lottery.drawn').map((a) => [a.draw, a.winners]);

describe('draw', () => {
  it('draws N distinct eligible members, emits lottery.drawn, then runs the actions for each winner in draw order', () => {
    const rt = createRuntime(ir);
    const out = feed(rt, stream(8, 5));
    const drawn = ofType(out, 'lottery.drawn');
    // Two Sundays (the second fires before the message after it) and two lucky messages.
    expect(drawn.map((a) => a.draw)).toEqual(['周抽奖', '手气', '手气', '周抽奖']);
    const weekly = drawn[0]!;
    expect(weekly.at).toBe('2026-03-08T20:00:00+08:00');
    expect(weekly.source).toBe('job:every_line_3');
    expect(weekly.member).toBeUndefined();
    const winners = weekly.winners as string[];
    expect(winners).toHaveLength(3);
    expect(new Set(winners).size).toBe(3);
    for (const w of winners) expect(['m0', 'm1', 'm2', 'm3', 'm4']).toContain(w);
    // The actions follow the draw, winner by winner.
    const i = out.indexOf(weekly);
    expect(out.slice(i + 1, i + 7).map((a) => [a.type, a.member, a.reason ?? a.text])).toEqual(
      winners.flatMap((w, k) => [
        ['points.award', w, `抽奖第 ${k + 1} 位`],
        ['message.send', w, `恭喜 N${w.slice(1)},周抽奖 第 ${k + 1} 位`],
      ]),
    );
    // A draw in a rule: only members with 50 points are eligible, so one of the weekly winners.
    expect(drawn[1]!.draw).toBe('手气');
    expect(winners).toContain((drawn[1]!.winners as string[])[0]);
    expect(drawn[1]!.cause).toBe('c1-14');
  });

  it('with fewer eligible members than N, all of them win; with none, the winners are empty', () => {
    const few = feed(createRuntime(ir), stream(4, 2));
    const first = ofType(few, 'lottery.drawn')[0]!;
    expect([...(first.winners as string[])].sort()).toEqual(['m0', 'm1']);
    const none = feed(createRuntime(ir), stream(3, 0));
    expect(draws(none)[0]).toEqual(['周抽奖', []]);
    expect(ofType(none, 'points.award')).toEqual([]);
  });

  it('another seed draws otherwise; the same seed the same; another community otherwise', () => {
    const evs = stream(30, 30);
    const run = (seed: number, list = evs) => draws(feed(createRuntime(ir, { seed }), list));
    expect(run(1)).toEqual(run(1));
    const seeds = new Set([1, 2, 3, 4, 5].map((s) => JSON.stringify(run(s))));
    expect(seeds.size).toBeGreaterThan(1);
    expect(JSON.stringify(run(1, stream(30, 30, 'c2')))).not.toBe(JSON.stringify(run(1)));
  });

  it('every eligible member can win, and each place is drawn evenly enough', () => {
    const seen = new Map<string, number>();
    for (let seed = 1; seed <= 200; seed++) {
      const w = draws(feed(createRuntime(ir, { seed }), stream(6, 6)))[0]![1] as string[];
      seen.set(w[0]!, (seen.get(w[0]!) ?? 0) + 1);
    }
    expect([...seen.keys()].sort()).toEqual(['m0', 'm1', 'm2', 'm3', 'm4', 'm5']);
    for (const n of seen.values()) expect(n).toBeGreaterThan(15);
  });

  it('the same stream split anywhere and resumed from a snapshot draws the same winners, on both engines', () => {
    const evs = stream(12, 9);
    const whole = feed(createRuntime(ir, { seed: 7 }), evs);
    expect(draws(whole)).toHaveLength(4);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: evs.length }), (cut) => {
        const first = createRuntime(ir, { seed: 7 });
        const a = feed(first, evs.slice(0, cut));
        const second = createRuntime(ir, { seed: 7, snapshot: JSON.parse(JSON.stringify(first.snapshot())) });
        const b = feed(second, evs.slice(cut));
        expect([...a, ...b]).toEqual(whole);
      }),
      { seed: 20261207, numRuns: 25 },
    );
    const reference = createRuntime(ir, { seed: 7, engine: 'reference' });
    try {
      expect(feed(reference, evs)).toEqual(whole);
    } finally {
      reference.close();
    }
  });
});

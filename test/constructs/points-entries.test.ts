import { describe, expect, it } from 'vitest';
import { createRuntime } from '../../src/runtime/runtime.js';
import { amounts, events, feed, load, runtime, texts } from './helpers.js';

/**
 * Points entries: a count cap counts awards, not points; only entries with a cooldown keep the
 * time of their last award; a stage's entries and rules after restoring a snapshot taken before
 * the playbook had the campaign (docs/language.md, "Points" and "Campaigns"; issue 14, item 7).
 */

describe('a count cap on an entry worth more than 1', () => {
  it('`+5 cap 2 per day` awards twice a day, 5 points each', () => {
    const rt = runtime(`points { checkin.done: +5 cap 2 per day }`);
    const { checkin } = events();
    const out = feed(rt, [
      checkin('2026-03-02T08:00:00+08:00', 'ann'),
      checkin('2026-03-02T09:00:00+08:00', 'ann'),
      checkin('2026-03-02T10:00:00+08:00', 'ann'),
    ]);
    expect(amounts(out)).toEqual([5, 5]);
  });
});

describe('caps of one period share one slot, which counts each award once', () => {
  const ENGINES = ['fast', 'generated', 'reference'] as const;
  const posts = (n: number) => {
    const { msg } = events();
    return Array.from({ length: n }, (_, i) => msg(`2026-03-02T10:0${i}:00+08:00`, 'ann'));
  };

  it('`+3 cap 2 per day cap 100 points per day` awards twice a day', () => {
    for (const engine of ENGINES) {
      const rt = runtime(`points { message.posted: +3 cap 2 per day cap 100 points per day }`, { engine });
      expect(amounts(feed(rt, posts(4))), engine).toEqual([3, 3]);
      expect(
        Object.values(rt.community('c1')!.members['ann']!.caps ?? {}).map((s) => [s.count, s.points]),
        engine,
      ).toEqual([[2, 6]]);
      rt.close();
    }
  });

  it('`+60 cap 5 per week cap 100 points per week`: the points cap stops the second award', () => {
    for (const engine of ENGINES) {
      const rt = runtime(`points { message.posted: +60 cap 5 per week cap 100 points per week }`, { engine });
      expect(amounts(feed(rt, posts(3))), engine).toEqual([60]);
      rt.close();
    }
  });
});

describe('the last award time of an entry', () => {
  it('is kept for an entry with a cooldown only', () => {
    const rt = runtime(`points {
  checkin.done: +5
  message.posted: +1 cooldown 60s
}`);
    const { checkin, msg } = events();
    feed(rt, [checkin('2026-03-02T08:00:00+08:00', 'ann'), msg('2026-03-02T08:01:00+08:00', 'ann')]);
    const ann = rt.community('c1')!.members['ann']!;
    expect(Object.values(ann.lastAward ?? {})).toEqual([Date.parse('2026-03-02T08:01:00+08:00')]);
  });
});

describe("a stage's points entries and rules after a restore", () => {
  it('a snapshot taken before the playbook had the campaign: the event is processed, the top-level entry awards', () => {
    const { msg } = events();
    const before = runtime(`points { message.posted: +1 }`);
    feed(before, [msg('2026-03-10T10:00:00+08:00', 'ann')]);
    const snapshot = JSON.parse(JSON.stringify(before.snapshot()));
    const after = createRuntime(
      load(`
points { message.posted: +1 }
rule echo { on message.posted do say "echo" }
campaign spring {
  stage a from 2026-03-01 to 2026-03-31 {
    message.posted: +5
    rule bonus { on message.posted do say "bonus" }
  }
}`),
      { snapshot },
    );
    const out = feed(after, [msg('2026-03-10T10:01:00+08:00', 'ann')]);
    expect(amounts(out)).toContain(1);
    expect(texts(out)).toContain('echo');
  });
});

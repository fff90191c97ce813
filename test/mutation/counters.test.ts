import { describe, expect, it } from 'vitest';
import { events, feed, runtime, texts } from '../constructs/helpers.js';

/**
 * Sums, distinct counts and counts across groups as src/runtime/constructs/counters.ts keeps
 * them (docs/language.md, "Counting events"). Written for the mutation run (docs/testing.md,
 * "Mutation testing").
 */

const at = (min: number) => `2026-03-02T10:${String(min).padStart(2, '0')}:00+08:00`;

describe('sums and distinct counts', () => {
  it('an event without the summed field adds 0', () => {
    const rt = runtime(`event sale.made { amount?: number }\nrule r { on sale.made when sum(amount of sale.made) >= 10 do say "满 {member.id}" }`);
    const { ev } = events();
    const out = [5, undefined, 5].map((amount, i) => texts(feed(rt, [ev('sale.made', at(i), 'ann', amount === undefined ? {} : { amount })])));
    expect(out).toEqual([[], [], ['满 ann']]);
  });

  it('a distinct count does not count events without the field', () => {
    const rt = runtime(
      `event survey.answered { choice?: string }\nrule r { on survey.answered when count(distinct choice of survey.answered within 1d) >= 2 do say "两种意见" }`,
    );
    const { ev } = events();
    const out = ['A', undefined, 'A', undefined, 'B'].map((choice, i) =>
      texts(feed(rt, [ev('survey.answered', at(i), 'ann', choice === undefined ? {} : { choice })])),
    );
    expect(out).toEqual([[], [], [], [], ['两种意见']]);
  });

  it('without a window a sum keeps one number and a distinct count the values seen, not one entry per event', () => {
    const rt = runtime(
      `event sale.made { amount: number }\nrule r { on sale.made when sum(amount of sale.made) >= 100 or count(distinct member of sale.made) >= 9 do say "x" }`,
    );
    const { ev } = events();
    feed(rt, [ev('sale.made', at(0), 'ann', { amount: 5 }), ev('sale.made', at(1), 'bob', { amount: 7 }), ev('sale.made', at(2), 'ann', { amount: 1 })]);
    const slots = Object.values(rt.community('c1')!.counters);
    expect(slots).toContainEqual(13);
    expect(slots).toContainEqual({ seen: ['ann', 'bob'] });
    expect(slots).toHaveLength(2);
  });
});

describe('counts across groups', () => {
  it('count every group’s events in one count', () => {
    const rt = runtime(`rule r { on message.posted when count(message.posted across groups) >= 3 do say "第三条" }`);
    const one = events('c1');
    const two = events('c2');
    const out = feed(rt, [one.msg(at(0), 'ann'), two.msg(at(1), 'bob'), one.msg(at(2), 'ann')]);
    expect(out.map((a) => `${String(a.community)} ${String(a.text)}`)).toEqual(['c1 第三条']);
  });
});

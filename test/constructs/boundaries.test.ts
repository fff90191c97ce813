import { describe, expect, it } from 'vitest';
import type { OutputAction } from '../../src/runtime/runtime.js';
import { events, feed, ofType, runtime, texts, type Raw } from './helpers.js';

/**
 * The exact-boundary rules stated in docs/language.md beside each construct ("Boundaries" lines),
 * one test per stated rule (issue 15, item 8). Each test puts an event exactly on the boundary and
 * one millisecond to the other side, so moving the boundary either way fails it. Times are in
 * Asia/Shanghai (UTC+8, no daylight saving time).
 */

const T = (clock: string) => `2026-03-02T${clock}+08:00`;
const removed = (out: OutputAction[]) => ofType(out, 'member.remove').length;

describe('rituals', () => {
  const ritual = `ritual onboarding {
  starts on member.joined
  step intro: message.posted
  remind after 12h: say to member "还差:{missing}"
  deadline 24h: remove member reason "超时"
  done { say to member "完成" }
}`;
  const run = (stepAt: string) => {
    const { join, msg } = events();
    return feed(runtime(ritual), [join('2026-03-02T10:00:00+08:00', 'ann'), msg(stepAt, 'ann')]);
  };

  it('a step at exactly the deadline is too late: the deadline fires first', () => {
    const late = run('2026-03-03T10:00:00+08:00');
    expect(removed(late)).toBe(1);
    expect(texts(late)).not.toContain('完成');
    const inTime = run('2026-03-03T09:59:59.999+08:00');
    expect(removed(inTime)).toBe(0);
    expect(texts(inTime)).toContain('完成');
  });

  it('a step at exactly a reminder comes after the reminder', () => {
    expect(texts(run(T('22:00:00')))).toEqual(['还差:intro', '完成']);
    expect(texts(run(T('21:59:59.999')))).toEqual(['完成']);
  });
});

describe('ladders', () => {
  it('a warning exactly `expire` old still counts; one a millisecond older does not', () => {
    const ladder = `ladder spam {
  1: say to member "first"
  2: say to member "second"
  expire 24h
}
rule spam { on message.posted do warn member on ladder spam }`;
    const run = (second: string) => {
      const { join, msg } = events();
      const out = feed(runtime(ladder), [join(T('09:00:00'), 'ann'), msg(T('10:00:00'), 'ann'), msg(second, 'ann')]);
      return ofType(out, 'member.warn').map((a) => a.count);
    };
    expect(run('2026-03-03T10:00:00+08:00')).toEqual([1, 2]);
    expect(run('2026-03-03T10:00:00.001+08:00')).toEqual([1, 1]);
  });
});

describe('count within', () => {
  const rule = `rule burst {
  on message.posted
  when count(message.posted by member within 10s) >= 2
  do say "burst"
}`;
  const run = (...at: string[]) => {
    const { join, msg } = events();
    return texts(feed(runtime(rule), [join(T('09:00:00'), 'ann'), ...at.map((a) => msg(a, 'ann'))]));
  };

  it('leaves out an event exactly D old and keeps one a millisecond younger', () => {
    expect(run(T('10:00:00'), T('10:00:10'))).toEqual([]);
    expect(run(T('10:00:00'), T('10:00:09.999'))).toEqual(['burst']);
  });

  it('counts the current event', () => {
    const one = `rule first { on message.posted when count(message.posted by member within 10s) >= 1 do say "one" }`;
    const { join, msg } = events();
    expect(texts(feed(runtime(one), [join(T('09:00:00'), 'ann'), msg(T('10:00:00'), 'ann')]))).toEqual(['one']);
  });
});

describe('points', () => {
  it('an award exactly the cooldown after the previous one is given; a millisecond earlier it is skipped', () => {
    const points = `points { message.posted: +1 cooldown 60s }`;
    const run = (second: string) => {
      const { join, msg } = events();
      return ofType(feed(runtime(points), [join(T('09:00:00'), 'ann'), msg(T('10:00:00'), 'ann'), msg(second, 'ann')]), 'points.award').length;
    };
    expect(run(T('10:01:00'))).toBe(2);
    expect(run(T('10:00:59.999'))).toBe(1);
  });

  it('a per-day cap starts again at local midnight, not before', () => {
    const points = `points { checkin.done: +5 cap 1 per day }`;
    const run = (second: string) => {
      const { join, checkin } = events();
      const list: Raw[] = [join(T('09:00:00'), 'ann'), checkin(T('10:00:00'), 'ann'), checkin(second, 'ann')];
      return ofType(feed(runtime(points), list), 'points.award').length;
    };
    expect(run('2026-03-03T00:00:00+08:00')).toBe(2);
    expect(run('2026-03-02T23:59:59.999+08:00')).toBe(1);
  });
});

describe('schedules', () => {
  const schedule = `schedule talk every day at 19:00 until 20:00 {
  at start + 30m: say to silent members "快来说两句"
  at end: say to silent members "你错过了"
}`;
  const run = (...at: string[]) => {
    const { join, msg } = events();
    return texts(feed(runtime(schedule), [join(T('09:00:00'), 'ann'), ...at.map((a) => msg(a, 'ann')), msg(T('21:00:00'), 'bob')]));
  };

  it('a message at exactly the start of a session attends it; a millisecond earlier it does not', () => {
    expect(run(T('19:00:00'))).toEqual([]);
    expect(run(T('18:59:59.999'))).toEqual(['快来说两句', '你错过了']);
  });

  it('a message at exactly the end of a session is too late: the session ends first', () => {
    expect(run(T('20:00:00'))).toEqual(['快来说两句', '你错过了']);
    expect(run(T('19:59:59.999'))).toEqual(['快来说两句']);
  });
});

describe('campaign stages', () => {
  const campaign = `campaign sale {
  stage main from 2026-03-03 to 2026-03-04
}
rule inside { on message.posted when in stage sale.main do say "in" }`;
  const run = (at: string) => {
    const { join, msg } = events();
    return texts(feed(runtime(campaign), [join(T('09:00:00'), 'ann'), msg(at, 'ann')]));
  };

  it('a stage starts at local midnight at the start of its first day', () => {
    expect(run('2026-03-03T00:00:00+08:00')).toEqual(['in']);
    expect(run('2026-03-02T23:59:59.999+08:00')).toEqual([]);
  });

  it('a stage ends at local midnight after its last day', () => {
    expect(run('2026-03-04T23:59:59.999+08:00')).toEqual(['in']);
    expect(run('2026-03-05T00:00:00+08:00')).toEqual([]);
  });
});

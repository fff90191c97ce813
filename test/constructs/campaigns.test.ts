import { describe, expect, it } from 'vitest';
import { createRuntime } from '../../src/runtime/runtime.js';
import { events, feed, load, ofType, runtime, texts } from './helpers.js';

/** Campaigns and stages (docs/language.md, "Campaigns"; issue 14, item 7). */

const TWO_CAMPAIGNS = `
points { message.posted: +1 }
campaign spring {
  stage warmup from 2026-03-02 to 2026-03-03 {
    points x2
    on enter say "{campaign}.{stage} enter"
    on exit say "{campaign}.{stage} exit"
  }
  stage main from 2026-03-04 to 2026-03-05 {
    on enter say "{campaign}.{stage} enter"
    checkin.done: +10
  }
  goal two_posts when count(message.posted) >= 2 { say "{campaign} goal {goal}" }
}
campaign club {
  stage only from 2026-03-03 to 2026-03-04 {
    points x3
    on enter say "{campaign}.{stage} enter"
    on exit say "{campaign}.{stage} exit"
  }
  goal one_post when count(message.posted) >= 1 { say "{campaign} goal {goal}" }
}
rule in_warmup { on rules.acknowledged; when in stage spring.warmup; do say to member "in spring.warmup" }
rule in_spring { on rules.acknowledged; when in stage spring; do say to member "in spring" }
rule in_club { on rules.acknowledged; when in stage club.only; do say to member "in club.only" }
`;

describe('a community whose first event falls exactly at a stage start', () => {
  const body = `
points { message.posted: +1 }
campaign spring {
  stage warmup from 2026-03-02 to 2026-03-03 { points x2; on enter say "{stage} 开始" }
}
rule in_warmup { on message.posted; when in stage spring.warmup; do say to member "in warmup" }`;

  it('enters the stage at that instant, before the event, which sees it running', () => {
    const rt = runtime(body);
    const { msg } = events();
    const out = feed(rt, [msg('2026-03-02T00:00:00+08:00', 'ann')]);
    expect(out.map((a) => [a.type, a.at, a.text ?? a.amount ?? a.stage])).toEqual([
      ['stage.entered', '2026-03-02T00:00:00+08:00', 'warmup'],
      ['message.send', '2026-03-02T00:00:00+08:00', 'warmup 开始'],
      ['message.send', '2026-03-02T00:00:00+08:00', 'in warmup'],
      ['points.award', '2026-03-02T00:00:00+08:00', 2],
    ]);
    expect(rt.community('c1')!.campaigns['spring']!.stage).toBe('warmup');
  });

  it('a community started one millisecond before enters it by its timer; one started inside it enters it at its first event', () => {
    const before = runtime(body);
    const early = feed(before, [events().msg('2026-03-01T23:59:59.999+08:00', 'ann')]);
    expect(ofType(early, 'stage.entered')).toEqual([]);
    expect(ofType(before.advance('2026-03-02T00:00:00+08:00'), 'stage.entered').map((a) => a.at)).toEqual(['2026-03-02T00:00:00+08:00']);

    const inside = runtime(body);
    const { msg } = events();
    const out = feed(inside, [msg('2026-03-02T08:00:00+08:00', 'ann'), msg('2026-03-02T09:00:00+08:00', 'bob')]);
    // First seen mid-stage: the stage's `on enter` runs once, at the first event, before its rules.
    expect(out.map((a) => [a.type, a.at, a.text ?? a.amount ?? a.stage, a.cause])).toEqual([
      ['stage.entered', '2026-03-02T08:00:00+08:00', 'warmup', 'timer:campaign:spring'],
      ['message.send', '2026-03-02T08:00:00+08:00', 'warmup 开始', 'timer:campaign:spring'],
      ['message.send', '2026-03-02T08:00:00+08:00', 'in warmup', 'c1-1'],
      ['points.award', '2026-03-02T08:00:00+08:00', 2, 'c1-1'],
      ['message.send', '2026-03-02T09:00:00+08:00', 'in warmup', 'c1-2'],
      ['points.award', '2026-03-02T09:00:00+08:00', 2, 'c1-2'],
    ]);
  });
});

describe('two campaigns in one playbook', () => {
  it('each runs its own stages, multipliers multiply, goals are per campaign', () => {
    const rt = runtime(TWO_CAMPAIGNS);
    const { join, msg, ev, checkin } = events();
    const sends = (list: ReturnType<typeof feed>) => ofType(list, 'message.send').map((a) => a.text);

    const day1 = feed(rt, [join('2026-03-01T12:00:00+08:00', 'ann'), msg('2026-03-01T12:01:00+08:00', 'ann')]);
    expect(ofType(day1, 'points.award').map((a) => a.amount)).toEqual([1]);
    expect(sends(day1)).toEqual([]); // no campaign runs: no goal counts the post

    const day2 = feed(rt, [msg('2026-03-02T12:00:00+08:00', 'ann'), ev('rules.acknowledged', '2026-03-02T12:01:00+08:00', 'ann')]);
    expect(sends(day2)).toEqual(['spring.warmup enter', 'in spring.warmup', 'in spring']);
    expect(ofType(day2, 'points.award').map((a) => a.amount)).toEqual([2]);

    const day3 = feed(rt, [msg('2026-03-03T12:00:00+08:00', 'ann'), ev('rules.acknowledged', '2026-03-03T12:01:00+08:00', 'ann')]);
    expect(sends(day3)).toEqual([
      'club.only enter',
      'spring goal two_posts', // the post of day 2 and this one
      'club goal one_post', // only this one: club started today
      'in spring.warmup',
      'in spring',
      'in club.only',
    ]);
    expect(ofType(day3, 'goal.reached').map((a) => `${a.campaign}.${a.goal}`)).toEqual(['spring.two_posts', 'club.one_post']);
    expect(ofType(day3, 'points.award').map((a) => a.amount)).toEqual([6]); // x2 and x3 together

    const day4 = feed(rt, [
      msg('2026-03-04T12:00:00+08:00', 'ann'),
      checkin('2026-03-04T12:01:00+08:00', 'ann'),
      ev('rules.acknowledged', '2026-03-04T12:02:00+08:00', 'ann'),
    ]);
    expect(ofType(day4, 'stage.exited').map((a) => `${a.campaign}.${a.stage}`)).toEqual(['spring.warmup']);
    expect(sends(day4)).toEqual(['spring.warmup exit', 'spring.main enter', 'in spring', 'in club.only']);
    expect(ofType(day4, 'points.award').map((a) => [a.amount, a.source])).toEqual([
      [3, expect.anything()],
      [30, expect.anything()], // the stage's own entry, x3 of club.only
    ]);
    expect(ofType(day4, 'goal.reached')).toEqual([]); // each goal once

    const day5 = feed(rt, [msg('2026-03-05T12:00:00+08:00', 'ann'), checkin('2026-03-05T12:01:00+08:00', 'ann')]);
    expect(sends(day5)).toEqual(['club.only exit']);
    expect(ofType(day5, 'points.award').map((a) => a.amount)).toEqual([1, 10]);

    const day6 = feed(rt, [msg('2026-03-06T12:00:00+08:00', 'ann'), checkin('2026-03-06T12:01:00+08:00', 'ann')]);
    expect(ofType(day6, 'stage.exited').map((a) => `${a.campaign}.${a.stage}`)).toEqual(['spring.main']);
    expect(ofType(day6, 'points.award').map((a) => a.amount)).toEqual([1]); // main's check-in entry has ended
  });
});

describe('a community whose first event falls at or after a stage end', () => {
  const body = `
campaign spring {
  stage warmup from 2026-03-02 to 2026-03-02 { on enter say "enter"; on exit say "exit" }
}
rule in_warmup { on message.posted; when in stage spring; do say to member "in warmup" }`;

  it('exactly at the end: not in the stage, and nothing enters or exits after', () => {
    const rt = runtime(body);
    const { msg } = events();
    // The stage ends at the end of 2 March, local time: 3 March 00:00 is outside it.
    expect(texts(feed(rt, [msg('2026-03-03T00:00:00+08:00', 'ann'), msg('2026-03-03T00:01:00+08:00', 'ann')]))).toEqual([]);
    expect(rt.advance('2026-04-01T00:00:00+08:00')).toEqual([]);
  });

  it('after the last boundary: not in the stage, and no timer is left pending', () => {
    const rt = runtime(body);
    const { msg } = events();
    expect(texts(feed(rt, [msg('2026-03-05T10:00:00+08:00', 'ann')]))).toEqual([]);
    expect(rt.nextDue()).toBeUndefined();
    expect(rt.snapshot().communities[0]!.timers).toEqual([]);
  });

  it('one millisecond before the end: enters the stage at its first event, and is in it until it ends', () => {
    const rt = runtime(body);
    const { msg } = events();
    expect(texts(feed(rt, [msg('2026-03-02T23:59:59.999+08:00', 'ann')]))).toEqual(['enter', 'in warmup']);
    expect(texts(rt.advance('2026-03-03T00:00:00+08:00'))).toEqual(['exit']);
  });
});

describe('a stage timer armed by an earlier version of the playbook', () => {
  it('fires at a date that is no longer a boundary: the running stage goes on, without exit or enter', () => {
    const stage = (to: string) => `
campaign spring {
  stage warmup from 2026-03-02 to ${to} { on enter say "enter"; on exit say "exit" }
}`;
    const first = runtime(stage('2026-03-02'));
    const { msg } = events();
    feed(first, [msg('2026-03-01T10:00:00+08:00', 'ann')]);
    expect(texts(first.advance('2026-03-02T10:00:00+08:00'))).toEqual(['enter']);
    const snapshot = JSON.parse(JSON.stringify(first.snapshot()));
    // The stage now runs until 5 March; the pending timer is still due at the old end, 3 March.
    const rt = createRuntime(load(stage('2026-03-05')), { snapshot });
    expect(texts(rt.advance('2026-03-04T00:00:00+08:00'))).toEqual([]);
    expect(texts(rt.advance('2026-03-07T00:00:00+08:00'))).toEqual(['exit']);
  });
});

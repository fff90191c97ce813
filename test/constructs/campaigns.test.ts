import { describe, expect, it } from 'vitest';
import { events, feed, ofType, runtime, texts } from './helpers.js';

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

  it('a community started one millisecond before enters it by its timer; one started inside it is already in it', () => {
    const before = runtime(body);
    const early = feed(before, [events().msg('2026-03-01T23:59:59.999+08:00', 'ann')]);
    expect(ofType(early, 'stage.entered')).toEqual([]);
    expect(ofType(before.advance('2026-03-02T00:00:00+08:00'), 'stage.entered').map((a) => a.at)).toEqual(['2026-03-02T00:00:00+08:00']);

    const inside = runtime(body);
    const out = feed(inside, [events().msg('2026-03-02T08:00:00+08:00', 'ann')]);
    expect(ofType(out, 'stage.entered')).toEqual([]); // joined mid-stage: no enter actions, but the stage runs
    expect(texts(out)).toEqual(['in warmup']);
    expect(ofType(out, 'points.award').map((a) => a.amount)).toEqual([2]);
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

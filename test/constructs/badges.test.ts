import { describe, expect, it } from 'vitest';
import { events, feed, ofType, runtime } from './helpers.js';

/** Badges, streaks in particular (docs/language.md, "Badges"; issue 14, item 7). */

const badges = (out: ReturnType<typeof feed>) => ofType(out, 'badge.granted').map((a) => [a.badge, a.at.slice(0, 10)]);

describe('streak badges count consecutive local days', () => {
  const body = `badge 三连 streak 3 days of checkin.done: say to member "{badge}"`;

  it('two check-ins on one day count as one day of the streak', () => {
    const rt = runtime(body);
    const { checkin } = events();
    const out = feed(rt, [
      checkin('2026-03-02T08:00:00+08:00', 'ann'),
      checkin('2026-03-02T20:00:00+08:00', 'ann'),
      checkin('2026-03-03T08:00:00+08:00', 'ann'),
      checkin('2026-03-03T09:00:00+08:00', 'ann'),
    ]);
    expect(badges(out)).toEqual([]);
    expect(badges(feed(rt, [checkin('2026-03-04T08:00:00+08:00', 'ann')]))).toEqual([['三连', '2026-03-04']]);
  });

  it('a missed day starts the streak again', () => {
    const rt = runtime(body);
    const { checkin } = events();
    const out = feed(rt, [
      checkin('2026-03-02T08:00:00+08:00', 'ann'),
      checkin('2026-03-03T08:00:00+08:00', 'ann'),
      checkin('2026-03-05T08:00:00+08:00', 'ann'),
      checkin('2026-03-06T08:00:00+08:00', 'ann'),
    ]);
    expect(badges(out)).toEqual([]);
    expect(badges(feed(rt, [checkin('2026-03-07T08:00:00+08:00', 'ann')]))).toEqual([['三连', '2026-03-07']]);
  });

  it('days are local: 23:30 and 00:30 the next local day are consecutive days', () => {
    const rt = runtime(body);
    const { checkin } = events();
    const out = feed(rt, [
      checkin('2026-03-02T23:30:00+08:00', 'ann'),
      checkin('2026-03-03T00:30:00+08:00', 'ann'), // the same UTC day as the first
      checkin('2026-03-04T23:59:00+08:00', 'ann'),
    ]);
    expect(badges(out)).toEqual([['三连', '2026-03-04']]);
  });

  it('a badge is granted once, with its actions', () => {
    const rt = runtime(`badge 一天 streak 1 days of checkin.done: say to member "获得 {badge}"`);
    const { checkin } = events();
    const out = feed(rt, [checkin('2026-03-02T08:00:00+08:00', 'ann'), checkin('2026-03-03T08:00:00+08:00', 'ann')]);
    expect(badges(out)).toEqual([['一天', '2026-03-02']]);
    expect(ofType(out, 'message.send').map((a) => a.text)).toEqual(['获得 一天']);
  });
});

describe('condition badges', () => {
  it("are checked after each of the member's events, with the member's own counts", () => {
    const rt = runtime(`badge 话痨 when count(message.posted) >= 2`);
    const { msg } = events();
    const out = feed(rt, [
      msg('2026-03-02T08:00:00+08:00', 'ann'),
      msg('2026-03-02T08:01:00+08:00', 'bob'),
      msg('2026-03-02T08:02:00+08:00', 'ann'),
      msg('2026-03-02T08:03:00+08:00', 'ann'),
    ]);
    expect(ofType(out, 'badge.granted').map((a) => a.member)).toEqual(['ann']);
  });
});

describe('award badge NAME', () => {
  const body = [
    'badge 达人: say "{member.name} 获得「{badge}」"',
    'badge 话痨 when count(message.posted) >= 2',
    'rule checkin { on checkin.done do award badge 达人; award badge 话痨 }',
  ].join('\n');

  it('grants a badge once, with badge.granted and the badge actions, whatever grants it', () => {
    const rt = runtime(body);
    const { join, checkin, msg } = events();
    const out = feed(rt, [join('2026-03-02T08:00:00+08:00', 'ann'), checkin('2026-03-02T09:00:00+08:00', 'ann'), checkin('2026-03-03T09:00:00+08:00', 'ann')]);
    expect(badges(out)).toEqual([
      ['达人', '2026-03-02'],
      ['话痨', '2026-03-02'],
    ]);
    expect(ofType(out, 'message.send').map((a) => a.text)).toEqual(['ann 获得「达人」']);
    // Already granted by the action: the condition holding later grants nothing more.
    expect(badges(feed(rt, [msg('2026-03-04T09:00:00+08:00', 'ann'), msg('2026-03-04T09:01:00+08:00', 'ann')]))).toEqual([]);
  });

  it('a badge its condition granted first is not granted again by the action', () => {
    const rt = runtime(body);
    const { join, checkin, msg } = events();
    const first = feed(rt, [join('2026-03-02T08:00:00+08:00', 'bob'), msg('2026-03-02T09:00:00+08:00', 'bob'), msg('2026-03-02T09:01:00+08:00', 'bob')]);
    expect(badges(first)).toEqual([['话痨', '2026-03-02']]);
    expect(badges(feed(rt, [checkin('2026-03-02T10:00:00+08:00', 'bob')]))).toEqual([['达人', '2026-03-02']]);
  });

  it('survives a snapshot: a member granted before it is not granted again after resuming', () => {
    const rt = runtime(body);
    const { join, checkin } = events();
    feed(rt, [join('2026-03-02T08:00:00+08:00', 'cat'), checkin('2026-03-02T09:00:00+08:00', 'cat')]);
    const resumed = runtime(body, { snapshot: rt.snapshot() });
    expect(badges(feed(resumed, [checkin('2026-03-03T09:00:00+08:00', 'cat')]))).toEqual([]);
  });
});

import { describe, expect, it } from 'vitest';
import { events, feed, ofType, runtime, texts } from './helpers.js';

/**
 * Schedules and attendance (docs/language.md, "Schedules"; docs/runtime.md, "Schedules and
 * attendance"; issue 14, item 7). A session runs from its start (included) to its end
 * (excluded): the `at end` hook fires before an event stamped exactly at the end, and that
 * event no longer attends.
 */

const TWO_SCHEDULES = `
schedule discussion every mon-fri 19:20 until 20:00 {
  at start: say "{schedule} 开始 {session}"
  at end: say to silent members "{schedule}: {member.id} 没有发言"
}
schedule morning every day at 06:00 until 09:00 attendance by checkin.done {
  at start: say "{schedule} 开始 {session}"
  at end - 30m: say to silent members "{schedule}: {member.id} 记得打卡"
}
rule report {
  on rules.acknowledged
  do say to member "start"
}
rule d_attended { on rules.acknowledged; when attended(discussion) >= 1; do say to member "discussion attended" }
rule d_missed { on rules.acknowledged; when absences(discussion) >= 1; do say to member "discussion missed" }
rule m_attended { on rules.acknowledged; when attended(morning) >= 1; do say to member "morning attended" }
rule m_missed { on rules.acknowledged; when absences(morning) >= 1; do say to member "morning missed" }
`;

describe('attendance at the edges of a session', () => {
  it('a post exactly at the start attends; one exactly at the end does not', () => {
    const rt = runtime(TWO_SCHEDULES);
    const { join, msg, ev } = events();
    const out = feed(rt, [
      join('2026-03-02T19:00:00+08:00', 'ann'), // Monday
      join('2026-03-02T19:00:00+08:00', 'bob'),
      join('2026-03-02T19:00:00+08:00', 'cat'),
      msg('2026-03-02T19:20:00+08:00', 'ann'), // the session's first instant
      msg('2026-03-02T19:19:59.999+08:00', 'cat'), // before it (a late event, processed at the clock: 19:20)
      msg('2026-03-02T20:00:00+08:00', 'bob'), // the session's end: already over
    ]);
    expect(texts(out)).toEqual(['discussion 开始 2026-03-02T19:20:00+08:00', 'discussion: bob 没有发言']);
    const later = feed(rt, [ev('rules.acknowledged', '2026-03-02T20:30:00+08:00', 'ann'), ev('rules.acknowledged', '2026-03-02T20:30:00+08:00', 'bob')]);
    expect(later.map((a) => `${a.member}: ${a.text}`)).toEqual(['ann: start', 'ann: discussion attended', 'bob: start', 'bob: discussion missed']);
  });

  it('a post just before the start (on time) does not attend', () => {
    const rt = runtime(TWO_SCHEDULES);
    const { join, msg } = events();
    const out = feed(rt, [
      join('2026-03-02T19:00:00+08:00', 'ann'),
      msg('2026-03-02T19:19:59.999+08:00', 'ann'),
      msg('2026-03-02T19:59:59.999+08:00', 'bob'), // joined by posting, after the start: not expected
    ]);
    expect(texts(out)).toEqual(['discussion 开始 2026-03-02T19:20:00+08:00']);
    expect(texts(rt.advance('2026-03-02T20:00:00+08:00'))).toEqual(['discussion: ann 没有发言']);
  });
});

describe('two schedules in one playbook', () => {
  it('each runs its own sessions, hooks and attendance event', () => {
    const rt = runtime(TWO_SCHEDULES);
    const { join, msg, checkin, ev } = events();
    const out = feed(rt, [
      join('2026-03-02T05:00:00+08:00', 'ann'),
      join('2026-03-02T05:00:00+08:00', 'bob'),
      msg('2026-03-02T06:30:00+08:00', 'ann'), // a message does not attend the morning session
      checkin('2026-03-02T07:00:00+08:00', 'bob'),
      checkin('2026-03-02T19:30:00+08:00', 'ann'), // a check-in does not attend the discussion
      msg('2026-03-02T19:40:00+08:00', 'bob'),
    ]);
    expect(out.filter((a) => a.type === 'message.send').map((a) => [a.at.slice(11, 16), a.text, a.source])).toEqual([
      ['06:00', 'morning 开始 2026-03-02T06:00:00+08:00', expect.stringContaining('morning')],
      ['08:30', 'morning: ann 记得打卡', expect.stringContaining('morning')],
      ['19:20', 'discussion 开始 2026-03-02T19:20:00+08:00', expect.stringContaining('discussion')],
    ]);
    const end = rt.advance('2026-03-02T20:00:00+08:00');
    expect(texts(end)).toEqual(['discussion: ann 没有发言']);
    const report = feed(rt, [ev('rules.acknowledged', '2026-03-02T21:00:00+08:00', 'ann'), ev('rules.acknowledged', '2026-03-02T21:00:00+08:00', 'bob')]);
    expect(report.map((a) => `${a.member}: ${a.text}`)).toEqual([
      'ann: start',
      'ann: discussion missed',
      'ann: morning missed',
      'bob: start',
      'bob: discussion attended',
      'bob: morning attended',
    ]);
  });

  it('the next sessions are armed: Tuesday has both again, Saturday only the daily one', () => {
    const rt = runtime(TWO_SCHEDULES);
    const { join } = events();
    feed(rt, [join('2026-03-02T05:00:00+08:00', 'ann')]);
    const starts = texts(rt.advance('2026-03-08T00:00:00+08:00')).filter((t) => String(t).includes('开始'));
    expect(starts).toEqual([
      ...['02', '03', '04', '05', '06'].flatMap((d) => [`morning 开始 2026-03-${d}T06:00:00+08:00`, `discussion 开始 2026-03-${d}T19:20:00+08:00`]),
      'morning 开始 2026-03-07T06:00:00+08:00',
    ]);
    expect(ofType(rt.advance('2026-03-09T00:00:00+08:00'), 'message.send').length).toBe(2); // Sunday: morning start + reminder
  });
});

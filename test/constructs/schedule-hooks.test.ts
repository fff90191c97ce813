import { describe, expect, it } from 'vitest';
import { createRuntime } from '../../src/runtime/runtime.js';
import { events, feed, load, runtime, texts } from './helpers.js';

/**
 * Schedule hooks before and at a session's start, and how long finished sessions are kept
 * (docs/language.md, "Schedules"; docs/runtime.md, "Schedules and attendance"; issue 14, item 7).
 */

const BODY = `
schedule talk every day at 19:20 until 20:00 {
  at start - 10m: say "soon {session}"
  at start: say "start {session}"
  at end: say "end {session}"
}`;

describe('hooks of the first session', () => {
  it('a hook due before the first event is not run late; later hooks of that session run', () => {
    const rt = runtime(BODY);
    const out = feed(rt, [events().join('2026-03-02T19:15:00+08:00', 'ann')]);
    expect(texts(out)).toEqual([]);
    expect(rt.advance('2026-03-03T19:20:00+08:00').map((a) => [a.at, a.text])).toEqual([
      ['2026-03-02T19:20:00+08:00', 'start 2026-03-02T19:20:00+08:00'],
      ['2026-03-02T20:00:00+08:00', 'end 2026-03-02T19:20:00+08:00'],
      ['2026-03-03T19:10:00+08:00', 'soon 2026-03-03T19:20:00+08:00'],
      ['2026-03-03T19:20:00+08:00', 'start 2026-03-03T19:20:00+08:00'],
    ]);
  });

  it('a first event exactly at the start runs the start hook at that instant, before the event', () => {
    const rt = runtime(`${BODY}
rule echo { on message.posted do say "echo" }`);
    const out = feed(rt, [events().msg('2026-03-02T19:20:00+08:00', 'ann')]);
    expect(texts(out)).toEqual(['start 2026-03-02T19:20:00+08:00', 'echo']);
  });
});

describe('finished sessions are kept for 400 days', () => {
  it('a session exactly 400 days older than the one opening is kept; an older one is dropped', () => {
    const rt = runtime(`schedule talk every day at 19:20 until 20:00 { at start: say "s" }`);
    feed(rt, [events().join('2026-01-01T10:00:00+08:00', 'ann')]);
    // Sessions open every day from 1 Jan 2026; on 5 Feb 2027 (day 401 after 1 Jan) the 1 Jan
    // session is 400 days old, the next day it is 401.
    rt.advance('2027-02-05T19:20:00+08:00');
    const sessions = () => rt.community('c1')!.sessions['talk']!;
    expect(sessions()).toHaveLength(401);
    expect(sessions()[0]!.start).toBe(Date.parse('2026-01-01T19:20:00+08:00'));
    rt.advance('2027-02-06T19:20:00+08:00');
    expect(sessions()).toHaveLength(401);
    expect(sessions()[0]!.start).toBe(Date.parse('2026-01-02T19:20:00+08:00'));
  });
});

describe('who is expected at a session', () => {
  it('a member who had left when the session started did not miss it, even after rejoining', () => {
    const rt = runtime(`
schedule talk every day at 19:20 until 20:00 { at start: say "s" }
rule missed { on rules.acknowledged when absences(talk) >= 1 do say "missed {member.id}" }
rule came { on rules.acknowledged when attended(talk) >= 1 do say "came {member.id}" }`);
    const { join, leave, msg, ev } = events();
    feed(rt, [
      join('2026-03-02T10:00:00+08:00', 'ann'),
      join('2026-03-02T10:00:00+08:00', 'bob'),
      join('2026-03-02T10:00:00+08:00', 'cat'),
      leave('2026-03-02T11:00:00+08:00', 'bob'),
      msg('2026-03-02T19:30:00+08:00', 'cat'),
      join('2026-03-02T21:00:00+08:00', 'bob'),
    ]);
    const out = feed(
      rt,
      ['ann', 'bob', 'cat'].map((m) => ev('rules.acknowledged', '2026-03-02T21:30:00+08:00', m)),
    );
    expect(texts(out)).toEqual(['missed ann', 'came cat']);
  });
});

describe('the timers of a session', () => {
  it('a session arms its open, hook and close timers, which a snapshot lists', () => {
    const rt = runtime(`schedule talk every day at 19:20 until 20:00 { at start + 5m: say "s" }`);
    feed(rt, [events().join('2026-03-02T10:00:00+08:00', 'ann')]);
    const start = Date.parse('2026-03-02T19:20:00+08:00');
    const timers = rt.snapshot().communities[0]!.timers.map((t) => [t.id, t.kind, t.due]);
    expect(timers).toEqual([
      [`schedule:talk@${start}`, 'session.open', start],
      [`schedule:talk@${start}#0`, 'session.hook', start + 300_000],
      [`schedule:talk@${start}/close`, 'session.close', start + 2_400_000],
    ]);
  });
});

describe('schedules after a restore into a changed playbook', () => {
  it('a hook timer the schedule no longer has does nothing; a schedule the snapshot did not know records no attendance and does not fail', () => {
    const { join, msg } = events();
    const before = runtime(`schedule talk every day at 19:20 until 20:00 { at start: say "s"; at start + 5m: say "five" }`);
    feed(before, [join('2026-03-02T10:00:00+08:00', 'ann')]);
    const snapshot = JSON.parse(JSON.stringify(before.snapshot()));
    const after = createRuntime(
      load(`
schedule talk every day at 19:20 until 20:00 { at start: say "s" }
schedule other every day at 19:20 until 20:00 { at start: say "o" }
rule echo { on message.posted do say "echo" }`),
      { snapshot },
    );
    expect(texts(after.advance('2026-03-02T19:30:00+08:00'))).toEqual(['s']);
    expect(texts(feed(after, [msg('2026-03-02T19:31:00+08:00', 'ann')]))).toEqual(['echo']);
  });
});

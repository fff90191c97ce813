import { describe, expect, it } from 'vitest';
import { createRuntime } from '../../src/runtime/runtime.js';
import { events, feed, load, ofType, runtime, texts } from './helpers.js';

/** Periodic jobs and leaderboards on their calendars (docs/language.md, "Periodic jobs"; issue 14, item 7). */

describe('periodic jobs', () => {
  it('run at each occurrence with the job as source, and are armed again for the next one', () => {
    const rt = runtime(`job hello every day at 09:00, 09:01 { say "hi {date} {time}" }`);
    feed(rt, [events().join('2026-03-02T08:00:00+08:00', 'ann')]);
    const out = rt.advance('2026-03-03T09:01:00+08:00');
    expect(out.map((a) => [a.at, a.text, a.source])).toEqual([
      ['2026-03-02T09:00:00+08:00', 'hi 2026-03-02 09:00', 'job:hello'],
      ['2026-03-02T09:01:00+08:00', 'hi 2026-03-02 09:01', 'job:hello'],
      ['2026-03-03T09:00:00+08:00', 'hi 2026-03-03 09:00', 'job:hello'],
      ['2026-03-03T09:01:00+08:00', 'hi 2026-03-03 09:01', 'job:hello'],
    ]);
    expect(rt.nextDue()).toBe(Date.parse('2026-03-04T09:00:00+08:00'));
  });

  it('two jobs each run their own actions at their own times', () => {
    const rt = runtime(`
job a every day at 09:00 { say "a" }
job b every day at 10:00 { say "b" }`);
    feed(rt, [events().join('2026-03-02T08:00:00+08:00', 'ann')]);
    expect(rt.advance('2026-03-03T09:30:00+08:00').map((a) => [a.at, a.text, a.source])).toEqual([
      ['2026-03-02T09:00:00+08:00', 'a', 'job:a'],
      ['2026-03-02T10:00:00+08:00', 'b', 'job:b'],
      ['2026-03-03T09:00:00+08:00', 'a', 'job:a'],
    ]);
  });

  it('a job or leaderboard timer left in a snapshot by a playbook that no longer has it does nothing', () => {
    const before = runtime(`
job hello every day at 09:00 { say "hi" }
leaderboard best top 3 by points every day at 09:00: say "{board}"`);
    const { join, msg } = events();
    feed(before, [join('2026-03-02T08:00:00+08:00', 'ann')]);
    const snapshot = JSON.parse(JSON.stringify(before.snapshot()));
    const after = createRuntime(load(`rule echo { on message.posted do say "echo" }`), { snapshot });
    expect(after.advance('2026-03-05T00:00:00+08:00')).toEqual([]);
    expect(texts(feed(after, [msg('2026-03-05T00:00:01+08:00', 'ann')]))).toEqual(['echo']);
  });
});

describe('leaderboards on their calendar', () => {
  it('post with the leaderboard as source and are armed again', () => {
    const rt = runtime(`
rule earn { on checkin.done do award 3 points }
leaderboard best top 3 by points every day at 21:00: say "{board}"`);
    const { join, checkin } = events();
    feed(rt, [join('2026-03-02T08:00:00+08:00', 'ann'), checkin('2026-03-02T09:00:00+08:00', 'ann')]);
    const out = ofType(rt.advance('2026-03-03T21:00:00+08:00'), 'message.send');
    expect(out.map((a) => [a.at, a.text, a.source])).toEqual([
      ['2026-03-02T21:00:00+08:00', '1. ann 3', 'leaderboard:best'],
      ['2026-03-03T21:00:00+08:00', '1. ann 3', 'leaderboard:best'],
    ]);
  });
});

import { describe, expect, it } from 'vitest';
import { createRuntime } from '../../src/runtime/runtime.js';
import { events, feed, load, runtime, texts } from '../constructs/helpers.js';

/**
 * Schedule edges the construct tests leave open (src/runtime/constructs/schedules.ts;
 * docs/language.md, "Schedules"): a hook due exactly at the first event, the session lists a
 * community starts with, and a schedule added under a snapshot. Written for the mutation run
 * (docs/testing.md, "Mutation testing").
 */

const BODY = `
schedule talk every day at 19:20 until 20:00 {
  at start - 10m: say "soon {session}"
  at start: say "start {session}"
}`;

describe('the first session of a new community', () => {
  it('a hook due exactly at the first event runs, at that instant', () => {
    const rt = runtime(BODY);
    const out = feed(rt, [events().join('2026-03-02T19:10:00+08:00', 'ann')]);
    expect(out.map((a) => [a.at, a.text])).toEqual([['2026-03-02T19:10:00+08:00', 'soon 2026-03-02T19:20:00+08:00']]);
  });

  it('starts with an empty session list per schedule, one session once it opens', () => {
    const rt = runtime(BODY);
    feed(rt, [events().join('2026-03-02T12:00:00+08:00', 'ann')]);
    expect(rt.community('c1')!.sessions['talk']).toEqual([]);
    rt.advance('2026-03-02T19:30:00+08:00');
    expect(rt.community('c1')!.sessions['talk']!.map((s) => [s.start, s.present, s.attended])).toEqual([
      [Date.parse('2026-03-02T19:20:00+08:00'), ['ann'], []],
    ]);
  });
});

describe('a schedule inside a campaign stage', () => {
  const SCOPED = `
campaign c {
  stage flash from 2026-11-11 to 2026-11-12 {
    schedule s every day at 11:00 until 11:30 { at start: say "session" }
  }
}`;

  it('records only the sessions that start while the stage runs', () => {
    const rt = runtime(SCOPED);
    feed(rt, [events().join('2026-11-10T08:00:00+08:00', 'ann')]);
    rt.advance('2026-11-14T00:00:00+08:00');
    const starts = rt.community('c1')!.sessions['s']!.map((x) => new Date(x.start).toISOString());
    expect(starts).toEqual(['2026-11-11T03:00:00.000Z', '2026-11-12T03:00:00.000Z']);
  });
});

describe("a snapshot whose community lacks a schedule's session list", () => {
  // Stored state is input: a snapshot written by hand or by another tool may leave the list out.
  it('gets the list back when the next session opens, holding that session only', () => {
    const rt = runtime(BODY);
    feed(rt, [events().join('2026-03-02T12:00:00+08:00', 'ann')]);
    const snap = rt.snapshot();
    for (const c of snap.communities) delete (c as unknown as { sessions: Record<string, unknown> }).sessions['talk'];
    const resumed = createRuntime(load(BODY), { snapshot: snap });
    expect(texts(resumed.advance('2026-03-02T19:30:00+08:00'))).toEqual(['soon 2026-03-02T19:20:00+08:00', 'start 2026-03-02T19:20:00+08:00']);
    expect(resumed.community('c1')!.sessions['talk']!.map((x) => x.start)).toEqual([Date.parse('2026-03-02T19:20:00+08:00')]);
  });
});

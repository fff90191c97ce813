import { describe, expect, it } from 'vitest';
import { createRuntime } from '../../src/runtime/runtime.js';
import { events, feed, load, runtime, texts } from '../constructs/helpers.js';

/**
 * Agenda timers against a playbook that changed under them (src/runtime/constructs/agendas.ts):
 * a stored IR from before agendas existed, and a snapshot resumed by a playbook whose agenda is
 * gone or shorter. Written for the mutation run (docs/testing.md, "Mutation testing").
 */

const AGENDA = `
agenda launch on 2026-03-15 {
  19:00 签到: say "签到"
  19:10 开场: say "开场"
}`;
const JOIN = '2026-03-02T10:00:00+08:00';
const AFTER = '2026-03-16T00:00:00+08:00';

function armed() {
  const rt = runtime(AGENDA);
  feed(rt, [events().join(JOIN, 'ann')]);
  return rt.snapshot();
}

describe('agendas', () => {
  it('an IR stored before agendas existed (no agendas field) runs', () => {
    const ir = load(`job tick every day at 09:00 { say "tick" }`);
    delete (ir as { agendas?: unknown }).agendas;
    const rt = createRuntime(ir);
    feed(rt, [events().join(JOIN, 'ann')]);
    expect(texts(rt.advance('2026-03-03T10:00:00+08:00'))).toEqual(['tick']);
  });

  it('resumed by a playbook without agendas, or without this agenda, its timers do nothing', () => {
    const none = load(`job tick every day at 09:00 { say "tick" }`);
    delete (none as { agendas?: unknown }).agendas;
    expect(texts(createRuntime(none, { snapshot: armed() }).advance(AFTER))).toEqual([]);
    const other = load(`agenda other on 2026-03-20 { 10:00 x: say "other" }`);
    expect(texts(createRuntime(other, { snapshot: armed() }).advance(AFTER))).toEqual([]);
  });

  it('resumed by a playbook whose agenda lost a step, the missing step does nothing', () => {
    const shorter = load(`agenda launch on 2026-03-15 { 19:00 签到: say "签到" }`);
    expect(texts(createRuntime(shorter, { snapshot: armed() }).advance(AFTER))).toEqual(['签到']);
  });

  it('a timer that lost its step number does nothing', () => {
    const snap = armed();
    for (const t of snap.communities[0]!.timers) delete t.hook;
    expect(texts(createRuntime(load(AGENDA), { snapshot: snap }).advance(AFTER))).toEqual([]);
    expect(texts(createRuntime(load(AGENDA), { snapshot: armed() }).advance(AFTER))).toEqual(['签到', '开场']);
  });

  describe('inside a campaign stage', () => {
    const staged = (day: string) => `
campaign c {
  stage flash from 2026-11-${day} 10:00 to 2026-11-${day} 12:00 {
    agenda launch on 2026-11-${day} { 10:00 开场: say "开场"; 11:59 收尾: say "收尾" }
  }
}`;

    it('runs its steps while the stage runs, at the stage start included', () => {
      const rt = runtime(staged('11'));
      feed(rt, [events().join('2026-11-10T08:00:00+08:00', 'ann')]);
      const out = rt.advance('2026-11-12T00:00:00+08:00');
      expect(out.filter((a) => a.type === 'message.send').map((a) => `${String(a.text)} ${String(a.at)}`)).toEqual([
        '开场 2026-11-11T10:00:00+08:00',
        '收尾 2026-11-11T11:59:00+08:00',
      ]);
    });

    it('a step timer due outside the stage (the stage moved a day under a snapshot) does nothing', () => {
      const rt = runtime(staged('11'));
      feed(rt, [events().join('2026-11-10T08:00:00+08:00', 'ann')]);
      const moved = createRuntime(load(staged('12')), { snapshot: rt.snapshot() });
      const out = moved.advance('2026-11-12T00:00:00+08:00');
      expect(texts(out)).toEqual([]);
      // The same snapshot under the same playbook runs them: only the stage's dates differ.
      expect(texts(createRuntime(load(staged('11')), { snapshot: rt.snapshot() }).advance('2026-11-12T00:00:00+08:00'))).toEqual(['开场', '收尾']);
    });
  });
});

import { describe, expect, it } from 'vitest';
import { compile } from '../../src/compiler/compile.js';
import { formatPlaybook } from '../../src/format/index.js';
import { events, feed, load, runtime } from './helpers.js';
import { createRuntime } from '../../src/runtime/runtime.js';

/** `every … when CONDITION: …` (docs/language.md, "Periodic jobs"): group health alerts and the like. */

const HEALTH = `every mon at 09:00 when count(message.posted within 7d) < 3: notify admins "quiet week"`;

describe('a job with `when`', () => {
  it('runs an occurrence only when its condition holds then, and stays armed after one that does not', () => {
    const rt = runtime(HEALTH);
    const { join, msg } = events();
    const out = feed(rt, [
      join('2026-03-01T08:00:00+08:00', 'ann'), // a Sunday
      msg('2026-03-03T10:00:00+08:00', 'ann'),
      msg('2026-03-04T10:00:00+08:00', 'ann'),
      msg('2026-03-05T10:00:00+08:00', 'ann'),
      msg('2026-03-10T10:00:00+08:00', 'ann'),
    ]);
    // Mon 03-02: no message yet in the week before -> alert. Mon 03-09: three -> none.
    // Mon 03-16: one (03-10) -> alert. Mon 03-23: none -> alert.
    out.push(...rt.advance('2026-03-23T12:00:00+08:00'));
    expect(out.map((a) => [a.type, a.at, a.text, a.source])).toEqual([
      ['admin.notify', '2026-03-02T09:00:00+08:00', 'quiet week', 'job:every_line_2'],
      ['admin.notify', '2026-03-16T09:00:00+08:00', 'quiet week', 'job:every_line_2'],
      ['admin.notify', '2026-03-23T09:00:00+08:00', 'quiet week', 'job:every_line_2'],
    ]);
    expect(rt.nextDue()).toBe(Date.parse('2026-03-30T09:00:00+08:00'));
  });

  it('counts events less than the window old at the occurrence: one exactly 7 days before is out', () => {
    const rt = runtime(`every mon at 09:00 when count(message.posted within 7d) == 0: say "silence"`);
    const { join, msg } = events();
    const out = feed(rt, [join('2026-03-02T08:00:00+08:00', 'ann'), msg('2026-03-02T09:00:00+08:00', 'ann')]);
    // At 03-02 09:00 the message of that instant is not yet in (it comes after the timer); on
    // 03-09 09:00 it is exactly 7 days old and no longer counted.
    out.push(...rt.advance('2026-03-09T09:00:00+08:00'));
    expect(out.map((a) => [a.at, a.text])).toEqual([
      ['2026-03-02T09:00:00+08:00', 'silence'],
      ['2026-03-09T09:00:00+08:00', 'silence'],
    ]);
  });

  it('gives the same actions with the reference engine (json-rules-engine)', () => {
    const ir = load(`${HEALTH}\njob busy every day at 21:00 when count(message.posted within 1d) >= 2 and count(member.joined) > 0 { say "busy day" }`);
    const run = (engine: 'fast' | 'reference') => {
      const rt = createRuntime(ir, { engine });
      const { join, msg } = events();
      const out = feed(rt, [
        join('2026-03-01T08:00:00+08:00', 'ann'),
        msg('2026-03-03T10:00:00+08:00', 'ann'),
        msg('2026-03-03T11:00:00+08:00', 'ann'),
        msg('2026-03-10T10:00:00+08:00', 'ann'),
      ]);
      out.push(...rt.advance('2026-03-17T00:00:00+08:00'));
      rt.close?.();
      return out.map((a) => [a.type, a.at, a.text]);
    };
    const fast = run('fast');
    expect(fast).toContainEqual(['message.send', '2026-03-03T21:00:00+08:00', 'busy day']);
    expect(fast.filter((a) => a[2] === 'busy day')).toHaveLength(1);
    expect(fast.filter((a) => a[2] === 'quiet week').map((a) => a[1])).toEqual([
      '2026-03-02T09:00:00+08:00',
      '2026-03-09T09:00:00+08:00',
      '2026-03-16T09:00:00+08:00',
    ]);
    expect(run('reference')).toEqual(fast);
  });

  it('inside a stage counts only the events while the campaign runs, as the stage rules do', () => {
    const rt = runtime(`
campaign sale {
  stage main from 2026-03-05 to 2026-03-20 {
    every day at 21:00 when count(order.paid) < 2: say "push: {date}"
  }
}`);
    const { join, ev } = events();
    const out = feed(rt, [
      join('2026-03-01T08:00:00+08:00', 'ann'),
      ev('order.paid', '2026-03-02T10:00:00+08:00', 'ann', { amount: 5, orderId: 'o1' }),
      ev('order.paid', '2026-03-03T10:00:00+08:00', 'ann', { amount: 5, orderId: 'o2' }),
      ev('order.paid', '2026-03-06T10:00:00+08:00', 'ann', { amount: 5, orderId: 'o3' }),
      ev('order.paid', '2026-03-07T10:00:00+08:00', 'ann', { amount: 5, orderId: 'o4' }),
    ]);
    out.push(...rt.advance('2026-03-08T00:00:00+08:00'));
    // The two orders before the stage do not count: 03-05 (none) and 03-06 (one) push, 03-07 (two) does not.
    expect(out.filter((a) => a.type === 'message.send').map((a) => a.text)).toEqual(['push: 2026-03-05', 'push: 2026-03-06']);
  });

  it('is refused where it would read a member or an event, as the job has neither', () => {
    for (const [when, code] of [
      ['member.points > 3', 'E0407'],
      ['count(message.posted by member within 7d) < 3', 'E0407'],
      ['text contains "x"', 'E0209'],
    ] as const) {
      const r = compile(`playbook "T" { timezone "Asia/Shanghai" }\nevery mon at 09:00 when ${when}: notify admins "x"\n`, { file: 'j.playbook' });
      expect(r.ir, when).toBeUndefined();
      expect(r.diagnostics.map((d) => d.code)).toEqual([code]);
    }
  });

  it('is printed back by fmt as written, in both the line and the block form', () => {
    const src = `playbook "T" {\n  timezone "Asia/Shanghai"\n}\n\n${HEALTH}\n\njob busy every day at 21:00 when count(message.posted within 1d) >= 2 {\n  say "busy day"\n  notify admins "busy"\n}\n`;
    expect(formatPlaybook(src, { file: 'j.playbook' })).toEqual({ ok: true, text: src, changed: false });
  });
});

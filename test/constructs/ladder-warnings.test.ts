import { describe, expect, it } from 'vitest';
import { createRuntime } from '../../src/runtime/runtime.js';
import { events, feed, load, ofType, runtime, texts } from './helpers.js';

/** Ladder warnings without `expire`, without a reason, and on a ladder the IR lacks (docs/language.md, "Ladders"; issue 14, item 7). */

describe('ladder warnings', () => {
  it('without `expire`, every warning counts however old; a warning without a reason reports an empty one', () => {
    const rt = runtime(`
ladder l { 1: say "one [{reason}]"; 2: say "two" }
rule w { on message.posted do warn member on ladder l }`);
    const { msg } = events();
    const out = feed(rt, [msg('2026-03-02T10:00:00+08:00', 'ann'), msg('2027-03-02T10:00:00+08:00', 'ann')]);
    expect(ofType(out, 'member.warn').map((a) => [a.count, a.reason, a.ladder, a.source])).toEqual([
      [1, '', 'l', 'rule:w'],
      [2, '', 'l', 'rule:w'],
    ]);
    expect(texts(out)).toEqual(['one []', 'two']);
    expect(out.find((a) => a.text === 'two')!.source).toBe('ladder:l');
  });

  it('a warning on a ladder the playbook does not have (a hand-written IR) does nothing', () => {
    const ir = load(`
ladder l { 1: say "one" }
rule w { on message.posted do warn member on ladder l; say "after" }`);
    const action = ir.rules[0]!.actions[0] as { ladder: string };
    action.ladder = 'gone';
    const rt = createRuntime(ir);
    const out = feed(rt, [events().msg('2026-03-02T10:00:00+08:00', 'ann')]);
    expect(out.map((a) => [a.type, a.text])).toEqual([['message.send', 'after']]);
    expect(rt.community('c1')!.members['ann']!.warnings).toBeUndefined();
  });
});

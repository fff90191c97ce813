import { describe, expect, it } from 'vitest';
import { createRuntime } from '../../src/runtime/runtime.js';
import { events, feed, load, ofType, runtime, texts } from '../constructs/helpers.js';

/**
 * `rule` (src/runtime/constructs/rules.ts; docs/language.md, "Rules"): priorities out of source
 * order, `once per FIELD` on numbers, booleans, missing fields and the text "undefined", two rules
 * keyed on a field, and a cooldown at, before and after its end. Written for the mutation run
 * (docs/testing.md, "Mutation testing").
 */

const at = (min: number) => `2026-03-02T10:${String(min).padStart(2, '0')}:00+08:00`;

describe('priority', () => {
  it('runs the rules from the highest priority down, whatever the source order', () => {
    const rt = runtime(
      [
        'rule low { on message.posted priority -2 do say "low" }',
        'rule mid { on message.posted do say "mid" }',
        'rule top { on message.posted priority 7 do say "top" }',
        'rule high { on message.posted priority 3 do say "high" }',
        'rule mid2 { on message.posted do say "mid2" }',
      ].join('\n'),
    );
    const { msg } = events();
    expect(texts(feed(rt, [msg(at(0), 'ann')]))).toEqual(['top', 'high', 'mid', 'mid2', 'low']);
  });
});

describe('once per FIELD', () => {
  const body = [
    'event shop.paid { code?: string, n: number, ok: boolean }',
    'rule by_code { on shop.paid once per code do say "code {n}" }',
    'rule by_n { on shop.paid once per n do say "n {n}" }',
    'rule by_ok { on shop.paid once per ok do say "ok {n}" }',
  ].join('\n');
  const paid = (ev: ReturnType<typeof events>['ev'], min: number, fields: Record<string, unknown>) => ev('shop.paid', at(min), 'ann', fields);

  it('keys a number and a boolean by their text, and keeps each rule its own keys', () => {
    const rt = runtime(body);
    const { ev } = events();
    const out = feed(rt, [
      paid(ev, 0, { code: 'a', n: 1, ok: true }),
      paid(ev, 1, { code: 'a', n: 1, ok: true }),
      paid(ev, 2, { code: 'b', n: 2, ok: false }),
      paid(ev, 3, { code: 'c', n: 2, ok: false }),
    ]);
    expect(texts(out)).toEqual(['code 1', 'n 1', 'ok 1', 'code 2', 'n 2', 'ok 2', 'code 2']);
    const keys = rt.community('c1')!.onceKeys!;
    expect(Object.keys(keys['rule:by_n']!).sort()).toEqual(['1', '2']);
    expect(Object.keys(keys['rule:by_ok']!).sort()).toEqual(['false', 'true']);
    expect(Object.keys(keys['rule:by_code']!).sort()).toEqual(['a', 'b', 'c']);
  });

  it('holds back neither an event without the field nor the text "undefined" after one', () => {
    const rt = runtime(body);
    const { ev } = events();
    const out = feed(rt, [
      paid(ev, 0, { n: 1, ok: true }),
      paid(ev, 1, { n: 2, ok: false }),
      paid(ev, 2, { code: 'undefined', n: 3, ok: true }),
      paid(ev, 3, { n: 4, ok: true }),
      paid(ev, 4, { code: 'undefined', n: 5, ok: true }),
    ]);
    expect(
      ofType(out, 'message.send')
        .map((a) => a.text as string)
        .filter((t) => t.startsWith('code')),
    ).toEqual(['code 1', 'code 2', 'code 3', 'code 4']);
    expect(Object.keys(rt.community('c1')!.onceKeys!['rule:by_code']!)).toEqual(['undefined']);
  });
});

describe('a rule without once per FIELD', () => {
  it('keeps no keys, even for an event with a field named `undefined`', () => {
    const rt = runtime('event x.y { undefined: string }\nrule r { on x.y do say "hi" }');
    const { ev } = events();
    expect(texts(feed(rt, [ev('x.y', at(0), 'ann', { undefined: 'k' }), ev('x.y', at(1), 'ann', { undefined: 'k' })]))).toEqual(['hi', 'hi']);
    expect(rt.community('c1')!.onceKeys).toBeUndefined();
  });
});

describe('once per a list field', () => {
  // The checker refuses it (E0108, test/constructs/rule-guards.test.ts); an IR that has one anyway
  // (written by hand) keys nothing: a list is no key, so the rule is never held back.
  it('keys nothing and holds nothing back', () => {
    const ir = load('event x.y { tags: string }\nrule r { on x.y once per tags do say "hi" }');
    ir.events['x.y']!.fields['tags']!.type = 'string[]';
    const rt = createRuntime(ir);
    const { ev } = events();
    expect(texts(feed(rt, [ev('x.y', at(0), 'ann', { tags: ['a'] }), ev('x.y', at(1), 'ann', { tags: ['a'] })]))).toEqual(['hi', 'hi']);
    expect(rt.community('c1')!.onceKeys).toBeUndefined();
  });
});

describe('cooldown', () => {
  it('holds the rule back until exactly D has passed, then fires again', () => {
    const rt = runtime('rule thanks { on message.posted cooldown 10m do say "thanks" }');
    const { msg } = events();
    const fired = (min: number) => texts(feed(rt, [msg(at(min), 'ann')])).length;
    expect([fired(0), fired(5), fired(9), fired(10), fired(19), fired(20), fired(31)]).toEqual([1, 0, 0, 1, 0, 1, 1]);
  });

  it('a rule without a cooldown notes no last firing', () => {
    const rt = runtime('rule every { on message.posted do say "every" }');
    const { msg } = events();
    expect(texts(feed(rt, [msg(at(0), 'ann'), msg(at(1), 'ann')]))).toEqual(['every', 'every']);
    const c = rt.community('c1')!;
    expect(c.ruleFired).toBeUndefined();
    expect(c.members['ann']!.ruleFired).toBeUndefined();
  });
});

import { describe, expect, it } from 'vitest';
import type { MachineConfig, MachineParts, RunRef } from '../../src/compiler/backends/xstate.js';
import type { Cond, IR } from '../../src/ir/schema.js';
import { pendingSteps, type MachineStep } from '../../src/runtime/machines/engine.js';
import { FastMachines } from '../../src/runtime/machines/fast.js';
import { XStateMachines } from '../../src/runtime/machines/reference.js';
import { dict } from '../../src/stdlib/dict.js';

/**
 * The reference machine engine (src/runtime/machines/reference.ts): XState driven on stored
 * values, with `__proto__` respelled on the way in and back on the way out (docs/runtime.md,
 * "Hostile names"). Configs with that name are parsed from JSON, where `__proto__` is an own key.
 * Each answer is checked against the fast engine as well, which needs no respelling.
 */

const empty = { rituals: [], lifecycles: [] } as unknown as IR;

function parts(json: string, refs: string[] = [], conds: string[] = []): MachineParts {
  const actions = dict<RunRef>();
  for (const r of refs) actions[r] = { actions: [], source: `did ${r}` };
  const cs = dict<Cond>();
  for (const c of conds) cs[c] = { op: 'hasTag', tag: c };
  return { config: JSON.parse(json) as MachineConfig, conds: cs, actions };
}

const brief = (s: MachineStep) => ({ value: s.value, done: s.done, runs: s.runs.map((r) => r.source), raises: s.raises, cancels: s.cancels });

/** The reference engine's step, after checking that the fast engine takes the same one. */
function both(p: MachineParts, value: unknown, type: string | undefined, truth: string[] = []) {
  const guard = (c: Cond) => truth.includes((c as { tag: string }).tag);
  const answer = (engine: FastMachines | XStateMachines) => {
    const lm = engine.load('m', 'lifecycle', p);
    return brief(type === undefined ? engine.start(lm, guard) : engine.send(lm, value, { type }, guard));
  };
  const ref = answer(new XStateMachines(empty));
  expect(answer(new FastMachines(empty))).toEqual(ref);
  return ref;
}

const PROTO_STATES = parts(
  `{"id": "m", "initial": "__proto__", "states": {
     "__proto__": {
       "entry": [{"type": "run", "params": {"ref": "__proto__"}}],
       "on": {"__proto__": {"target": "b"}, "x.__proto__": {"target": "b", "actions": [{"type": "run", "params": {"ref": "dotted"}}]}},
       "after": {"1000": {"target": "b"}}
     },
     "b": {"on": {"back": [{"target": "__proto__", "guard": {"type": "cond", "params": {"ref": "__proto__"}}}, {"target": "c"}]}},
     "c": {}
   }}`,
  ['__proto__', 'dotted'],
  ['__proto__'],
);

describe('`__proto__` as a state, an event, a delay, an action and a guard', () => {
  it('starts in a state of that name: its entry action and its delay, named back', () => {
    expect(both(PROTO_STATES, undefined, undefined)).toEqual({
      value: '__proto__',
      done: false,
      runs: ['did __proto__'],
      raises: [{ id: 'xstate.after.1000.m.__proto__', delay: 1000, event: { type: 'xstate.after.1000.m.__proto__' } }],
      cancels: [],
    });
  });

  it('an event of that name moves on, and the delay is cancelled under its own name', () => {
    expect(both(PROTO_STATES, '__proto__', '__proto__')).toEqual({ value: 'b', done: false, runs: [], raises: [], cancels: ['xstate.after.1000.m.__proto__'] });
  });

  it('the delayed event of a state of that name is taken', () => {
    expect(both(PROTO_STATES, '__proto__', 'xstate.after.1000.m.__proto__').value).toBe('b');
  });

  it('an ordinary event with that name as a part is not respelled', () => {
    expect(both(PROTO_STATES, '__proto__', 'x.__proto__')).toMatchObject({ value: 'b', runs: ['did dotted'] });
  });

  it('a target of that name, behind a guard of that name', () => {
    expect(both(PROTO_STATES, 'b', 'back', ['__proto__']).value).toBe('__proto__');
    expect(both(PROTO_STATES, 'b', 'back').value).toBe('c');
  });

  it('a list of targets, a form the fast engine does not read, is respelled too', () => {
    const p = parts(`{"id": "m", "initial": "a", "states": {"a": {"on": {"go": {"target": ["__proto__"]}}}, "__proto__": {}}}`);
    const xs = new XStateMachines(empty);
    expect(xs.send(xs.load('m', 'lifecycle', p), 'a', { type: 'go' }, () => true).value).toBe('__proto__');
  });
});

describe('`__proto__` as a region of a parallel state', () => {
  const RITUAL = parts(
    `{"id": "r", "initial": "active", "states": {
       "active": {"type": "parallel", "onDone": {"target": "completed"}, "states": {
         "__proto__": {"initial": "pending", "states": {"pending": {"on": {"a": {"target": "done"}}}, "done": {"type": "final"}}},
         "other": {"initial": "pending", "states": {"pending": {"on": {"b": {"target": "done"}}}, "done": {"type": "final"}}}
       }},
       "completed": {"type": "final", "entry": [{"type": "run", "params": {"ref": "finish"}}]}
     }}`,
    ['finish'],
  );
  const stored = (a: string, b: string) => JSON.parse(`{"active": {"__proto__": "${a}", "other": "${b}"}}`) as unknown;

  it('the value keeps the region as an own key', () => {
    const s = both(RITUAL, undefined, undefined);
    const active = (s.value as { active: object }).active;
    expect(Object.keys(active)).toEqual(['__proto__', 'other']);
    expect(Object.getOwnPropertyDescriptor(active, '__proto__')?.value).toBe('pending');
    const next = both(RITUAL, s.value, 'a');
    expect(Object.getOwnPropertyDescriptor((next.value as { active: object }).active, '__proto__')?.value).toBe('done');
  });

  it('resumes from a stored value with that key, and finishes', () => {
    const s = both(RITUAL, stored('done', 'pending'), 'b');
    expect(s).toEqual({ value: 'completed', done: true, runs: ['did finish'], raises: [], cancels: [] });
    expect(both(RITUAL, stored('pending', 'done'), 'b').value).toEqual(stored('pending', 'done'));
  });

  it('pending steps name that region, by its label', () => {
    const labels = new Map([['other', 'Say hello']]);
    expect(pendingSteps(stored('pending', 'pending'), labels)).toEqual(['__proto__', 'Say hello']);
    expect(pendingSteps(stored('pending', 'done'), new Map([['__proto__', 'Proto']]))).toEqual(['Proto']);
    expect(pendingSteps(stored('done', 'pending'), new Map([['__proto__', 'Proto']]))).toEqual(['other']);
  });
});

describe('the parts of a config that are no names', () => {
  it('`reenter: false` stays false, and a null stays null', () => {
    const p = parts(
      `{"id": "m", "initial": "a", "states": {"a": {"meta": null, "entry": [{"type": "run", "params": {"ref": "enter"}}],
         "on": {"self": {"target": "a", "reenter": false}, "again": {"target": "a", "reenter": true}}}}}`,
      ['enter'],
    );
    expect(both(p, 'a', 'self').runs).toEqual([]);
    expect(both(p, 'a', 'again').runs).toEqual(['did enter']);
  });
});

describe('engines built from a playbook', () => {
  it('load its rituals and lifecycles, each by id and kind', async () => {
    const { compile } = await import('../../src/compiler/compile.js');
    const ir = compile(`playbook "p" { timezone "UTC" }
ritual intro { starts on member.joined; step s: checkin.done; done { say to member "done" } }
lifecycle journey {
  initial new
  new -> active on message.posted
}
`).ir!;
    for (const engine of [new FastMachines(ir), new XStateMachines(ir)]) {
      expect(engine.rituals.map((m) => [m.id, m.kind])).toEqual([[ir.rituals[0]!.id, 'ritual']]);
      expect(engine.lifecycles.map((m) => [m.id, m.kind])).toEqual([[ir.lifecycles[0]!.id, 'lifecycle']]);
      const step = engine.send(engine.lifecycles[0]!, 'new', { type: 'message.posted' }, () => true);
      expect(step.value).toBe('active');
      expect(engine.start(engine.rituals[0]!, () => true).value).toEqual({ active: { s: 'pending' } });
    }
  });
});

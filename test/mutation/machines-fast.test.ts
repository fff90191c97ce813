import { describe, expect, it } from 'vitest';
import type { MachineConfig, MachineParts, RunRef } from '../../src/compiler/backends/xstate.js';
import type { Cond, IR } from '../../src/ir/schema.js';
import { StoredStateError } from '../../src/runtime/machines/stored.js';
import { FastMachines } from '../../src/runtime/machines/fast.js';
import type { MachineEngine, MachineStep } from '../../src/runtime/machines/engine.js';
import { XStateMachines } from '../../src/runtime/machines/reference.js';
import { dict } from '../../src/stdlib/dict.js';

/**
 * The machine interpreter (src/runtime/machines/fast.ts) on hand-written XState configs: nested
 * compound states, explicit initial states, parallel regions and their done events, eventless
 * transitions, `reenter`, targetless transitions, conflicting transitions, `after` delays. Every
 * step is checked against XState's own `transition()` (src/runtime/machines/reference.ts) and
 * pinned by name where the rule is XState's documented one. Rituals and lifecycles only emit a
 * part of this subset; test/differential.test.ts compares the two engines on generated ones.
 */

const empty = { rituals: [], lifecycles: [] } as unknown as IR;

const run = (ref: string) => ({ type: 'run', params: { ref } });
const cond = (ref: string) => ({ type: 'cond', params: { ref } });

/** The parts of a config: every `run` ref runs an action whose `source` is the ref, every `cond` ref is a tag. */
function partsOf(config: MachineConfig): MachineParts {
  const conds = dict<Cond>();
  const actions = dict<RunRef>();
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) return v.forEach(walk);
    if (typeof v !== 'object' || v === null) return;
    const o = v as { type?: unknown; params?: { ref?: string } };
    if (o.type === 'run' && o.params?.ref) actions[o.params.ref] = { actions: [], source: o.params.ref };
    if (o.type === 'cond' && o.params?.ref) conds[o.params.ref] = { op: 'hasTag', tag: o.params.ref };
    Object.values(o).forEach(walk);
  };
  walk(config);
  return { config, conds, actions };
}

interface Step {
  value: unknown;
  done: boolean;
  runs: string[];
  raises: string[];
  cancels: string[];
}

const brief = (s: MachineStep): Step => ({
  value: s.value,
  done: s.done,
  runs: s.runs.map((r) => r.source),
  raises: s.raises.map((r) => `${r.id}@${r.delay}${r.event.type === r.id ? '' : ` (${r.event.type})`}`),
  cancels: s.cancels,
});

/** Start, then send each event in turn from the value the last step left. */
function drive(engine: MachineEngine, parts: MachineParts, script: string[], truth: Set<string>, from?: unknown): Step[] {
  const lm = engine.load('m', 'lifecycle', parts);
  const guard = (c: Cond) => truth.has((c as { tag: string }).tag);
  const steps: Step[] = [];
  let value = from;
  if (value === undefined) {
    const s = engine.start(lm, guard);
    steps.push(brief(s));
    value = s.value;
  }
  for (const type of script) {
    const s = engine.send(lm, value, { type }, guard);
    steps.push(brief(s));
    value = s.value;
  }
  return steps;
}

/** The fast engine's steps, after checking that XState takes the very same ones. */
function steps(config: MachineConfig, script: string[], truth: string[] = [], from?: unknown): Step[] {
  const parts = partsOf(config);
  const fast = drive(new FastMachines(empty), parts, script, new Set(truth), from);
  const ref = drive(new XStateMachines(empty), parts, script, new Set(truth), from);
  expect(fast).toEqual(ref);
  return fast;
}

// ---------------------------------------------------------------- configs

const NESTED: MachineConfig = {
  id: 'm',
  initial: 'outer',
  states: {
    outer: {
      initial: 'two',
      entry: [run('outer.entry')],
      on: {
        go: { target: 'other', actions: [run('outer.go')] },
        ping: { actions: [run('outer.ping')] },
        pong: { actions: [run('outer.pong')] },
      },
      after: { 5000: { target: 'other' }, 1000: { actions: [run('outer.1s')] } },
      states: {
        one: { entry: [run('one.entry')] },
        two: {
          entry: run('two.entry'),
          on: {
            go: [
              { guard: cond('no'), target: 'one', actions: [run('two.go.no')] },
              { guard: cond('yes'), target: 'one', actions: [run('two.go.yes')] },
            ],
            next: 'one',
            pong: { actions: [run('two.pong')] },
          },
          after: { 2000: 'one' },
        },
      },
    },
    other: { entry: [run('other.entry')], on: { back: { target: 'outer', reenter: true, actions: run('other.back') } } },
  },
};

describe('compound states', () => {
  it('start enters the explicit initial state (not the first) after its parent, and arms delays in key order', () => {
    const [s] = steps(NESTED, []);
    expect(s).toEqual({
      value: { outer: 'two' },
      done: false,
      runs: ['outer.entry', 'two.entry'],
      raises: ['xstate.after.1000.m.outer@1000', 'xstate.after.5000.m.outer@5000', 'xstate.after.2000.m.outer.two@2000'],
      cancels: [],
    });
  });

  it('the deepest state with a passing guard wins; a failing guard passes to the next candidate', () => {
    const [, go] = steps(NESTED, ['go'], ['yes']);
    expect(go!.value).toEqual({ outer: 'one' });
    expect(go!.runs).toEqual(['two.go.yes', 'one.entry']);
    expect(go!.cancels).toEqual(['xstate.after.2000.m.outer.two']);
  });

  it('with no passing guard in the child, the parent handles the event', () => {
    const [, go] = steps(NESTED, ['go']);
    expect(go!.value).toBe('other');
    // Exit in reverse document order: the child's delay first, then the parent's.
    expect(go!.cancels).toEqual(['xstate.after.2000.m.outer.two', 'xstate.after.1000.m.outer', 'xstate.after.5000.m.outer']);
    expect(go!.runs).toEqual(['outer.go', 'other.entry']);
  });

  it('a targetless transition runs its actions and exits nothing', () => {
    const [, ping] = steps(NESTED, ['ping']);
    expect(ping).toEqual({ value: { outer: 'two' }, done: false, runs: ['outer.ping'], raises: [], cancels: [] });
  });

  it('only the deepest of two targetless transitions runs', () => {
    expect(steps(NESTED, ['pong'])[1]!.runs).toEqual(['two.pong']);
  });

  it('a string target, and an event nobody handles', () => {
    const [, next, none] = steps(NESTED, ['next', 'nobody']);
    expect(next!.value).toEqual({ outer: 'one' });
    expect(next!.runs).toEqual(['one.entry']);
    expect(none).toEqual({ value: { outer: 'one' }, done: false, runs: [], raises: [], cancels: [] });
  });

  it('a delayed event moves as its `after` says, and re-entering the parent starts at its initial state again', () => {
    const [, , , back] = steps(NESTED, ['xstate.after.2000.m.outer.two', 'xstate.after.5000.m.outer', 'back']);
    expect(back!.value).toEqual({ outer: 'two' });
    expect(back!.runs).toEqual(['other.back', 'outer.entry', 'two.entry']);
    expect(back!.raises).toHaveLength(3);
  });

  it('resumes from a stored value, also one naming a state that no longer exists (its initial state)', () => {
    expect(steps(NESTED, ['next'], [], { outer: 'two' })[0]!.value).toEqual({ outer: 'one' });
    expect(steps(NESTED, ['back'], [], 'other')[0]!.value).toEqual({ outer: 'two' });
  });

  it('refuses a stored key it does not know, as XState does (docs/runtime.md, "Stored machine states")', () => {
    const fast = new FastMachines(empty);
    const lm = fast.load('m', 'lifecycle', partsOf(NESTED));
    const yes = (c: Cond) => (c as { tag: string }).tag === 'yes';
    expect(() => fast.send(lm, { outer: 'gone' }, { type: 'go' }, yes)).toThrow(StoredStateError);
    expect(() => fast.send(lm, 'gone', { type: 'next' }, yes)).toThrow(/stored state "gone"/);
  });
});

const todo = (name: string, on: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  initial: 'todo',
  ...extra,
  states: { todo: { entry: [run(`${name}.todo`)], on }, ok: { type: 'final', entry: [run(`${name}.ok`)] } },
});

const PAR: MachineConfig = {
  id: 'p',
  initial: 'work',
  states: {
    work: {
      type: 'parallel',
      entry: [run('work.entry')],
      onDone: { target: 'finished', actions: [run('work.done')] },
      on: {
        quit: { target: 'stopped', actions: [run('work.quit')] },
        z: { target: 'stopped', actions: [run('work.z')] },
        stop: { target: 'stopped', actions: [run('work.stop')] },
        tick: { actions: [run('work.tick')] },
      },
      after: { 3000: { actions: [run('work.3s')] } },
      states: {
        left: todo(
          'left',
          { l: 'ok', both: 'ok', quit: { target: 'ok', actions: [run('left.quit')] } },
          { onDone: { actions: [run('left.done')] }, on: { lz: { actions: [run('left.lz')] } } },
        ),
        right: todo('right', { r: 'ok', both: 'ok', z: { target: 'ok', actions: [run('right.z')] } }),
      },
    },
    finished: { type: 'final', entry: [run('finished.entry')] },
    stopped: { entry: [run('stopped.entry')], on: { restart: 'work' } },
  },
};

describe('parallel states', () => {
  it('start enters every region in document order', () => {
    const [s] = steps(PAR, []);
    expect(s!.value).toEqual({ work: { left: 'todo', right: 'todo' } });
    expect(s!.runs).toEqual(['work.entry', 'left.todo', 'right.todo']);
    expect(s!.done).toBe(false);
  });

  it("a region's final state raises its done event; the last one the parallel state's, and a top-level final state ends the machine", () => {
    const [, l, r] = steps(PAR, ['l', 'r']);
    expect(l!.value).toEqual({ work: { left: 'ok', right: 'todo' } });
    expect(l!.runs).toEqual(['left.ok', 'left.done']);
    expect(l!.done).toBe(false);
    expect(r!.value).toBe('finished');
    expect(r!.runs).toEqual(['right.ok', 'work.done', 'finished.entry']);
    expect(r!.cancels).toEqual(['xstate.after.3000.p.work']);
    expect(r!.done).toBe(true);
  });

  it('one event finishing both regions at once', () => {
    const [, both, after] = steps(PAR, ['both', 'l']);
    expect(both!.runs).toEqual(['left.ok', 'right.ok', 'left.done', 'work.done', 'finished.entry']);
    expect(both!.done).toBe(true);
    // A finished machine stays so.
    expect(after).toEqual({ value: 'finished', done: true, runs: [], raises: [], cancels: [] });
  });

  it('a transition of a region preempts a conflicting one of the parallel state (the region comes first)', () => {
    const [, quit] = steps(PAR, ['quit']);
    expect(quit!.value).toEqual({ work: { left: 'ok', right: 'todo' } });
    expect(quit!.runs).toEqual(['left.quit', 'left.ok', 'left.done']);
  });

  it("a deeper transition found later replaces the parallel state's conflicting one", () => {
    const [, z] = steps(PAR, ['z']);
    expect(z!.value).toEqual({ work: { left: 'todo', right: 'ok' } });
    expect(z!.runs).toEqual(['right.z', 'right.ok']);
  });

  it('the same transition chosen by two regions runs once', () => {
    const [, stop, restart] = steps(PAR, ['stop', 'restart']);
    expect(stop!.value).toBe('stopped');
    expect(stop!.runs).toEqual(['work.stop', 'stopped.entry']);
    expect(stop!.cancels).toEqual(['xstate.after.3000.p.work']);
    expect(restart!.runs).toEqual(['work.entry', 'left.todo', 'right.todo']);
  });

  it('a targetless transition chosen by two regions runs once too; one of a region is found from its final state', () => {
    const [, tick, , lz] = steps(PAR, ['tick', 'l', 'lz']);
    expect(tick!.runs).toEqual(['work.tick']);
    expect(lz).toEqual({ value: { work: { left: 'ok', right: 'todo' } }, done: false, runs: ['left.lz'], raises: [], cancels: [] });
  });

  it('an event nobody handles leaves a region in its final state, the machine not done', () => {
    const [s] = steps(PAR, ['nobody'], [], { work: { left: 'ok', right: 'todo' } });
    expect(s).toEqual({ value: { work: { left: 'ok', right: 'todo' } }, done: false, runs: [], raises: [], cancels: [] });
  });

  it('resumes from a stored parallel value; one missing a region is refused', () => {
    const [r] = steps(PAR, ['r'], [], { work: { left: 'ok', right: 'todo' } });
    expect(r!.value).toBe('finished');
    expect(r!.done).toBe(true);
    expect(() => steps(PAR, ['l'], [], { work: { right: 'ok' } })).toThrow(/part left of work is missing/);
  });
});

describe('eventless transitions, reentry and done events of compound states', () => {
  const FLOW: MachineConfig = {
    id: 'f',
    initial: 'a',
    states: {
      a: {
        entry: [run('a.entry')],
        always: [
          { guard: cond('toB'), target: 'b', actions: [run('a.toB')] },
          { guard: cond('stay'), target: 'a', actions: [run('a.stay')] },
        ],
        on: { self: { target: 'a', actions: [run('a.self')] }, again: { target: 'a', reenter: true, actions: [run('a.again')] } },
        after: { 1000: { actions: [run('a.1s')] } },
      },
      b: {
        initial: 'b1',
        onDone: { target: 'c', actions: [run('b.done')] },
        states: {
          b1: { entry: [run('b1.entry')], always: { guard: cond('skip'), target: 'b2' }, on: { fin: 'b2' } },
          b2: { type: 'final', entry: [run('b2.entry')] },
        },
      },
      c: { entry: [run('c.entry')], on: { back: 'a' }, always: { guard: cond('toD'), target: 'd' } },
      d: { entry: [run('d.entry')] },
    },
  };

  it('an eventless transition taken at start, then the next state settles', () => {
    const [s] = steps(FLOW, [], ['toB']);
    expect(s!.value).toEqual({ b: 'b1' });
    expect(s!.runs).toEqual(['a.entry', 'a.toB', 'b1.entry']);
    expect(s!.raises).toEqual(['xstate.after.1000.f.a@1000']);
    expect(s!.cancels).toEqual(['xstate.after.1000.f.a']);
  });

  it("a final child raises its compound parent's done event, whose onDone runs in the same step", () => {
    const [s] = steps(FLOW, [], ['toB', 'skip']);
    expect(s!.value).toBe('c');
    expect(s!.runs).toEqual(['a.entry', 'a.toB', 'b1.entry', 'b2.entry', 'b.done', 'c.entry']);
    expect(s!.done).toBe(false);
    const [, fin] = steps(FLOW, ['fin'], ['toB']);
    expect(fin!.runs).toEqual(['b2.entry', 'b.done', 'c.entry']);
  });

  it('a state entered on a done event has its eventless transitions taken in the same step', () => {
    const [s] = steps(FLOW, [], ['toB', 'skip', 'toD']);
    expect(s!.value).toBe('d');
    expect(s!.runs).toEqual(['a.entry', 'a.toB', 'b1.entry', 'b2.entry', 'b.done', 'c.entry', 'd.entry']);
  });

  it('an eventless self-transition that changes nothing runs once, not forever', () => {
    const [s, self] = steps(FLOW, ['self'], ['stay']);
    expect(s!.value).toBe('a');
    expect(s!.runs).toEqual(['a.entry', 'a.stay']);
    // After an event, eventless transitions are asked again: once more.
    expect(self!.runs).toEqual(['a.self', 'a.stay']);
    expect(self!.cancels).toEqual([]);
  });

  it('reenter exits and enters the state again: its delays are cancelled and armed anew', () => {
    const [, again] = steps(FLOW, ['again']);
    expect(again).toEqual({
      value: 'a',
      done: false,
      runs: ['a.again', 'a.entry'],
      raises: ['xstate.after.1000.f.a@1000'],
      cancels: ['xstate.after.1000.f.a'],
    });
    const [, self] = steps(FLOW, ['self']);
    expect(self).toEqual({ value: 'a', done: false, runs: ['a.self'], raises: [], cancels: [] });
  });

  it('an event after the eventless ones settled leaves the machine where it is when nothing handles it', () => {
    const [, , back] = steps(FLOW, ['fin', 'back'], ['toB']);
    // Back in `a`, whose `toB` still holds: straight on to `b` again.
    expect(back!.value).toEqual({ b: 'b1' });
    expect(back!.runs).toEqual(['a.entry', 'a.toB', 'b1.entry']);
  });
});

describe('what the fast engine alone promises', () => {
  it('eventless transitions that keep changing the state stop after 1000 microsteps', () => {
    const LOOP: MachineConfig = {
      id: 'l',
      initial: 'a',
      states: { a: { always: { target: 'b', actions: [run('ab')] } }, b: { always: { target: 'a', actions: [run('ba')] } } },
    };
    const fast = new FastMachines(empty);
    const lm = fast.load('l', 'lifecycle', partsOf(LOOP));
    const s = fast.start(lm, () => true);
    expect(s.runs).toHaveLength(1000);
    expect(s.value).toBe('a');
    const again = fast.send(lm, 'a', { type: 'x' }, () => true);
    expect(again.runs).toHaveLength(1000);
  });

  it('a guard or action ref missing from the tables: the guard passes, the action is skipped', () => {
    const config: MachineConfig = {
      id: 'g',
      initial: 'a',
      states: {
        a: { on: { go: { guard: cond('unknown'), target: 'b', actions: [run('missing'), run('known'), { type: 'other' }, 'named'] } } },
        b: {},
      },
    };
    const parts = partsOf(config);
    delete parts.conds['unknown'];
    delete parts.actions['missing'];
    for (const engine of [new FastMachines(empty), new XStateMachines(empty)]) {
      const lm = engine.load('g', 'lifecycle', parts);
      const s = engine.send(lm, 'a', { type: 'go' }, () => false);
      expect(brief(s)).toEqual({ value: 'b', done: false, runs: ['known'], raises: [], cancels: [] });
    }
  });
});

describe('a parallel state inside a parallel state', () => {
  const fin = (ev: string) => ({ initial: 'a', states: { a: { on: { [ev]: 'b', all: 'b' } }, b: { type: 'final', entry: [run(`${ev}.b`)] } } });
  const NEST: MachineConfig = {
    id: 'n',
    initial: 'w',
    states: {
      w: {
        type: 'parallel',
        onDone: { target: 'end', actions: [run('w.done')] },
        states: { x: fin('x'), deep: { type: 'parallel', onDone: { actions: [run('deep.done')] }, states: { y: fin('y'), z: fin('z') } } },
      },
      end: { type: 'final' },
    },
  };

  it('the outer one is done when the inner one finishes last (found by the mutation work: it never was)', () => {
    const s = steps(NEST, ['x', 'y', 'z']);
    expect(s.map((x) => x.done)).toEqual([false, false, false, true]);
    expect(s[3]!.runs).toEqual(['z.b', 'deep.done', 'w.done']);
    expect(s[3]!.value).toBe('end');
  });

  it('not while a region of the inner one is still running', () => {
    expect(steps(NEST, ['z', 'x', 'y']).map((x) => x.done)).toEqual([false, false, false, true]);
  });

  it('and when another region finishes last, or all at once', () => {
    expect(steps(NEST, ['y', 'z', 'x'])[3]!.runs).toEqual(['x.b', 'w.done']);
    expect(steps(NEST, ['all'])[1]!.runs).toEqual(['x.b', 'y.b', 'z.b', 'deep.done', 'w.done']);
  });
});

describe('a parallel machine', () => {
  const region = (ev: string) => ({ initial: 'a', states: { a: { on: { [ev]: 'b' } }, b: { type: 'final', entry: [run(`${ev}.b`)] } } });
  const ROOT: MachineConfig = {
    id: 'r',
    type: 'parallel',
    after: { 1000: { actions: [run('r.1s')] } },
    states: { x: { ...region('x'), after: { 2000: { actions: [run('x.2s')] } } }, y: { ...region('y'), onDone: { actions: [run('y.done')] } } },
  };

  it('is done when its last region is, and a finished machine exits every state still active', () => {
    const s = steps(ROOT, ['x', 'y']);
    expect(s.map((x) => x.done)).toEqual([false, false, true]);
    expect(s[0]!.raises).toEqual(['xstate.after.1000.r@1000', 'xstate.after.2000.r.x@2000']);
    expect(s[2]!.value).toEqual({ x: 'b', y: 'b' });
    // In reverse document order: the region, then the machine.
    expect(s[2]!.cancels).toEqual(['xstate.after.2000.r.x', 'xstate.after.1000.r']);
    // Done: the region's own done event is not handled any more.
    expect(s[2]!.runs).toEqual(['y.b']);
    expect(steps(ROOT, ['y', 'x'])[1]!.runs).toEqual(['y.b', 'y.done']);
  });

  it('an atomic region is never done', () => {
    const IDLE: MachineConfig = { id: 'i', type: 'parallel', states: { x: region('x'), idle: {} } };
    expect(steps(IDLE, ['x']).map((s) => s.done)).toEqual([false, false]);
  });
});

describe('document order within one step', () => {
  const ORDER: MachineConfig = {
    id: 'o',
    type: 'parallel',
    states: {
      a: {
        initial: 'idle',
        states: {
          idle: { on: { go: 'busy', solo: 'busy' } },
          busy: { initial: 'one', entry: [run('busy')], states: { one: { entry: [run('one')] } }, always: { guard: cond('on'), actions: [run('a.always')] } },
        },
      },
      b: {
        initial: 'idle',
        states: { idle: { on: { go: 'next' }, always: { guard: cond('on'), actions: [run('b.always')] } }, next: { entry: [run('next')] } },
      },
    },
  };

  it("a target's initial child is entered before a later region's target", () => {
    expect(steps(ORDER, ['go'])[1]!.runs).toEqual(['busy', 'one', 'next']);
  });

  it('eventless transitions of several regions run in the order their states became active, as in XState (found by the mutation work: the fast engine sorted them by document order)', () => {
    const [solo] = steps(ORDER, ['solo'], ['on'], { a: 'idle', b: 'idle' });
    expect(solo!.runs).toEqual(['busy', 'one', 'b.always', 'a.always']);
    const [both] = steps(ORDER, ['l'], ['on'], { a: { busy: 'one' }, b: 'idle' });
    expect(both!.runs).toEqual(['a.always', 'b.always']);
  });
});

import type { Cond, IR } from '../../ir/schema.js';
import { dict, own } from '../../stdlib/dict.js';
import { lifecycleMachine, ritualMachine, type MachineParts } from '../../compiler/backends/xstate.js';
import type { LoadedMachine, MachineEngine, MachineStep } from './engine.js';
import { buildTree, type Node, type Transition } from './fast-tree.js';
import { checkStoredState, machineLabel } from './stored.js';

/**
 * The fast path for machines: an interpreter of the XState v5 configs the compiler emits (compound, parallel and final states; `on`, `always`,
 * `after`, `onDone`, `entry`; guards and actions by named reference; `reenter`), following XState's algorithm — transition selection from the deepest
 * states outwards, conflict removal, exit in reverse document order, transition actions, entry in document order, `after` delays as raise/cancel
 * pairs named `xstate.after.<delay>.<state id>`, done events of regions and parallel states, eventless transitions until stable — so it returns the
 * same state values, actions and delayed events as XState's own `transition()` (test/differential.test.ts), without building snapshots.
 */

interface Compiled {
  root: Node;
  /**
   * Configurations of state values already seen (lifecycle values are a handful of strings):
   * string values by themselves, others by their JSON, in two maps, so that a string holding an
   * object's JSON (a damaged row) is checked as what it is, not taken for that object.
   */
  configs: Map<string, Node[]>;
  shapes: Map<string, Node[]>;
}

/** Eventless transitions that keep enabling each other would never settle; stop after this many. */
const MAX_MICROSTEPS = 1000;

export class FastMachines implements MachineEngine {
  readonly rituals: LoadedMachine[] = [];
  readonly lifecycles: LoadedMachine[] = [];
  private readonly compiled = new Map<string, Compiled>();

  constructor(ir: IR) {
    for (const r of ir.rituals) this.rituals.push(this.load(r.id, 'ritual', ritualMachine(r)));
    for (const l of ir.lifecycles) this.lifecycles.push(this.load(l.id, 'lifecycle', lifecycleMachine(l)));
  }

  /** Load any machine config of the supported subset (the differential test feeds generated ones). */
  load(id: string, kind: 'ritual' | 'lifecycle', parts: MachineParts): LoadedMachine {
    this.compiled.set(id, { root: buildTree(parts.config), configs: new Map(), shapes: new Map() });
    return { id, kind, parts };
  }

  start(m: LoadedMachine, guard: (c: Cond) => boolean): MachineStep {
    const { root } = this.compiled.get(m.id)!;
    const run = new Run(m.parts, guard);
    const active = new Set<Node>();
    run.enter(active, [root]);
    run.settle(active);
    return run.result(root, active);
  }

  send(m: LoadedMachine, value: unknown, event: { type: string }, guard: (c: Cond) => boolean): MachineStep {
    const c = this.compiled.get(m.id)!;
    const cache = typeof value === 'string' ? c.configs : c.shapes;
    // Stryker disable next-line all: a cache key; any other key only misses or fills the cache
    const key = typeof value === 'string' ? value : JSON.stringify(value);
    let nodes = cache.get(key);
    if (!nodes) {
      checkStoredState(m.parts.config, machineLabel(m.id, m.kind), value);
      nodes = resolveValue(c.root, value);
      // Stryker disable next-line all: the bound only keeps the cache from growing without end
      if (cache.size < 10_000) cache.set(key, nodes);
    }
    const run = new Run(m.parts, guard);
    // Stryker disable next-line EqualityOperator,BlockStatement: a fast exit when no state handles the event and none has eventless work; the full path gives the same step on every value the engine stores
    if (!nodes.some((n) => n.on.has(event.type) || n.always.length > 0)) {
      return { value, done: isDone(c.root, nodes), runs: [], raises: [], cancels: [] };
    }
    const active = new Set(nodes);
    const enabled = run.select(active, (n) => n.on.get(event.type));
    if (enabled.length > 0) run.microstep(active, enabled);
    run.settle(active);
    return run.result(c.root, active);
  }
}

/** One macrostep's bookkeeping: collected actions and the internal (done) event queue. */
class Run {
  // Stryker disable next-line BooleanLiteral: result() sets done
  readonly step: MachineStep = { value: undefined, done: false, runs: [], raises: [], cancels: [] };
  private readonly internal: string[] = [];
  private done = false;

  constructor(
    private readonly parts: MachineParts,
    private readonly guard: (c: Cond) => boolean,
  ) {}

  private passes(t: Transition): boolean {
    if (t.guard === undefined) return true;
    const c = this.parts.conds[t.guard];
    return c ? this.guard(c) : true;
  }

  private addRuns(refs: string[]): void {
    for (const ref of refs) {
      const r = this.parts.actions[ref];
      if (r) this.step.runs.push(r);
    }
  }

  select(active: Set<Node>, pick: (n: Node) => Transition[] | undefined): Transition[] {
    const enabled: Transition[] = [];
    for (const atomic of atomicStates(active)) {
      found: for (let n: Node | undefined = atomic; n; n = n.parent) {
        const candidates = pick(n);
        if (!candidates) continue;
        for (const t of candidates) {
          if (this.passes(t)) {
            if (!enabled.includes(t)) enabled.push(t);
            break found;
          }
        }
      }
    }
    return removeConflicts(enabled, active);
  }

  /** One microstep; true when the set of active states changed. */
  microstep(active: Set<Node>, transitions: Transition[]): boolean {
    const before = [...active];
    const exit = new Set<Node>();
    for (const t of transitions) for (const s of exitSet(t, active)) exit.add(s);
    for (const s of [...exit].sort((a, b) => b.order - a.order)) {
      this.step.cancels.push(...s.cancels);
      active.delete(s);
    }
    for (const t of transitions) this.addRuns(t.runs);
    const toEnter: Node[] = [];
    for (const t of transitions) {
      if (!t.target) continue;
      const domain = transitionDomain(t);
      // Stryker disable next-line ConditionalExpression,EqualityOperator,BooleanLiteral: the target's ancestors below the domain, then the target's default descendants; targets are siblings (buildTree), whose parent is the domain: no ancestor to enter
      for (let n: Node | undefined = t.target.parent; n && n !== domain; n = n.parent) if (!active.has(n)) toEnter.push(n);
      toEnter.push(t.target);
    }
    this.enter(active, toEnter);
    // A machine that reaches its final state exits everything still active (XState does too).
    if (this.done) for (const s of [...active].sort((a, b) => b.order - a.order)) this.step.cancels.push(...s.cancels);
    return before.length !== active.size || before.some((n) => !active.has(n));
  }

  enter(active: Set<Node>, roots: Node[]): void {
    const all = new Set<Node>();
    const addDefault = (n: Node) => {
      all.add(n);
      if (n.kind === 'compound') {
        // Stryker disable next-line LogicalOperator,MethodExpression,ArrowFunction: with sibling targets no child of a state being entered is entered or active yet
        if (!n.children.some((c) => all.has(c) || active.has(c)) && n.initial) addDefault(n.initial);
      } else if (n.kind === 'parallel') {
        for (const c of n.children) if (!all.has(c) && !active.has(c)) addDefault(c);
      }
    };
    for (const r of roots) all.add(r);
    for (const r of roots) addDefault(r);
    for (const n of [...all].sort((a, b) => a.order - b.order)) {
      if (active.has(n)) continue;
      active.add(n);
      this.addRuns(n.entryRuns);
      for (const r of n.raises) this.step.raises.push({ id: r.id, delay: r.delay, event: { type: r.id } });
      if (n.kind === 'final' && n.parent) {
        this.internal.push(`xstate.done.state.${n.parent.id}`);
        // Every parallel ancestor whose regions are now all done is done too, outwards (XState
        // climbs as long as they are: a parallel state can be a region of another). Past the
        // root (a final child of the root, or a parallel root done), the machine is done.
        let p = n.parent.parent;
        for (; p?.kind === 'parallel' && p.children.every((region) => regionDone(region, active)); p = p.parent) {
          this.internal.push(`xstate.done.state.${p.id}`);
        }
        if (!p) this.done = true;
      }
    }
  }

  /**
   * Eventless transitions, then queued done events, until nothing more is enabled. As in XState, an eventless step that leaves the configuration as
   * it was ends eventless selection until the next queued event (so `when` transitions back into the same state run once, not forever).
   */
  settle(active: Set<Node>): void {
    let eventless = true;
    for (let i = 0; i < MAX_MICROSTEPS && !this.done; i++) {
      let enabled: Transition[] = eventless ? this.select(active, (n) => (n.always.length ? n.always : undefined)) : [];
      const fromEventless: boolean = enabled.length > 0;
      if (!fromEventless) {
        const ev = this.internal.shift();
        if (ev === undefined) return;
        enabled = this.select(active, (n) => n.on.get(ev));
      }
      const changed = enabled.length > 0 && this.microstep(active, enabled);
      eventless = fromEventless ? changed : true;
    }
  }

  result(root: Node, active: Set<Node>): MachineStep {
    this.step.value = valueOf(root, active);
    this.step.done = this.done || isDone(root, [...active]);
    return this.step;
  }
}

function regionDone(region: Node, active: Set<Node>): boolean {
  if (region.kind === 'compound') return region.children.some((c) => c.kind === 'final' && active.has(c));
  if (region.kind === 'parallel') return region.children.every((c) => regionDone(c, active));
  return false;
}

function isDone(root: Node, nodes: Iterable<Node>): boolean {
  for (const n of nodes) if (n.kind === 'final' && n.parent === root) return true;
  return false;
}

/** In the order they became active, not the document's: XState selects transitions in that order too. */
function atomicStates(active: Set<Node>): Node[] {
  const out: Node[] = [];
  for (const n of active) if (n.kind === 'atomic' || n.kind === 'final') out.push(n);
  return out;
}

function isDescendant(n: Node, ancestor: Node): boolean {
  for (let p = n.parent; p; p = p.parent) if (p === ancestor) return true;
  return false;
}

/** XState's transition domain: the state whose descendants the transition exits and enters. */
function transitionDomain(t: Transition): Node | undefined {
  if (!t.target) return undefined;
  if (!t.reenter && (t.target === t.source || isDescendant(t.target, t.source))) return t.source;
  // Least common ancestor of the target and the source.
  for (let a = t.target.parent; a; a = a.parent) {
    // Stryker disable next-line EqualityOperator: with sibling targets `a` is the source's parent, never the source
    if (t.source === a || isDescendant(t.source, a)) return a;
  }
  return undefined;
}

function exitSet(t: Transition, active: Set<Node>): Set<Node> {
  const out = new Set<Node>();
  if (!t.target) return out;
  const domain = transitionDomain(t);
  for (const s of active) if (domain === undefined || isDescendant(s, domain)) out.add(s);
  return out;
}

function removeConflicts(enabled: Transition[], active: Set<Node>): Transition[] {
  if (enabled.length < 2) return enabled;
  const kept: Transition[] = [];
  for (const t1 of enabled) {
    let preempted = false;
    const drop: Transition[] = [];
    const x1 = exitSet(t1, active);
    for (const t2 of kept) {
      const x2 = exitSet(t2, active);
      if ([...x1].some((s) => x2.has(s))) {
        if (isDescendant(t1.source, t2.source)) drop.push(t2);
        else {
          preempted = true;
          break;
        }
      }
    }
    if (!preempted) {
      for (const d of drop) kept.splice(kept.indexOf(d), 1);
      kept.push(t1);
    }
  }
  return kept;
}

/** XState's state value: a key for an atomic child, `{ key: value }` deeper, every region of a parallel state. */
function valueOf(node: Node, active: Set<Node>): unknown {
  if (node.kind === 'parallel') {
    // Region keys are ritual step names: `__proto__` must be a key, not the value's prototype.
    const v = dict<unknown>();
    for (const c of node.children) v[c.key] = valueOf(c, active);
    return v;
  }
  const child = node.children.find((c) => active.has(c));
  if (!child) return {};
  if (child.kind === 'atomic' || child.kind === 'final') return child.key;
  return { [child.key]: valueOf(child, active) };
}

/** The active nodes (all levels) of a stored state value, checked first (stored.ts): no key here names a state the machine lacks. */
function resolveValue(root: Node, value: unknown): Node[] {
  const out: Node[] = [root];
  const walk = (node: Node, v: unknown) => {
    if (node.kind === 'parallel') {
      // Stryker disable next-line LogicalOperator: the engine stores an object for every parallel state
      const obj = typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : undefined;
      for (const c of node.children) {
        out.push(c);
        walk(c, own(obj, c.key));
      }
      return;
    }
    if (node.kind !== 'compound') return;
    let key: string | undefined;
    let inner: unknown;
    if (typeof v === 'string') key = v;
    // Stryker disable next-line ArrayDeclaration: an object of one key (stored.ts); undefined (a state left out) gives the initial state
    else if (typeof v === 'object' && v !== null) [key, inner] = Object.entries(v)[0] ?? [];
    const child = node.children.find((c) => c.key === key) ?? node.initial;
    if (!child) return;
    out.push(child);
    if (child.kind === 'compound' || child.kind === 'parallel') walk(child, inner);
  };
  walk(root, value);
  return out;
}

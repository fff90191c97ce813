import { createRequire } from 'node:module';
import type * as XStateModule from 'xstate';
import type { AnyStateMachine } from 'xstate';
import type { Cond, IR } from '../../ir/schema.js';
import { lifecycleMachine, ritualMachine, type MachineParts } from '../../compiler/backends/xstate.js';
import { dict } from '../../stdlib/dict.js';
import type { LoadedMachine, MachineEngine, MachineStep } from './engine.js';
import { checkStoredState, machineLabel } from './stored.js';

/**
 * XState, loaded when a runtime first asks for the reference engine: `import { compile } from
 * 'playbook'` should not load a library that only the checking engine uses (docs/embedding.md).
 * `require` keeps `createRuntime` synchronous; xstate's ESM entry wraps the same CommonJS build,
 * so this is the very module an `import 'xstate'` elsewhere would get.
 */
let xstateModule: typeof XStateModule | undefined;
function xstate(): typeof XStateModule {
  xstateModule ??= createRequire(import.meta.url)('xstate') as typeof XStateModule;
  return xstateModule;
}

/**
 * The reference path for machines: XState machines of a playbook, driven through XState's own
 * pure `initialTransition`/`transition` functions on stored state values: no live actor per
 * member. The machine's guards call back into the runtime through `guardHook`, set for the
 * duration of one synchronous step.
 */
export class XStateMachines implements MachineEngine {
  readonly rituals: LoadedMachine[] = [];
  readonly lifecycles: LoadedMachine[] = [];
  private readonly machines = new Map<string, AnyStateMachine>();
  // Stryker disable next-line ArrowFunction,BooleanLiteral: start and send set the hook before every step
  private guardHook: (c: Cond) => boolean = () => false;

  constructor(ir: IR) {
    for (const r of ir.rituals) this.rituals.push(this.load(r.id, 'ritual', ritualMachine(r)));
    for (const l of ir.lifecycles) this.lifecycles.push(this.load(l.id, 'lifecycle', lifecycleMachine(l)));
  }

  load(id: string, kind: 'ritual' | 'lifecycle', parts: MachineParts): LoadedMachine {
    const machine = xstate()
      .setup({
        guards: {
          cond: (_args, params: { ref: string }) => {
            const c = parts.conds[params.ref];
            return c ? this.guardHook(c) : true;
          },
        },
        actions: { run: () => {} },
      })
      .createMachine(escapeConfig(parts.config) as never) as unknown as AnyStateMachine;
    this.machines.set(id, machine);
    return { id, kind, parts };
  }

  /** Start a machine. */
  start(m: LoadedMachine, guard: (c: Cond) => boolean): MachineStep {
    this.guardHook = guard;
    const [snap, actions] = xstate().initialTransition(this.machines.get(m.id)!);
    return this.collect(m, snap, actions);
  }

  /** Send one event to a machine in `value`. */
  send(m: LoadedMachine, value: unknown, event: { type: string }, guard: (c: Cond) => boolean): MachineStep {
    this.guardHook = guard;
    const machine = this.machines.get(m.id)!;
    // XState reads some values no machine state has as the initial state, and refuses others in its own words.
    checkStoredState(m.parts.config, machineLabel(m.id, m.kind), value);
    const snap = machine.resolveState({ value: escapeValue(value) as never, context: {} });
    const [next, actions] = xstate().transition(machine, snap, { type: escapeEvent(event.type) });
    return this.collect(m, next, actions);
  }

  private collect(m: LoadedMachine, snap: { value: unknown; status: string }, actions: { type: string; params?: unknown }[]): MachineStep {
    const step: MachineStep = { value: unescapeValue(snap.value), done: snap.status === 'done', runs: [], raises: [], cancels: [] };
    for (const a of actions) {
      const p = (a.params ?? {}) as Record<string, unknown>;
      if (a.type === 'run') {
        const ref = m.parts.actions[p['ref'] as string];
        if (ref) step.runs.push(ref);
      } else if (a.type === 'xstate.raise' && typeof p['delay'] === 'number') {
        const id = unescapeEvent(String(p['id']));
        step.raises.push({ id, delay: p['delay'], event: { type: unescapeEvent((p['event'] as { type: string }).type) } });
      } else if (a.type === 'xstate.cancel') {
        step.cancels.push(unescapeEvent(String(p['sendId'])));
      }
    }
    return step;
  }
}

// ---------------------------------------------------------------- `__proto__` as a name

/*
 * XState builds its tables of state nodes with plain objects, so a ritual step, lifecycle state
 * or event called `__proto__` gets lost there (a parallel region disappears, an initial state is
 * not found). The reference engine gives XState another spelling of that one name, which no
 * playbook name can have (a NUL character), and translates values, events and timer ids back, so
 * it answers as the fast engine does (docs/runtime.md, "Hostile names").
 */
const PROTO = '__proto__';
const PROTO_ESCAPED = '\u0000__proto__';
const AFTER = 'xstate.after.';

/** A machine config with `__proto__` as a state key, event key, `initial` or `target` respelled. */
function escapeConfig(v: unknown, key?: string): unknown {
  if (typeof v === 'string') return (key === 'initial' || key === 'target') && v === PROTO ? PROTO_ESCAPED : v;
  if (Array.isArray(v)) return v.map((x) => escapeConfig(x, key));
  if (typeof v !== 'object' || v === null) return v;
  const out = dict<unknown>();
  for (const k of Object.keys(v)) out[k === PROTO ? PROTO_ESCAPED : k] = escapeConfig((v as Record<string, unknown>)[k], k);
  return out;
}

/** A stored state value as XState knows it, or (`back`) an XState value as stored. */
function escapeValue(v: unknown, back = false): unknown {
  const [from, to] = back ? [PROTO_ESCAPED, PROTO] : [PROTO, PROTO_ESCAPED];
  if (typeof v === 'string') return v === from ? to : v;
  // Stryker disable next-line LogicalOperator: a stored value is a state name or an object of them, never a number or a boolean
  if (typeof v !== 'object' || v === null) return v;
  const out = dict<unknown>();
  for (const k of Object.keys(v)) out[k === from ? to : k] = escapeValue((v as Record<string, unknown>)[k], back);
  return out;
}

function unescapeValue(v: unknown): unknown {
  return escapeValue(v, true);
}

/** An event type as XState knows it: `__proto__` itself, or a state path segment of a delayed event. */
function escapeEvent(type: string): string {
  if (type === PROTO) return PROTO_ESCAPED;
  return type.startsWith(AFTER)
    ? type
        .split('.')
        .map((s) => (s === PROTO ? PROTO_ESCAPED : s))
        .join('.')
    : type;
}

function unescapeEvent(type: string): string {
  // Stryker disable next-line ConditionalExpression: XState only hands back delayed events, whose names start with `xstate.after.`
  if (type === PROTO_ESCAPED) return PROTO;
  return type.startsWith(AFTER)
    ? type
        .split('.')
        .map((s) => (s === PROTO_ESCAPED ? PROTO : s))
        .join('.')
    : type;
}

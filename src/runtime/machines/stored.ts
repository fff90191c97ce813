import type { IR } from '../../ir/schema.js';
import { parseConstructId } from '../../ir/index.js';
import { lifecycleMachine, ritualMachine, type MachineConfig } from '../../compiler/backends/xstate.js';
import { own } from '../../stdlib/dict.js';
import type { CommunitySnapshot, MemberState } from '../state.js';

/**
 * A member's stored machine state (a snapshot's, a database row's) checked against the machine
 * of this playbook before either engine reads it (docs/runtime.md, "Stored machine states").
 * A state the machine does not have would otherwise be read as its initial state by one engine
 * (a member re-running a welcome ritual) and refused by XState with its own words: both engines
 * refuse it here, with the same error. A playbook that renames or removes states carries members
 * over through a reload (src/hosting/migrate.ts), never through this path.
 */

type Json = Record<string, unknown>;

/** A stored state the machine does not have: names the machine, the state, and (when known) the member. */
export class StoredStateError extends Error {
  constructor(
    /** e.g. `ritual onboarding` */
    readonly machine: string,
    readonly state: unknown,
    readonly problem: string,
    readonly where?: { community: string; member: string },
  ) {
    super(
      (where ? `community ${JSON.stringify(where.community)}, member ${JSON.stringify(where.member)}: ` : '') +
        `${machine} is in the stored state ${stateText(state)}, which this playbook does not have (${problem}). ` +
        'The snapshot or database was written by another version of the playbook, or edited: resume it with the version that wrote it ' +
        'and reload to this one (renamed and removed states are carried over by the reload, docs/serve.md "Reloading the playbook"), or repair the member\'s state',
    );
  }

  /** The same error, naming the member. */
  at(community: string, member: string): StoredStateError {
    return new StoredStateError(this.machine, this.state, this.problem, { community, member });
  }
}

/** `ritual onboarding` for a machine's construct id and kind. */
export function machineLabel(id: string, kind: 'ritual' | 'lifecycle'): string {
  return `${kind} ${parseConstructId(id)?.name ?? id}`;
}

/** Throw StoredStateError when `value` is no state of `config`. */
export function checkStoredState(config: MachineConfig, label: string, value: unknown): void {
  const problem = storedStateProblem(config, value);
  if (problem !== undefined) throw new StoredStateError(label, value, problem);
}

/**
 * Why `value` is no state value of the machine, or undefined when it is one. A value is what
 * the engines store (and what a reload writes): an atomic or final child's key, `{ key: inner }`
 * (one key) for a child with states of its own, and for a parallel state an object with every
 * one of its parts. Anything less would be read differently: XState fills a part left out with
 * its initial state where the fast engine keeps the value as it was given.
 */
export function storedStateProblem(config: MachineConfig, value: unknown): string | undefined {
  return problemAt(config, value, '');
}

function problemAt(node: Json, v: unknown, path: string): string | undefined {
  const states = (node['states'] ?? {}) as Record<string, Json>;
  const keys = Object.keys(states);
  const where = path === '' ? '' : ` in ${path}`;
  const within = (k: string) => (path === '' ? k : `${path}.${k}`);
  // A part of a parallel state with no states of its own: both engines store it as {}.
  if (keys.length === 0 && node['type'] !== 'parallel') {
    const empty = typeof v === 'object' && v !== null && !Array.isArray(v) && Object.keys(v).length === 0;
    return empty ? undefined : `part ${path} has no states of its own, so ${stateText(v)} cannot be one (it is stored as {})`;
  }
  if (node['type'] === 'parallel') {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return `${path} needs an object of its parts ${keys.join(', ')}, not ${stateText(v)}`;
    for (const k of Object.keys(v)) if (!own(states, k)) return `no part ${JSON.stringify(k)}${where} (it has ${keys.join(', ')})`;
    for (const k of keys) {
      if (!Object.hasOwn(v, k)) return `part ${k} of ${path} is missing`;
      const p = problemAt(states[k]!, (v as Json)[k], within(k));
      if (p !== undefined) return p;
    }
    return undefined;
  }
  let key: string;
  let inner: unknown;
  if (typeof v === 'string') key = v;
  else if (typeof v === 'object' && v !== null && !Array.isArray(v) && Object.keys(v).length === 1) {
    key = Object.keys(v)[0]!;
    inner = (v as Json)[key];
  } else return `${stateText(v)}${where} is not a state name or an object of one`;
  const child = own(states, key);
  if (!child) return `no state ${JSON.stringify(key)}${where} (it has ${keys.join(', ')})`;
  // A parallel state always has parts: states of its own.
  const nested = Object.keys(child['states'] ?? {}).length > 0;
  if (nested && typeof v === 'string') return `state ${within(key)} has states of its own, and the value names none of them`;
  if (!nested && typeof v !== 'string') return `state ${within(key)} has no states of its own, so ${stateText(inner)} cannot be one`;
  return nested ? problemAt(child, inner, within(key)) : undefined;
}

function stateText(v: unknown): string {
  const s = v === undefined ? 'undefined' : JSON.stringify(v);
  return s.length > 200 ? `${s.slice(0, 200)}…` : s;
}

/**
 * Checks the stored machine states of loaded members against a playbook's rituals and
 * lifecycles (a durable store's rows on loading); each distinct value is checked once per machine.
 */
export class StoredMachines {
  private readonly machines = new Map<string, { config: MachineConfig; label: string; seen: Set<string> }>();

  constructor(ir: IR) {
    for (const r of ir.rituals) this.machines.set(r.id, { config: ritualMachine(r).config, label: machineLabel(r.id, 'ritual'), seen: new Set() });
    for (const l of ir.lifecycles) this.machines.set(l.id, { config: lifecycleMachine(l).config, label: machineLabel(l.id, 'lifecycle'), seen: new Set() });
  }

  /** Throw StoredStateError (naming the community and member) at the first state the playbook does not have. */
  check(community: string, m: MemberState): void {
    if (!m.machines) return;
    for (const id of Object.keys(m.machines)) {
      // A machine this playbook does not have is never read (a reload drops it; src/hosting/migrate.ts).
      const machine = this.machines.get(id);
      const value = m.machines[id];
      if (!machine) continue;
      // Values come from JSON: never undefined, so every one has a key.
      const key = JSON.stringify(value);
      // Stryker disable next-line ConditionalExpression: a cache; checking a value again gives the same answer
      if (machine.seen.has(key)) continue;
      const problem = storedStateProblem(machine.config, value);
      if (problem !== undefined) throw new StoredStateError(machine.label, value, problem, { community, member: m.id });
      machine.seen.add(key);
    }
  }
}

/**
 * StoredStateError at the first member in a ritual or lifecycle state the playbook lacks: of a
 * snapshot (`createRuntime` checks the one it resumes) or of a durable runtime's live state, so
 * that it is refused before anything runs rather than in the middle of that member's next event
 * (docs/runtime.md, "Stored machine states").
 */
export function checkSnapshotStates(ir: IR, snapshot: { communities: readonly Pick<CommunitySnapshot, 'id' | 'members'>[] }): void {
  const machines = new StoredMachines(ir);
  for (const c of snapshot.communities) for (const id of Object.keys(c.members)) machines.check(c.id, c.members[id]!);
}

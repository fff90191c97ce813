import type { IR } from '../ir/schema.js';
import type { OutputAction, Runtime } from '../runtime/runtime.js';
import { dict } from '../stdlib/dict.js';
import { constructId, stepProgress } from '../ir/index.js';

/**
 * What a playbook's tests exercised. Everything is read from the actions the runtime produced,
 * except ritual steps, which produce no action of their own: for those the recorder compares each
 * member's ritual state before and after every event and wait (`{active: {step: 'pending'|'done'}}`
 * while running, then `completed`, `expired` or `cancelled`).
 */

export interface CoverageItem {
  key: string;
  /** How the report names it, e.g. `ladder ads step 2`. */
  label: string;
}

export function coverageItems(ir: IR): CoverageItem[] {
  const items: CoverageItem[] = [];
  const add = (key: string, label: string) => items.push({ key, label });
  for (const r of ir.rules) add(r.id, `rule ${r.name}${r.stage ? ` (campaign ${r.stage.campaign}, stage ${r.stage.stage})` : ''}`);
  for (const l of ir.ladders) for (const s of l.steps) add(ladderKey(l.name, s.n), `ladder ${l.name} step ${s.n}`);
  for (const p of ir.points) add(p.id, `points ${p.on.event}${p.stage ? ` (campaign ${p.stage.campaign}, stage ${p.stage.stage})` : ''}`);
  for (const l of ir.levels) if (l.at > 0) add(`level:${l.name}`, `level ${l.name}`);
  for (const b of ir.badges) add(`badge:${b.name}`, `badge ${b.name}`);
  for (const lb of ir.leaderboards) add(lb.id, `leaderboard ${lb.name}`);
  for (const l of ir.lotteries ?? []) add(l.id, `draw ${l.name}`);
  for (const r of ir.rituals) {
    for (const s of r.steps) add(ritualKey(r.id, `step:${s.name}`), `ritual ${r.name} step ${s.name}`);
    add(ritualKey(r.id, 'completed'), `ritual ${r.name} completed`);
    if (r.deadline) add(ritualKey(r.id, 'expired'), `ritual ${r.name} deadline passed`);
    if (r.cancelOn.length > 0) add(ritualKey(r.id, 'cancelled'), `ritual ${r.name} cancelled`);
  }
  for (const l of ir.lifecycles) {
    const seen = new Set<string>();
    for (const t of l.transitions) {
      const key = lifecycleKey(l.name, t.from, t.to);
      if (seen.has(key)) continue;
      seen.add(key);
      add(key, `lifecycle ${l.name}: ${t.from} -> ${t.to}`);
    }
  }
  for (const s of ir.schedules) add(s.id, `schedule ${s.name}`);
  for (const j of ir.jobs) add(j.id, `job ${j.name}`);
  for (const c of ir.campaigns) {
    for (const s of c.stages) add(`stage:${c.name}.${s.name}`, `campaign ${c.name} stage ${s.name}`);
    for (const g of c.goals) add(`goal:${c.name}.${g.name}`, `campaign ${c.name} goal ${g.name}`);
  }
  return items;
}

const ladderKey = (ladder: string, step: number) => `ladder:${ladder}#${step}`;
const ritualKey = (ritualId: string, what: string) => `${ritualId}#${what}`;
const lifecycleKey = (name: string, from: string, to: string) => `lifecycle:${name}:${from}->${to}`;

/** Ritual state values of every member: member -> ritual id -> value. */
export type RitualStates = Record<string, Record<string, unknown>>;

export class CoverageRecorder {
  readonly covered = new Set<string>();

  constructor(private readonly ir: IR) {}

  /** Call before each dispatch or advance. */
  ritualStates(rt: Runtime, community: string): RitualStates {
    const out: RitualStates = dict();
    if (this.ir.rituals.length === 0) return out;
    const members = rt.community(community)?.members ?? {};
    for (const [id, m] of Object.entries(members)) {
      const machines = (m as { machines?: Record<string, unknown> }).machines;
      const values = dict<unknown>();
      for (const r of this.ir.rituals) {
        const v = machines?.[r.id];
        // Stored state may be mutated in place by the next step: keep a copy.
        if (v !== undefined) values[r.id] = JSON.parse(JSON.stringify(v)) as unknown;
      }
      out[id] = values;
    }
    return out;
  }

  /** Call after each dispatch or advance with the states from before it and the actions it produced. */
  record(rt: Runtime, community: string, before: RitualStates, actions: OutputAction[]): void {
    for (const a of actions) this.recordAction(a);
    if (this.ir.rituals.length === 0) return;
    const after = this.ritualStates(rt, community);
    for (const [member, values] of Object.entries(after)) {
      for (const r of this.ir.rituals) {
        const was = before[member]?.[r.id];
        const now = values[r.id];
        if (now === undefined || JSON.stringify(was) === JSON.stringify(now)) continue;
        for (const s of r.steps) {
          if (stepState(now, s.name) === 'done' && stepState(was, s.name) !== 'done') this.covered.add(ritualKey(r.id, `step:${s.name}`));
        }
        if (typeof now === 'string' && now !== was) this.covered.add(ritualKey(r.id, now));
      }
    }
  }

  private recordAction(a: OutputAction): void {
    const source = typeof a['source'] === 'string' ? a['source'] : '';
    if (source) this.covered.add(source);
    switch (a.type) {
      case 'member.warn': {
        const ladder = this.ir.ladders.find((l) => l.name === a['ladder']);
        const count = Number(a['count']);
        if (!ladder || !Number.isFinite(count)) break;
        // The step that runs: the one numbered as the count, or the last one past the end.
        const last = ladder.steps[ladder.steps.length - 1];
        const step = ladder.steps.find((s) => s.n === count) ?? (last && count > last.n ? last : undefined);
        if (step) this.covered.add(ladderKey(ladder.name, step.n));
        break;
      }
      case 'level.reached':
        this.covered.add(`level:${String(a['level'])}`);
        break;
      case 'badge.granted':
        this.covered.add(`badge:${String(a['badge'])}`);
        break;
      case 'lifecycle.changed':
        this.covered.add(lifecycleKey(String(a['lifecycle']), String(a['from']), String(a['to'])));
        break;
      case 'stage.entered':
        this.covered.add(`stage:${String(a['campaign'])}.${String(a['stage'])}`);
        break;
      case 'goal.reached':
        this.covered.add(`goal:${String(a['campaign'])}.${String(a['goal'])}`);
        break;
      case 'lottery.drawn':
        this.covered.add(constructId('lottery', String(a['draw'])));
        break;
    }
  }
}

/** A ritual step's state in a stored ritual value: a completed ritual has done every step. */
function stepState(value: unknown, step: string): string | undefined {
  return stepProgress(value, step);
}

export interface CoverageSummary {
  playbook: string;
  total: number;
  exercised: number;
  missing: string[];
}

export function summarizeCoverage(playbook: string, items: CoverageItem[], covered: ReadonlySet<string>): CoverageSummary {
  const missing = items.filter((i) => !covered.has(i.key)).map((i) => i.label);
  return { playbook, total: items.length, exercised: items.length - missing.length, missing };
}

export function formatCoverage(s: CoverageSummary): string {
  const head = `coverage of ${s.playbook}: ${s.exercised} of ${s.total} exercised`;
  if (s.missing.length === 0) return head + '\n';
  return `${head}; not exercised by any test:\n${s.missing.map((m) => `  ${m}\n`).join('')}`;
}

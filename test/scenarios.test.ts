import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { compile } from '../src/compiler/compile.js';
import { createRuntime, type OutputAction } from '../src/runtime/runtime.js';

/**
 * The acceptance scenarios (copied from shared/scenarios so the project tests itself without
 * it), checked with the same rules as shared/scenarios/check.mjs: `match` needs a distinct
 * action with every listed field, `absent` forbids one, `count` pins how many; `at` compares
 * instants and a key ending in `~` means "contains".
 */

const root = fileURLToPath(new URL('..', import.meta.url));
const dir = fileURLToPath(new URL('./scenarios/', import.meta.url));

type Expectation = { match?: Record<string, unknown>; absent?: Record<string, unknown>; count?: Record<string, unknown>; is?: number };

function fieldMatches(action: OutputAction, key: string, want: unknown): boolean {
  if (key.endsWith('~')) {
    const got = action[key.slice(0, -1)];
    return typeof got === 'string' && got.includes(String(want));
  }
  const got = action[key];
  if (key === 'at') return got !== undefined && Date.parse(String(got)) === Date.parse(String(want));
  return JSON.stringify(got) === JSON.stringify(want);
}

const matches = (a: OutputAction, pattern: Record<string, unknown>) => Object.entries(pattern).every(([k, v]) => fieldMatches(a, k, v));

export function problemsOf(actions: OutputAction[], expected: Expectation[]): string[] {
  const used = new Set<number>();
  const problems: string[] = [];
  for (const exp of expected) {
    if (exp.match) {
      const i = actions.findIndex((a, j) => !used.has(j) && matches(a, exp.match!));
      if (i < 0) problems.push(`missing ${JSON.stringify(exp.match)}`);
      else used.add(i);
    } else if (exp.absent) {
      const hit = actions.find((a) => matches(a, exp.absent!));
      if (hit) problems.push(`unwanted ${JSON.stringify(hit)}`);
    } else if (exp.count) {
      const n = actions.filter((a) => matches(a, exp.count!)).length;
      if (n !== exp.is) problems.push(`count ${JSON.stringify(exp.count)}: ${n}, want ${exp.is}`);
    }
  }
  return problems;
}

const readJsonl = (path: string) =>
  readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l));

export function runScenario(name: string): { actions: OutputAction[]; problems: string[] } {
  const run = JSON.parse(readFileSync(`${dir}${name}/run.json`, 'utf8')) as { playbook: string; until: string };
  const source = readFileSync(`${root}${run.playbook}`, 'utf8');
  const { ir, diagnostics } = compile(source, { file: run.playbook });
  if (!ir) throw new Error(diagnostics.map((d) => d.message).join('\n'));
  const rt = createRuntime(ir);
  const actions: OutputAction[] = [];
  for (const e of readJsonl(`${dir}${name}/events.jsonl`)) actions.push(...rt.dispatch(e));
  actions.push(...rt.advance(run.until));
  return { actions, problems: problemsOf(actions, readJsonl(`${dir}${name}/expected.jsonl`)) };
}

const names = readdirSync(dir, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name)
  .sort();

describe('acceptance scenarios', () => {
  it('has all seven scenarios', () => {
    expect(names).toEqual(['discussion-schedule', 'entry-ritual', 'fission-campaign', 'flood', 'member-lifecycle', 'no-ads', 'points-levels']);
  });
  for (const name of names) {
    it(name, () => {
      expect(runScenario(name).problems).toEqual([]);
    });
  }

  it('the checker itself catches a wrong expectation (a scenario run is not vacuous)', () => {
    const { actions } = runScenario('flood');
    expect(problemsOf(actions, [{ match: { type: 'member.mute', member: 'u2' } }])).toHaveLength(1);
    expect(problemsOf(actions, [{ count: { type: 'member.mute' }, is: 3 }])).toHaveLength(1);
  });
});

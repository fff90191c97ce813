import { describe, expect, it } from 'vitest';
import { compile } from '../../src/index.js';
import { migrateSnapshot } from '../../src/hosting/migrate.js';
import type { IR } from '../../src/ir/schema.js';
import { createRuntime, type OutputAction } from '../../src/runtime/runtime.js';

/**
 * Agendas across a reload (docs/serve.md, "Reloading"): a new agenda is armed for communities
 * that already exist, a re-timed one moves, a removed one stops, an unchanged one keeps its steps.
 */

const HEADER = 'playbook "t" { timezone "Asia/Shanghai" }\n';
const AGENDA = (steps: string) => `agenda launch on 2026-03-15 {\n${steps}\n}\n`;

function ir(source: string): IR {
  const r = compile(HEADER + source);
  const errors = r.diagnostics.filter((d) => d.severity === 'error');
  if (!r.ir || errors.length) throw new Error(errors.map((d) => d.message).join('\n'));
  return r.ir;
}

/** Runs `before` up to 2026-03-15 19:05 local, reloads into `after`, then runs to the end of the day. */
function reload(before: string, after: string): { said: string[]; notes: string[] } {
  const from = ir(before);
  const to = ir(after);
  const rt = createRuntime(from);
  rt.dispatch({ id: 'j', type: 'member.joined', at: '2026-03-10T10:00:00+08:00', community: 'c', member: 'm' });
  const early = rt.advance('2026-03-15T19:05:00+08:00');
  const migration = migrateSnapshot(from, to, rt.snapshot());
  rt.close();
  const next = createRuntime(to, { snapshot: migration.snapshot });
  const late = next.advance('2026-03-15T23:59:00+08:00');
  next.close();
  const text = (a: OutputAction) => `${a.at.slice(11, 16)} ${String(a.text)}`;
  return {
    said: [...early, ...late].filter((a) => a.type === 'message.send').map(text),
    notes: [...migration.changed, ...migration.dropped].map((n) => n.what),
  };
}

describe('agendas across a reload', () => {
  it('arms a new agenda for a community that already exists, steps still to come only', () => {
    const { said, notes } = reload('rule r { on message.posted do say "hi" }\n', AGENDA('  19:00 a: say "A"\n  19:10 b: say "B"\n  20:00 c: say "C"'));
    expect(said).toEqual(['19:10 B', '20:00 C']);
    expect(notes.join('\n')).toContain('agenda launch: new, 2 of 3 steps still to come armed');
  });

  it('keeps an unchanged agenda: each step once, none repeated', () => {
    const src = AGENDA('  19:00 a: say "A"\n  19:10 b: say "B"');
    expect(reload(src, src).said).toEqual(['19:00 A', '19:10 B']);
  });

  it('moves the steps of a re-timed agenda, and does not run a step whose new time has passed', () => {
    const { said } = reload(AGENDA('  19:00 a: say "A"\n  19:10 b: say "B"'), AGENDA('  19:00 a: say "A"\n  19:30 b: say "B"'));
    expect(said).toEqual(['19:00 A', '19:30 B']);
  });

  it('drops the steps of a removed agenda and says so', () => {
    const { said, notes } = reload(AGENDA('  19:00 a: say "A"\n  19:10 b: say "B"'), 'rule r { on message.posted do say "hi" }\n');
    expect(said).toEqual(['19:00 A']);
    expect(notes.join('\n')).toContain('agenda launch removed');
  });
});

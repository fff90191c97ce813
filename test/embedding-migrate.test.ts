import { describe, expect, it } from 'vitest';
import { compile, createRuntime, migrateSnapshot, type IR } from '../src/index.js';

/**
 * Resuming a snapshot under an edited playbook (docs/embedding.md, section 7): the library's
 * `migrateSnapshot` carries the state over as `playbook serve` does on a reload, so a job added to
 * the playbook is armed and a removed ladder's warnings are reported, where resuming the old
 * snapshot directly would leave the new job unarmed.
 */

const HEADER = 'playbook "club" { timezone "Asia/Shanghai" }\n';
const BEFORE = `${HEADER}rule no_links { on message.posted when text contains "http" do warn member "no links" on ladder links }
ladder links { 1: say to member "first warning" }
`;
const AFTER = `${HEADER}job digest every day at 09:00: say "digest"
`;

function ir(source: string): IR {
  const r = compile(source);
  if (!r.ir) throw new Error(r.diagnostics.map((d) => d.message).join('\n'));
  return r.ir;
}

const post = (id: string, member: string, text: string, at: string) => ({ id, type: 'message.posted', at, community: 'g', member, messageId: id, text });

function oldSnapshot() {
  const rt = createRuntime(ir(BEFORE));
  rt.dispatch({ id: 'j1', type: 'member.joined', at: '2026-03-02T08:00:00+08:00', community: 'g', member: 'ann' });
  expect(rt.dispatch(post('e1', 'ann', 'see http://x', '2026-03-02T10:00:00+08:00')).map((a) => a.type)).toEqual(['member.warn', 'message.send']);
  return rt.snapshot();
}

describe('migrateSnapshot, exported for embedders', () => {
  it('arms a job the edited playbook adds; the snapshot resumed directly does not', () => {
    const before = ir(BEFORE);
    const after = ir(AFTER);
    const direct = createRuntime(after, { snapshot: oldSnapshot() });
    expect(direct.advance('2026-03-03T10:00:00+08:00')).toEqual([]);
    const { snapshot } = migrateSnapshot(before, after, oldSnapshot());
    const migrated = createRuntime(after, { snapshot });
    const out = migrated.advance('2026-03-03T10:00:00+08:00');
    expect(out.map((a) => [a.type, a.at, a['text']])).toEqual([['message.send', '2026-03-03T09:00:00+08:00', 'digest']]);
  });

  it('reports what it dropped, names the new playbook and leaves its input unchanged', () => {
    const input = oldSnapshot();
    const text = JSON.stringify(input);
    const m = migrateSnapshot(ir(BEFORE), ir(AFTER), input);
    expect(JSON.stringify(input)).toBe(text);
    expect(m.snapshot.playbook).toBe('club');
    expect(m.dropped.map((d) => [d.what, d.count, d.examples])).toEqual([[expect.stringContaining('ladder links'), 1, ['g/ann']]]);
    expect(m.changed.map((d) => [d.what, d.examples])).toEqual([["job digest: new, scheduled from the community's clock", ['g']]]);
  });
});

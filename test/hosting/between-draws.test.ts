import { describe, expect, it } from 'vitest';
import { compile } from '../../src/index.js';
import { migrateSnapshot } from '../../src/hosting/migrate.js';
import type { IR } from '../../src/ir/schema.js';
import { createRuntime } from '../../src/runtime/runtime.js';

/**
 * `between A and B` draws its minute per community and per day (docs/language.md, "Random
 * times"): leaderboards as jobs do, and a reload re-arms a changed calendar at the same minute
 * the runtime itself would draw.
 */

const HEADER = 'playbook "t" { timezone "Asia/Shanghai" }\npoints { message.posted: +1 }\n';

function ir(source: string): IR {
  const r = compile(HEADER + source);
  const errors = r.diagnostics.filter((d) => d.severity === 'error');
  if (!r.ir || errors.length) throw new Error(errors.map((d) => d.message).join('\n'));
  return r.ir;
}

const post = (community: string, at: string) => ({
  id: `${community}-${at}`,
  type: 'message.posted',
  at,
  community,
  member: 'm',
  messageId: `${community}-${at}`,
  text: 'hi',
});

/** When each community's board was posted on 2026-03-03, as HH:MM local. */
function boardTimes(source: string, communities: string[]): string[] {
  const rt = createRuntime(ir(source));
  for (const c of communities) rt.dispatch(post(c, '2026-03-02T09:00:00+08:00'));
  const out = rt.advance('2026-03-04T00:00:00+08:00');
  rt.close();
  return communities.map((c) => {
    const a = out.find((x) => x.community === c && x.type === 'message.send' && x.at.startsWith('2026-03-03'));
    return a ? a.at.slice(11, 16) : 'none';
  });
}

describe('random times per community', () => {
  const board = 'leaderboard 日榜 top 3 by points every day between 10:00 and 22:00: say "{board}"\n';
  const communities = ['c1', 'c2', 'c3', 'c4', 'c5', 'c6'];

  it('a leaderboard with `between` posts at a minute drawn for each community, within the window', () => {
    const times = boardTimes(board, communities);
    for (const t of times) expect(t >= '10:00' && t < '22:00', t).toBe(true);
    expect(new Set(times).size).toBeGreaterThan(1);
    expect(boardTimes(board, communities)).toEqual(times);
  });

  it('a reload that gives a job a `between` window arms the minute the runtime itself draws', () => {
    const before = ir('every day at 09:00: say "早"\n');
    const after = ir('every day between 10:00 and 22:00: say "早"\n');
    const first = (rt: ReturnType<typeof createRuntime>) =>
      rt
        .advance('2026-03-04T00:00:00+08:00')
        .filter((a) => a.type === 'message.send' && a.at.startsWith('2026-03-03'))
        .map((a) => `${a.community} ${a.at.slice(11, 16)}`);
    const old = createRuntime(before);
    for (const c of communities) old.dispatch(post(c, '2026-03-02T23:00:00+08:00'));
    const migrated = createRuntime(after, { snapshot: migrateSnapshot(before, after, old.snapshot()).snapshot });
    old.close();
    const fresh = createRuntime(after);
    for (const c of communities) fresh.dispatch(post(c, '2026-03-02T23:00:00+08:00'));
    const drawn = first(fresh);
    expect(drawn).toHaveLength(communities.length);
    expect(first(migrated)).toEqual(drawn);
  });
});

import { describe, expect, it } from 'vitest';
import { compile } from '../src/compiler/compile.js';
import { adoptCommunity, loadInto, type LoadContext, type Owned } from '../src/hosting/cluster-load.js';
import { CommunityFailure } from '../src/hosting/cluster-quarantine.js';
import { ClusterVersions } from '../src/hosting/cluster-versions.js';
import { wideRuntime } from '../src/hosting/cluster-wide.js';
import { StoredStateError } from '../src/runtime/machines/stored.js';
import { Network } from '../src/runtime/network.js';
import { DurableRuntime } from '../src/store/durable.js';
import { PendingStore } from '../src/store/pending.js';
import type { Sql } from '../src/store/postgres.js';
import type { StoredCommunity } from '../src/store/store.js';

const PLAYBOOK = `playbook "Load" {\n  timezone "UTC"\n}\n\nritual onboarding {\n  starts on member.joined\n  say to member "welcome {member.name}"\n  step intro "intro": message.posted where text contains "-"\n}\n`;
const ir = compile(PLAYBOOK, { file: 'load.playbook' }).ir!;

/** The rows of `community` after ann joined, as the owner reads them. */
function rowsOf(community: string): StoredCommunity {
  const store = new PendingStore([]);
  new DurableRuntime(ir, store).dispatchBatch([{ id: 'j', type: 'member.joined', at: '2026-03-01T08:00:00Z', community, member: 'ann', name: 'Ann' }]);
  const [commit] = store.take();
  return {
    id: community,
    state: commit!.communities[0]!.state,
    members: commit!.members.map((m) => ({ id: m.id, state: m.state! })),
    processed: [],
    timers: [],
  };
}

function context(): LoadContext {
  return { versions: new ClusterVersions({ version: 1, ir }), seed: 1, network: new Network() };
}

/** A database answering the owner's load queries from `rows` (each row's version in `versions`, 1 otherwise), or failing every query with `fail`. */
function fakeSql(rows: StoredCommunity[], versions: ReadonlyMap<string, number> = new Map(), fail?: Error): Sql & { queries: string[] } {
  const queries: string[] = [];
  const query = (text: string, params: unknown[]) => {
    queries.push(text);
    if (fail) return Promise.reject(fail);
    const ids = (params[0] as string[] | number) ?? [];
    const of = (id: string) => Array.isArray(ids) && ids.includes(id);
    if (text.startsWith('SELECT id, version FROM communities'))
      return Promise.resolve({ rows: rows.filter((r) => of(r.id)).map((r) => ({ id: r.id, version: versions.get(r.id) ?? 1 })) });
    if (text.startsWith('SELECT id, state FROM communities'))
      return Promise.resolve({ rows: rows.filter((r) => of(r.id)).map((r) => ({ id: r.id, state: r.state })) });
    if (text.startsWith('SELECT community, id, state FROM members'))
      return Promise.resolve({ rows: rows.filter((r) => of(r.id)).flatMap((r) => r.members.map((m) => ({ community: r.id, id: m.id, state: m.state }))) });
    if (text.startsWith('SELECT source, file FROM playbook_versions')) return Promise.resolve({ rows: [] });
    return Promise.resolve({ rows: [] });
  };
  return { query, queries } as unknown as Sql & { queries: string[] };
}

async function failureOf(p: Promise<unknown>): Promise<CommunityFailure> {
  const e: unknown = await p.then(
    () => undefined,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(CommunityFailure);
  return e as CommunityFailure;
}

describe('adoptCommunity (src/hosting/cluster-load.ts)', () => {
  it('builds the runtime of sound rows on their version', async () => {
    const o = await adoptCommunity(fakeSql([]), context(), 'club', [rowsOf('club')], 1);
    expect(o.version).toBe(1);
    expect(o.durable.communityIds()).toEqual(['club']);
    expect(o.durable.snapshot().communities[0]!.members['ann']).toBeDefined();
  });

  it('a member row that is not JSON: a CommunityFailure naming the community and the member', async () => {
    const row = rowsOf('club');
    const damaged = { ...row, members: row.members.map((m) => ({ ...m, state: m.state.slice(0, -1) })) };
    const f = await failureOf(adoptCommunity(fakeSql([]), context(), 'club', [damaged], 1));
    expect(f.community).toBe('club');
    expect(f.message).toMatch(/^community "club": its stored rows do not load: the row of member "ann" is not valid JSON: /);
  });

  it('a community row that is not JSON, and a timer row that is not: each named', async () => {
    const row = rowsOf('club');
    const f = await failureOf(adoptCommunity(fakeSql([]), context(), 'club', [{ ...row, state: `${row.state}}` }], 1));
    expect(f.message).toMatch(/^community "club": its stored rows do not load: the community row is not valid JSON: /);
    const g = await failureOf(adoptCommunity(fakeSql([]), context(), 'club', [{ ...row, timers: ['{'] }], 1));
    expect(g.message).toMatch(/^community "club": its stored rows do not load: a timer row is not valid JSON: /);
  });

  it('a member in a state the playbook lacks is refused on loading, not at its next event', async () => {
    const row = rowsOf('club');
    const members = row.members.map((m) => {
      const state = JSON.parse(m.state) as { machines: Record<string, unknown> };
      return { id: m.id, state: JSON.stringify({ ...state, machines: { ...state.machines, 'ritual:onboarding': 'welcomed' } }) };
    });
    const f = await failureOf(adoptCommunity(fakeSql([]), context(), 'club', [{ ...row, members }], 1));
    expect(f.message).toContain('its stored rows do not load: community "club", member "ann": ritual onboarding is in the stored state "welcomed"');
    // The same state passes when the runtime is built without the check: the refusal is the load's.
    expect(() => new DurableRuntime(ir, new PendingStore([{ ...row, members }]))).not.toThrow(StoredStateError);
  });

  it('a version the database lacks is the community’s; a failing query is not', async () => {
    const sql = fakeSql([]);
    const f = await failureOf(adoptCommunity(sql, context(), 'club', [rowsOf('club')], 7));
    expect(f.message).toBe('community "club": its stored rows do not load: playbook version 7 is not in the database');
    expect(sql.queries).toEqual(['SELECT source, file FROM playbook_versions WHERE version = $1']);
    const lost = new Error('Connection terminated unexpectedly');
    const e: unknown = await adoptCommunity(fakeSql([], new Map(), lost), context(), 'club', [], 7).catch((x: unknown) => x);
    expect(e).toBe(lost);
  });
});

describe('loadInto (src/hosting/cluster-load.ts)', () => {
  it('loads the sound communities, returns the failures, and neither keeps a stale runtime nor starts an empty one for a failed community', async () => {
    const good = rowsOf('good');
    const bad = { ...rowsOf('bad'), state: '{' };
    const owned = new Map<string, Owned>();
    const ctx = context();
    // A runtime of `bad` from before: loading it again and failing must not leave it in place.
    owned.set('bad', await adoptCommunity(fakeSql([]), ctx, 'bad', [rowsOf('bad')], 1));
    const failures = await loadInto(fakeSql([good, bad]), ctx, ['good', 'bad', 'new'], owned, 1);
    expect(failures.map((f) => f.community)).toEqual(['bad']);
    expect([...owned.keys()].sort()).toEqual(['good', 'new']);
    expect(owned.get('good')!.durable.snapshot().communities[0]!.members['ann']).toBeDefined();
    expect(owned.get('new')!.durable.communityIds()).toEqual([]);
  });

  it('a community on a version the database lacks fails alone; the others load on theirs', async () => {
    const owned = new Map<string, Owned>();
    const failures = await loadInto(fakeSql([rowsOf('a'), rowsOf('b')], new Map([['a', 3]])), context(), ['a', 'b'], owned, 1);
    expect(failures.map((f) => [f.community, f.message])).toEqual([
      ['a', 'community "a": its stored rows do not load: playbook version 3 is not in the database'],
    ]);
    expect([...owned.keys()]).toEqual(['b']);
  });

  it('a query that fails goes up as it is, not as a community’s failure', async () => {
    const lost = new Error('Connection terminated unexpectedly');
    const e: unknown = await loadInto(fakeSql([rowsOf('a')], new Map(), lost), context(), ['a'], new Map(), 1).catch((x: unknown) => x);
    expect(e).toBe(lost);
  });
});

describe('wideRuntime (src/hosting/cluster-wide.ts)', () => {
  const wide = (rows: StoredCommunity[], batch: string[], ids: string[]) => {
    const ctx = context();
    return wideRuntime(fakeSql(rows), { batch, ids, latest: 1, versions: ctx.versions, seed: 1, network: ctx.network });
  };
  const stale = (row: StoredCommunity): StoredCommunity => ({ ...row, members: row.members.map((m) => ({ ...m, state: m.state.slice(0, -1) })) });

  it('holds every group and the batch', async () => {
    const w = await wide([rowsOf('a'), rowsOf('g')], ['a'], ['a', 'g']);
    expect(w.durable.communityIds().sort()).toEqual(['a', 'g']);
    expect(w.stored.sort()).toEqual(['a', 'g']);
  });

  it('a group outside the batch that does not load: the batch’s first community fails, naming the group', async () => {
    const f = await failureOf(wide([rowsOf('a'), rowsOf('b'), stale(rowsOf('g'))], ['a', 'b'], ['a', 'b', 'g']));
    expect(f.community).toBe('a');
    expect(f.message).toMatch(
      /^community "a": its work reaches a network goal, and group "g" of the network does not load: its stored rows do not load: the row of member "ann" is not valid JSON: /,
    );
  });

  it('a community of the batch that does not load fails itself', async () => {
    const f = await failureOf(wide([rowsOf('a'), stale(rowsOf('b')), rowsOf('g')], ['a', 'b'], ['a', 'b', 'g']));
    expect(f.community).toBe('b');
    expect(f.message).toMatch(/^community "b": its stored rows do not load: the row of member "ann" is not valid JSON: /);
  });

  it('a group on a version the database lacks fails as well, before anything is carried over', async () => {
    const ctx = context();
    const sql = fakeSql([rowsOf('a'), rowsOf('g')], new Map([['g', 5]]));
    const f = await failureOf(wideRuntime(sql, { batch: ['a'], ids: ['a', 'g'], latest: 1, versions: ctx.versions, seed: 1, network: ctx.network }));
    expect(f.community).toBe('a');
    expect(f.message).toContain('group "g" of the network does not load: its stored rows do not load: playbook version 5 is not in the database');
    expect(sql.queries.some((q) => q.startsWith('DELETE'))).toBe(false);
  });

  it('an error that is no community’s goes up as it is', async () => {
    const lost = new Error('Connection terminated unexpectedly');
    const ctx = context();
    const e: unknown = await wideRuntime(fakeSql([rowsOf('a')], new Map(), lost), {
      batch: ['a'],
      ids: ['a', 'g'],
      latest: 1,
      versions: ctx.versions,
      seed: 1,
      network: ctx.network,
    }).catch((x: unknown) => x);
    expect(e).toBe(lost);
  });
});

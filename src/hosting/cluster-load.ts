import type { IR } from '../ir/schema.js';
import type { Network } from '../runtime/network.js';
import { DurableRuntime } from '../store/durable.js';
import { PendingStore } from '../store/pending.js';
import { loadCommunities, type Sql } from '../store/postgres.js';
import { communityVersions } from '../store/postgres-versions.js';
import type { StoredCommunity } from '../store/store.js';
import { messageOf } from '../stdlib/errors.js';
import { asCommunity, CommunityFailure } from './cluster-quarantine.js';
import { VersionError, type ClusterVersions } from './cluster-versions.js';

/**
 * Loading the communities a cluster owner runs from their rows (docs/scaling.md, "A community
 * whose events fail"). What loading one community raises in JavaScript (a row that does not
 * parse, a member in a state its playbook version lacks, a version this process cannot run) is
 * that community's: it comes out as a CommunityFailure and the others load all the same, where it
 * used to end the owner's session and fail again at every takeover. The queries' own errors go up
 * unwrapped: they are the database's.
 */

/** A community an owner runs: its live state, the store its commits wait in, and the playbook version it follows. */
export interface Owned {
  durable: DurableRuntime;
  store: PendingStore;
  version: number;
}

export interface LoadContext {
  versions: ClusterVersions;
  seed: number | undefined;
  network: Network;
}

/** A community's runtime on `version`, built from its rows (none: a new community). */
export async function adoptCommunity(sql: Sql, ctx: LoadContext, community: string, rows: StoredCommunity[], version: number): Promise<Owned> {
  let ir: IR;
  try {
    ir = await ctx.versions.ir(sql, version);
  } catch (e) {
    throw e instanceof VersionError ? new CommunityFailure(community, loadError(e)) : e;
  }
  return asCommunity(community, () => {
    try {
      const store = new PendingStore(rows);
      const durable = new DurableRuntime(ir, store, { seed: ctx.seed, network: ctx.network });
      // Refused here, before anything runs, not halfway through the member's next event (docs/runtime.md, "Stored machine states").
      durable.checkStoredStates();
      return { store, version, durable };
    } catch (e) {
      throw loadError(e);
    }
  });
}

/**
 * Load (again) the communities into `owned`; one without rows starts on `latest`. Returns the
 * failures of those that did not load: each is left out of `owned` (never run from a stale or an
 * empty state) for the caller to set aside.
 */
export async function loadInto(sql: Sql, ctx: LoadContext, ids: readonly string[], owned: Map<string, Owned>, latest: number): Promise<CommunityFailure[]> {
  const failures: CommunityFailure[] = [];
  const adopt = async (c: string, rows: StoredCommunity[], version: number) => {
    try {
      owned.set(c, await adoptCommunity(sql, ctx, c, rows, version));
    } catch (e) {
      if (!(e instanceof CommunityFailure)) throw e;
      owned.delete(c);
      failures.push(e);
    }
  };
  const versions = await communityVersions(sql, ids);
  const stored = await loadCommunities(sql, ids);
  for (const row of stored) await adopt(row.id, [row], versions.get(row.id) ?? 1);
  const hasRow = new Set(stored.map((row) => row.id));
  for (const c of ids) if (!hasRow.has(c)) await adopt(c, [], latest);
  return failures;
}

function loadError(e: unknown): Error {
  return new Error(`its stored rows do not load: ${messageOf(e)}`, { cause: e });
}

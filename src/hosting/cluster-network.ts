import type { IR } from '../ir/schema.js';
import { emptyNetwork, Network, type NetworkState } from '../runtime/network.js';
import { NETWORK_META } from '../store/durable.js';
import { CLUSTER_NETWORK, lockNetwork, networkEpoch, saveNetwork, storedCommunities } from '../store/postgres-network.js';
import type { Sql } from '../store/postgres.js';
import type { Commit } from '../store/store.js';
import { migrateSnapshot } from './migrate.js';

/**
 * A network of groups in cluster mode (docs/scaling.md, "Networks of groups"). A process keeps
 * one `Network` holder, shared by the runtimes of every community it owns. Each transaction of a
 * playbook that counts across groups first locks the network's row FOR UPDATE and loads it into
 * the holder (`lock`), so the runtimes read the totals as the last commit of any process left
 * them, and writes it back before it commits (`save`): networked transactions of all processes
 * run one after another on that row, and the totals stay exact.
 *
 * A network goal's actions run in every group seen so far, whoever owns it. The transaction
 * whose event reaches the goal writes them all (`spreads`): it runs again on one runtime holding
 * every group, writes those groups' rows and actions, and bumps the row's epoch, so every owner
 * reloads its communities from the database (`stale`) before it next uses them.
 */
export class ClusterNetwork {
  readonly holder = new Network();
  /** The epoch the owned communities' live state was loaded at; undefined: unknown, reload. */
  private known: number | undefined;
  private epoch = 0;
  private goalsAtLock = 0;
  /** The version whose counter ids the holder's state uses (it is migrated to the newest when locked). */
  private version = 0;
  private migrated = false;

  /**
   * First statement of a networked transaction: lock and load the row, carried over to the
   * playbook version `latest` (`ir`). Returns whether the owned communities must be reloaded
   * (another transaction wrote some of them since they were loaded).
   */
  async lock(sql: Sql, latest: number, ir: IR, irOf: (version: number) => Promise<IR>): Promise<boolean> {
    const row = await lockNetwork(sql, CLUSTER_NETWORK, async () => {
      // A playbook that starts sharing finds the groups already served in the network (src/hosting/migrate.ts).
      return { state: JSON.stringify({ ...emptyNetwork(), groups: await storedCommunities(sql) }), version: latest };
    });
    let state = JSON.parse(row.state) as NetworkState;
    this.migrated = row.version !== latest;
    if (this.migrated) {
      const from = await irOf(row.version);
      state = migrateSnapshot(from, ir, { version: 1, playbook: from.name, communities: [], network: state }).snapshot.network ?? state;
    }
    this.holder.load(state);
    this.version = latest;
    this.epoch = row.epoch;
    this.goalsAtLock = goalCount(this.holder.state);
    return this.known !== row.epoch;
  }

  /** The owned communities were (re)loaded inside the locked transaction: they are as of its epoch. */
  loaded(): void {
    this.known = this.epoch;
  }

  /**
   * Before loading rows outside a transaction (slots gained): the epoch they are at least as new
   * as. A later epoch seen by a transaction reloads them.
   */
  async beforeLoad(sql: Sql): Promise<void> {
    if (this.known === undefined) this.known = (await networkEpoch(sql, CLUSTER_NETWORK)) ?? 0;
  }

  /** Nothing loaded is trusted any more (the session was lost). */
  forget(): void {
    this.known = undefined;
  }

  /**
   * After the runtimes ran: did an event reach a network goal whose actions must run in groups
   * these runtimes do not hold? Then the transaction must run again on one runtime holding them.
   */
  spreads(): boolean {
    return goalCount(this.holder.state) > this.goalsAtLock && this.holder.state.groups.length > 1;
  }

  /**
   * Take the network's entry out of the commit (the runtimes write it as meta for a single store)
   * and write the row when it changed; `wide`: the commit wrote other owners' communities.
   */
  async save(sql: Sql, commit: Commit, wide: boolean): Promise<void> {
    let changed = this.migrated || wide;
    if (commit.meta && NETWORK_META in commit.meta) {
      const { [NETWORK_META]: _network, ...rest } = commit.meta;
      commit.meta = rest;
      changed = true;
    }
    if (!changed) return;
    const epoch = await saveNetwork(sql, CLUSTER_NETWORK, { state: JSON.stringify(this.holder.state), version: this.version }, wide);
    // Known only once committed (`committed`); this process's own runtimes are reloaded after a wide commit.
    this.epoch = epoch;
  }

  /** After COMMIT of a wide transaction: the epoch the reloaded communities will be at least as new as. */
  committedWide(): void {
    this.known = this.epoch;
  }
}

function goalCount(state: NetworkState): number {
  let n = 0;
  for (const k of Object.keys(state.goals)) n += state.goals[k]!.length;
  return n;
}

import type { IR } from '../ir/schema.js';
import { copyDicts, dict, type Dict } from '../stdlib/dict.js';
import type { CounterSlot } from './state.js';

/**
 * What the communities of one runtime share: the network of groups (docs/language.md, "Networks
 * of groups"). Every community the playbook runs is in it. JSON data only, like community state.
 */
export interface NetworkState {
  /** Counter id -> its slot: counts `across groups`, and the counts of goals `across all groups`. */
  counters: Dict<CounterSlot>;
  /** Campaign -> the goals reached for the whole network, each once. */
  goals: Dict<string[]>;
  /** The communities seen so far, in the order they were first seen: where a network goal's actions run. */
  groups: string[];
}

export function emptyNetwork(): NetworkState {
  return { counters: dict(), goals: dict(), groups: [] };
}

/** Does the playbook share anything between communities? Only then is a network kept and snapshotted. */
export function usesNetwork(ir: IR): boolean {
  return ir.campaigns.some((c) => c.network === true) || ir.counters.some((c) => c.scope === 'network');
}

/**
 * The holder of the shared state, handed to the runtime (`RuntimeOptions.network`) so that a host
 * can keep the state where it keeps the rest: `DurableRuntime` writes `state` in the same commit
 * as the communities when `changed` is set, and a host whose processes share it (cluster mode)
 * would `load` it, locked, before a batch and write it back in that batch's transaction.
 * The runtime reads `state` anew at every use, so `load` may replace it between two events.
 */
export class Network {
  state: NetworkState = emptyNetwork();
  /** Set when the runtime changed `state`; the host clears it once it has saved it. */
  changed = false;

  /** Replace the state by a copy of `json` (a snapshot's `network`); its tables become dicts. */
  load(json: NetworkState | undefined): void {
    this.state = json ? networkFromJSON(json) : emptyNetwork();
    this.changed = false;
  }

  /** A deep copy as plain JSON. */
  toJSON(): NetworkState {
    return networkFromJSON(this.state);
  }

  /** Note a community: the first time it is seen it joins the list of groups. */
  see(community: string): void {
    if (this.state.groups.includes(community)) return;
    this.state.groups.push(community);
    this.changed = true;
  }
}

function networkFromJSON(json: Partial<NetworkState>): NetworkState {
  return { counters: copyDicts(json.counters ?? dict()), goals: copyDicts(json.goals ?? dict()), groups: [...(json.groups ?? [])] };
}

import type { CommunityState } from './state.js';

/**
 * Where the runtime keeps each community's state between events: in memory by default; the
 * durable stores (src/store/) keep their own copy and write the changes `takeChanges()` reports.
 */
export interface Store {
  get(community: string): CommunityState | undefined;
  put(state: CommunityState): void;
  communities(): string[];
}

export class MemoryStore implements Store {
  private readonly map = new Map<string, CommunityState>();
  get(id: string) {
    return this.map.get(id);
  }
  put(state: CommunityState) {
    this.map.set(state.id, state);
  }
  communities() {
    return [...this.map.keys()];
  }
}

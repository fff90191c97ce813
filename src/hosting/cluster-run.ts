import type { DurableRuntime } from '../store/durable.js';
import type { InboxOutcome, InboxRow } from '../store/postgres.js';
import { asCommunity } from './cluster-quarantine.js';

/**
 * Run a community's inbox rows on a runtime (src/hosting/cluster-owner.ts): runs of events as one
 * batch, each advance alone and for that community only (a runtime may hold other groups of a
 * network, docs/scaling.md). `inboxOf` gets, for each action, the row that logged it. Whatever
 * running them throws comes out as a CommunityFailure naming the community (cluster-quarantine.ts).
 */
export function runInbox(durable: DurableRuntime, community: string, rows: readonly InboxRow[], outcomes: InboxOutcome[], inboxOf: (number | null)[]): void {
  asCommunity(community, () => {
    runRows(durable, community, rows, outcomes, inboxOf);
  });
}

function runRows(durable: DurableRuntime, community: string, rows: readonly InboxRow[], outcomes: InboxOutcome[], inboxOf: (number | null)[]): void {
  for (let i = 0; i < rows.length;) {
    const row = rows[i]!;
    if (row.kind === 'advance') {
      const r = durable.advance(Number(row.body), community);
      for (let k = 0; k < r.actions.length; k++) inboxOf.push(row.id);
      outcomes.push({ id: row.id, status: 'processed', late: false });
      i++;
      continue;
    }
    let j = i;
    while (j < rows.length && rows[j]!.kind === 'event') j++;
    const events = rows.slice(i, j);
    const r = durable.dispatchBatch(events.map((e) => JSON.parse(e.body) as unknown));
    r.results.forEach((res, k) => {
      outcomes.push({ id: events[k]!.id, status: res.status, late: res.late });
      for (let n = 0; n < res.actions.length; n++) inboxOf.push(events[k]!.id);
    });
    i = j;
  }
}

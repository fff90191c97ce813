import type { BatchResult, DurableRuntime } from '../store/durable.js';
import { StorageError } from '../store/durable.js';
import { MAX_EVENTS_BODY_BYTES, MAX_GROUP_COMMIT_EVENTS } from '../limits.js';

/** How `POST /events` requests are committed (docs/serve.md, "Group commit"). */
export type CommitMode = 'group' | 'each';

export interface Committed {
  result: BatchResult;
  /** The log's last sequence number right after this request's actions. */
  lastSeq: number;
}

interface Waiting {
  events: readonly unknown[];
  bytes: number;
  resolve: (c: Committed) => void;
  reject: (e: unknown) => void;
}

/** What `GET /health` shows: requests committed and the transactions that held them. */
export interface CommitStats {
  mode: CommitMode;
  requests: number;
  transactions: number;
}

/**
 * Group commit for `playbook serve` on SQLite. With `--sync full` each commit waits for the disk.
 * Instead of committing each request as soon as it is read, a request joins a queue, and one
 * drain per turn of the event loop (setImmediate runs after every socket that had data was read)
 * dispatches all queued requests in arrival order and commits them in one transaction. That
 * commit does not wait for the disk on the main thread: it is written with synchronous=NORMAL and
 * its WAL file flushed in the thread pool (DurableStore.commitDeferred, src/store/wal-flush.ts),
 * so the process reads and processes the next requests meanwhile. Each reply waits for the flush
 * that covers its commit, and readers of the log see its actions only then, so a reply still
 * means its events are durable and nothing a crash could take back is ever shown; the flush is
 * exactly as strong as FULL's, there are only fewer of them, and they no longer stop the process.
 *
 * A group behaves like its requests committed one after another: each gets its own results,
 * actions and last sequence number. If the group fails (a request whose processing throws, a
 * failed commit), nothing of it was applied (DurableRuntime rebuilds its state from the store),
 * and its requests are committed again one by one, so each gets the reply it would have got alone
 * and one bad request does not cost the others theirs.
 */
export class GroupCommitter {
  private queue: Waiting[] = [];
  private scheduled = false;
  private closed = false;
  private readonly stats: CommitStats;

  constructor(
    private readonly durable: DurableRuntime,
    readonly mode: CommitMode,
    /** Called after every commit with what it committed, in order (queue for the stream, re-arm timers). */
    private readonly committed: (results: readonly BatchResult[]) => void,
    private readonly limits: { maxEvents: number; maxBytes: number } = { maxEvents: MAX_GROUP_COMMIT_EVENTS, maxBytes: MAX_EVENTS_BODY_BYTES },
    /** Called when a flush has made commits durable (readers may see them now), before their replies. */
    private readonly flushed: () => void = () => {},
  ) {
    this.stats = { mode, requests: 0, transactions: 0 };
  }

  get counts(): CommitStats {
    return { ...this.stats };
  }

  /** Commit one request's events; resolves once they are durable. */
  async submit(events: readonly unknown[], bytes: number): Promise<Committed> {
    if (this.closed) throw new StorageError('the server is stopping');
    // The path before group commit: one transaction per request, right away.
    if (this.mode === 'each') return this.commitAlone(events);
    return new Promise((resolve, reject) => {
      this.queue.push({ events, bytes, resolve, reject });
      this.schedule();
    });
  }

  /** Drain on the next turn of the event loop (the flushes of earlier groups may still run: they do not wait for each other). */
  private schedule(): void {
    if (this.scheduled || this.queue.length === 0) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.drain();
    });
  }

  /**
   * Commit everything queued now, before work that must come after it in arrival order (an
   * advance, a reload, a timer firing, stopping).
   */
  flush(): void {
    while (this.queue.length > 0) this.drain();
  }

  /** Commit what is queued, then refuse new requests (503). */
  close(): void {
    this.flush();
    this.closed = true;
  }

  /** One group: the queued requests in arrival order, up to the limits (at least one). */
  private drain(): void {
    if (this.queue.length === 0) return;
    let events = 0;
    let bytes = 0;
    let n = 0;
    for (const w of this.queue) {
      if (n > 0 && (events + w.events.length > this.limits.maxEvents || bytes + w.bytes > this.limits.maxBytes)) break;
      events += w.events.length;
      bytes += w.bytes;
      n++;
    }
    const group = this.queue.splice(0, n);
    // Over the limits: the rest is the next group, after the event loop has had a turn.
    this.schedule();
    if (this.closed) {
      for (const w of group) w.reject(new StorageError('the server is stopping'));
      return;
    }
    let out: Committed[];
    try {
      out = this.durable.dispatchGroup(
        group.map((w) => w.events),
        true,
      );
    } catch (e) {
      if (group.length === 1) {
        group[0]!.reject(e);
        return;
      }
      // Nothing of the group was applied: commit each alone, so only the request at fault fails.
      for (const w of group) {
        try {
          w.resolve(this.commitAlone(w.events));
        } catch (e) {
          w.reject(e);
        }
      }
      return;
    }
    this.count(group.length);
    this.committed(out.map((c) => c.result));
    // A failed flush fails every request it covers (UnconfirmedError): they may or may not be on disk.
    this.durable.synced().then(
      () => {
        this.flushed();
        for (let i = 0; i < group.length; i++) group[i]!.resolve(out[i]!);
      },
      (e: unknown) => {
        for (const w of group) w.reject(e);
      },
    );
  }

  private commitAlone(events: readonly unknown[]): Committed {
    const [one] = this.durable.dispatchGroup([events]);
    this.count(1);
    this.committed([one!.result]);
    return one!;
  }

  private count(requests: number): void {
    this.stats.requests += requests;
    this.stats.transactions++;
  }
}

/** The `Playbook-Events` reply header: what happened to a request's events. */
export function eventsHeader(results: BatchResult['results']): string {
  const counts = { processed: 0, duplicate: 0, stale: 0, ignored: 0, late: 0 };
  for (const r of results) {
    if (r.status === 'processed') counts.processed++;
    else if (r.status === 'duplicate') counts.duplicate++;
    else if (r.status === 'stale') counts.stale++;
    else if (r.status === 'ignored') counts.ignored++;
    if (r.late) counts.late++;
  }
  return `processed=${counts.processed}; duplicate=${counts.duplicate}; ignored=${counts.ignored}; late=${counts.late}${counts.stale ? `; stale=${counts.stale}` : ''}`;
}

import type { ServerResponse } from 'node:http';
import type pg from 'pg';
import { validateEvent } from '../runtime/events.js';
import { parseInstant } from '../stdlib/instants.js';
import { MAX_EVENT_LINE_BYTES } from '../limits.js';
import { INBOX_CHANNEL, type ClusterOwner } from '../hosting/cluster-owner.js';
import type { ClusterVersions } from '../hosting/cluster-versions.js';
import * as store from '../store/postgres.js';
import { DEFAULT_MAX_SKEW_MS, type ClockMode } from './server.js';
import { HttpError, sendJson, sendLines } from './http.js';
import { parseEvents } from './events-body.js';
import type { ClusterWaiters } from './cluster-waiters.js';
import { newestIr } from './cluster-reload.js';

/** A request read after the stop began (docs/serve.md, "Signals"). */
export function stoppingError(): HttpError {
  return new HttpError(503, 'the server is stopping: nothing of this request was stored; send it again (to another process)', {}, { 'retry-after': '1' });
}

/**
 * POST /events and POST /advance of a cluster process (docs/scaling.md, "Ingest"): commit the
 * work to the inbox, tell the owners, and reply with its actions once processed.
 */
export class ClusterIngest {
  constructor(
    private readonly o: {
      options: { clock: ClockMode; maxSkewMs?: number; replyWaitMs?: number };
      pool: pg.Pool;
      versions: ClusterVersions;
      owner: ClusterOwner;
      waiters: ClusterWaiters;
      /** Read through a call: the stop may begin while a request awaits. */
      stopping: () => boolean;
    },
  ) {}

  async events(body: Buffer, res: ServerResponse): Promise<void> {
    const { ir } = await newestIr(this.o.pool, this.o.versions);
    const ahead =
      this.o.options.clock === 'wall' ? { now: Date.now(), maxSkewMs: this.o.options.maxSkewMs ?? DEFAULT_MAX_SKEW_MS, zone: ir.timezone } : undefined;
    const events = parseEvents(body, ir, MAX_EVENT_LINE_BYTES, ahead);
    const entries: store.InboxEntry[] = [];
    let ignored = 0;
    for (const raw of events) {
      const v = validateEvent(raw, ir.events);
      // Unknown types move no clock (src/runtime/runtime.ts): nothing for an owner to do.
      if (!v.ok || !v.known) ignored++;
      else entries.push({ community: v.event.community, kind: 'event', body: JSON.stringify(raw) });
    }
    await this.submit(entries, res, ignored);
  }

  async advance(url: URL, res: ServerResponse): Promise<void> {
    const to = url.searchParams.get('to');
    let ms: number;
    if (to === null) {
      if (this.o.options.clock === 'events') throw new HttpError(400, 'POST /advance needs ?to=ISO (an instant like 2026-03-04T00:00:00+08:00)');
      ms = Date.now();
    } else {
      ms = parseInstant(to);
      if (!Number.isFinite(ms)) throw new HttpError(400, `?to must be an ISO-8601 instant like 2026-03-04T00:00:00+08:00, not ${JSON.stringify(to)}`);
      if (this.o.options.clock === 'wall' && ms > Date.now()) throw new HttpError(409, 'this server runs on the wall clock: it cannot advance into the future');
    }
    const communities = await store.knownCommunities(this.o.pool);
    await this.submit(
      communities.map((community) => ({ community, kind: 'advance' as const, body: String(ms) })),
      res,
      0,
    );
  }

  /** Commit work to the inbox, tell the owners, and reply with its actions once processed (202 if that takes too long). */
  private async submit(entries: store.InboxEntry[], res: ServerResponse, ignored: number): Promise<void> {
    // A body whose reading ended after the stop began: refused before anything is stored.
    if (this.o.stopping()) throw stoppingError();
    const ids = await store.accept(this.o.pool, entries);
    const communities = [...new Set(entries.map((e) => e.community))];
    for (const c of communities) this.o.owner.markDirty(c);
    if (communities.length > 0) {
      // After the commit above: a lost NOTIFY only delays the work until the owner's next poll.
      await this.o.pool.query('SELECT pg_notify($1, c) FROM unnest($2::text[]) AS c', [INBOX_CHANNEL, communities]).catch(() => undefined);
    }
    const result = await this.o.waiters.wait(ids, communities, this.o.options.replyWaitMs ?? 10_000);
    if (!result) {
      const inbox = { 'playbook-inbox': ids.length ? `${ids[0]}-${ids[ids.length - 1]}` : '' };
      if (this.o.stopping()) {
        throw new HttpError(
          503,
          'the server is stopping before the owner processed these events: they are stored and will be processed once (their actions appear in GET /actions); sending the request again is safe (its events count as duplicates)',
          { accepted: ids.length, pending: true },
          { ...inbox, 'retry-after': '1' },
        );
      }
      sendJson(res, 202, { accepted: ids.length, pending: true }, inbox);
      return;
    }
    const counts = { processed: 0, duplicate: 0, stale: 0, ignored, late: 0 };
    for (const o of result.outcomes) {
      if (o.status === 'processed') counts.processed++;
      else if (o.status === 'duplicate') counts.duplicate++;
      else if (o.status === 'stale') counts.stale++;
      else counts.ignored++;
      if (o.late) counts.late++;
    }
    sendLines(
      res,
      result.actions.map((a) => a.json),
      {
        'playbook-events': `processed=${counts.processed}; duplicate=${counts.duplicate}; ignored=${counts.ignored}; late=${counts.late}${counts.stale ? `; stale=${counts.stale}` : ''}`,
        'playbook-last-seq': String(result.actions.reduce((m, a) => Math.max(m, a.seq), 0) || (await store.lastSeq(this.o.pool))),
      },
    );
  }
}

import type { ServerResponse } from 'node:http';
import type { LoggedAction } from '../store/store.js';

/** A listener that falls this far behind is switched to catching up from the action log. */
export const MAX_BUFFERED_BYTES = 1 << 20;
const PAGE = 500;
const KEEPALIVE_MS = 15_000;

interface Listener {
  res: ServerResponse;
  community: string | undefined;
  /** Sequence number of the last action written to this listener. */
  cursor: number;
  /** Live: written to as actions are committed. Otherwise it reads the log until caught up. */
  live: boolean;
}

/**
 * Server-Sent Events for bots that listen: every committed action, in log order, as
 * `id: <seq>` / `event: action` / `data: <action JSON>`. A listener starts after `?after=N` (or
 * the `Last-Event-ID` a reconnecting EventSource sends) and first reads the log from there; a
 * slow listener is never buffered without bound: past MAX_BUFFERED_BYTES it stops receiving live
 * actions and reads them from the log again once its socket drains, so none is skipped.
 */
export class ActionStream {
  private readonly listeners = new Set<Listener>();
  private readonly keepalive: NodeJS.Timeout;

  constructor(
    private readonly readLog: (after: number, limit: number, community?: string) => LoggedAction[],
    private readonly lastSeq: () => number,
  ) {
    this.keepalive = setInterval(() => {
      for (const l of this.listeners) l.res.write(': keepalive\n\n');
    }, KEEPALIVE_MS);
    this.keepalive.unref();
  }

  get size(): number {
    return this.listeners.size;
  }

  open(res: ServerResponse, after: number, community: string | undefined): void {
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    res.write(': playbook action stream\n\n');
    const listener: Listener = { res, community, cursor: after, live: false };
    this.listeners.add(listener);
    res.on('close', () => this.listeners.delete(listener));
    res.on('drain', () => {
      if (!listener.live) this.catchUp(listener);
    });
    this.catchUp(listener);
  }

  /** Write log pages until the listener is at the end of the log or its socket is full. */
  private catchUp(l: Listener): void {
    while (!l.res.destroyed) {
      const page = this.readLog(l.cursor, PAGE, l.community);
      for (const a of page) this.write(l, a);
      // A filtered page may end before the log does: skip the listener past what was read.
      if (page.length < PAGE) l.cursor = Math.max(l.cursor, this.lastSeq());
      if (page.length < PAGE) {
        l.live = true;
        return;
      }
      if (l.res.writableLength > MAX_BUFFERED_BYTES) return; // continue on 'drain'
    }
  }

  /** Called after each commit with the actions it logged. */
  publish(actions: LoggedAction[]): void {
    if (actions.length === 0) return;
    for (const l of this.listeners) {
      if (!l.live) continue;
      for (const a of actions) {
        if (a.seq <= l.cursor) continue;
        if (l.community === undefined || a.community === l.community) this.write(l, a);
        else l.cursor = a.seq;
      }
      if (l.res.writableLength > MAX_BUFFERED_BYTES) l.live = false;
    }
  }

  private write(l: Listener, a: LoggedAction): void {
    l.res.write(`id: ${a.seq}\nevent: action\ndata: ${a.json}\n\n`);
    l.cursor = a.seq;
  }

  close(): void {
    clearInterval(this.keepalive);
    for (const l of this.listeners) l.res.end();
    this.listeners.clear();
  }
}

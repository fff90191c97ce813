import type { ServerResponse } from 'node:http';
import type { LoggedAction } from '../store/store.js';
import { MAX_BUFFERED_BYTES } from './sse.js';

const PAGE = 500;
const KEEPALIVE_MS = 15_000;
/** Listeners read the log this often even without news, in case a NOTIFY was missed. */
const POLL_MS = 1000;

interface Listener {
  res: ServerResponse;
  community: string | undefined;
  cursor: number;
  busy: boolean;
  again: boolean;
}

/**
 * The Server-Sent Events of cluster mode: the same stream as src/server/sse.ts (`id: <seq>`,
 * `event: action`, `data: <json>`), read from the shared action log by sequence number whenever
 * any process commits (its NOTIFY), so a listener on any process sees every action in log
 * order. Reading is asynchronous, so each listener has one read in flight at a time.
 */
export class ClusterStream {
  private readonly listeners = new Set<Listener>();
  private readonly timers: NodeJS.Timeout[];

  constructor(
    private readonly readLog: (after: number, limit: number, community?: string) => Promise<LoggedAction[]>,
    private readonly lastSeq: () => Promise<number>,
    private readonly onError: (e: unknown) => void,
  ) {
    const keepalive = setInterval(() => {
      for (const l of this.listeners) l.res.write(': keepalive\n\n');
    }, KEEPALIVE_MS);
    const poll = setInterval(() => {
      this.wake();
    }, POLL_MS);
    keepalive.unref();
    poll.unref();
    this.timers = [keepalive, poll];
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
    const l: Listener = { res, community, cursor: after, busy: false, again: false };
    this.listeners.add(l);
    res.on('close', () => this.listeners.delete(l));
    res.on('drain', () => void this.pump(l));
    void this.pump(l);
  }

  /** Something was committed: every listener reads on from its cursor. */
  wake(): void {
    for (const l of this.listeners) void this.pump(l);
  }

  private async pump(l: Listener): Promise<void> {
    if (l.busy) {
      l.again = true;
      return;
    }
    l.busy = true;
    try {
      do {
        l.again = false;
        while (!l.res.destroyed && l.res.writableLength <= MAX_BUFFERED_BYTES) {
          // The head first: every action up to it is visible to the page read after it.
          const head = await this.lastSeq();
          const page = await this.readLog(l.cursor, PAGE, l.community);
          for (const a of page) {
            l.res.write(`id: ${a.seq}\nevent: action\ndata: ${a.json}\n\n`);
            l.cursor = a.seq;
          }
          if (page.length < PAGE) {
            // A filtered page may end before the log does: skip the listener past what was read.
            l.cursor = Math.max(l.cursor, head);
            break;
          }
        }
      } while (this.readAgain(l));
    } catch (e) {
      this.onError(e);
    } finally {
      l.busy = false;
    }
  }

  /** Read through a call: `pump` may set it while this one awaits. */
  private readAgain(l: Listener): boolean {
    return l.again && !l.res.destroyed;
  }

  close(): void {
    for (const t of this.timers) clearInterval(t);
    for (const l of this.listeners) l.res.end();
    this.listeners.clear();
  }
}

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { isoDuration } from '../stdlib/durations.js';
import type { WebhookDispatcher } from '../hosting/webhooks.js';
import { reloadEndpoints, webhooksFor, webhooksRoute } from './webhooks-route.js';
import { parseInstant } from '../stdlib/instants.js';
import type { AddressInfo } from 'node:net';
import type { IR } from '../ir/schema.js';
import { DurableRuntime, type BatchResult } from '../store/durable.js';
import { errorReply } from './error-replies.js';
import type { DurableStore } from '../store/store.js';
import { TimerLoop, realTimerHost, type TimerHost } from '../hosting/clock.js';
import { bearerMatches, bearerTokenProblem, escapeControls, HttpError, readBody, sendError, sendJson, sendLines, utf8, whenSent } from './http.js';
import { checkPosition, intParam, withSeq } from './log-reading.js';
import { MAX_EVENT_LINE_BYTES, MAX_EVENTS_BODY_BYTES, MAX_PLAYBOOK_BYTES } from '../limits.js';
import { adoptStoredVersion, reloadDurable, reloadSummary, type ReloadNote, type ReloadOutcome } from '../hosting/reload.js';
import { messageOf } from '../stdlib/errors.js';

export type { ReloadOutcome } from '../hosting/reload.js';
import { ActionStream } from './sse.js';
import { ReleaseQueue } from './release.js';
import { parseEvents } from './events-body.js';
import { eventsHeader, GroupCommitter, type CommitMode } from './group-commit.js';

export type ClockMode = 'wall' | 'events';

export const DEFAULT_MAX_BODY_BYTES = MAX_EVENTS_BODY_BYTES;
const DEFAULT_PAGE = 1000;
const MAX_PAGE = 10_000;

/** How long a stopping server waits for the replies of the requests it committed (docs/serve.md, "Signals"). */
export const STOP_GRACE_MS = 5_000;

/** How far ahead of the wall clock an event may be stamped: platform clocks drift by seconds, not minutes. */
export const DEFAULT_MAX_SKEW_MS = 5 * 60_000;

export interface PlaybookServerOptions {
  /** The playbook's file name, for diagnostics. */
  file: string;
  source: string;
  ir: IR;
  store: DurableStore;
  clock: ClockMode;
  /** When set, every request needs `Authorization: Bearer <token>`. */
  token?: string | undefined;
  /** Limit of a POST /events body (default MAX_EVENTS_BODY_BYTES); POST /playbook also stays within MAX_PLAYBOOK_BYTES. */
  maxBodyBytes?: number;
  seed?: number;
  /**
   * With the wall clock: refuse events stamped more than this many milliseconds after the
   * server's own time (default DEFAULT_MAX_SKEW_MS), so one event dated years ahead cannot move
   * a community's clock and fire every pending deadline (docs/serve.md, "Clocks").
   */
  maxSkewMs?: number;
  /** Operator log lines (stderr in the CLI). */
  log?: (line: string) => void;
  timerHost?: TimerHost;
  /** `group` (default): concurrent POST /events share one commit; `each`: one commit per request (docs/serve.md, "Group commit"). */
  commit?: CommitMode;
}

/**
 * `playbook serve`: the HTTP surface of docs/serve.md over a durable runtime. Requests
 * are handled one at a time (the runtime and SQLite are synchronous; only reading bodies
 * overlaps; POST /events requests read together are committed together, group-commit.ts),
 * every response is sent after its commit, and no input ends the process.
 */
export class PlaybookServer {
  readonly http: Server;
  readonly durable: DurableRuntime;
  private readonly options: PlaybookServerOptions;
  private readonly stream: ActionStream;
  private readonly commits: GroupCommitter;
  /** Committed actions on their way to the stream and the webhooks, once on disk (release.ts). */
  private readonly released: ReleaseQueue;
  /** Replies not yet sent: a stop answers each (a body read after it began: 503), within STOP_GRACE_MS. */
  private readonly replying = new Set<Promise<void>>();
  private readonly loop: TimerLoop | undefined;
  private readonly log: (line: string) => void;
  private readonly maxBody: number;
  private readonly host: TimerHost;
  private file: string;
  private source: string;
  /** Delivers the outbox's webhook calls (docs/serve.md, "Webhooks"); none when the store keeps no outbox. */
  readonly webhooks: WebhookDispatcher | undefined;
  /** Notes of the migration done at start, when the stored state came from another version. */
  readonly startNotes: { dropped: ReloadNote[]; changed: ReloadNote[] } | undefined;

  constructor(options: PlaybookServerOptions) {
    this.options = options;
    if (options.token !== undefined) {
      const problem = bearerTokenProblem(options.token);
      if (problem) throw new Error(`the token ${problem}`);
    }
    // One line per log entry, whatever a request put in it (docs/serve.md#security).
    const log = options.log ?? (() => {});
    this.log = (line) => {
      log(escapeControls(line));
    };
    this.maxBody = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
    this.host = options.timerHost ?? realTimerHost;
    if (options.maxSkewMs !== undefined && !(options.maxSkewMs > 0))
      throw new RangeError(`maxSkewMs must be a positive number of milliseconds, not ${String(options.maxSkewMs)}`);
    this.file = options.file;
    this.source = options.source;
    // First: an endpoint whose URL cannot be resolved refuses the start (EndpointError).
    this.webhooks = webhooksFor(options.store.outbox, options.ir, this.log);
    this.durable = new DurableRuntime(options.ir, options.store, { seed: options.seed });
    this.startNotes = adoptStoredVersion(this.durable, { ir: options.ir, source: this.source, file: this.file });
    this.stream = new ActionStream(
      (after, limit, community) => this.durable.store.actionsAfter(after, limit, community),
      () => this.durable.lastSeq(),
    );
    this.released = new ReleaseQueue(
      () => this.durable.lastSeq(),
      (ready) => {
        this.stream.publish(ready);
        // Only webhook calls add outbox rows (src/store/outbox.ts); the dispatcher also polls on its own.
        if (this.webhooks && ready.some((a) => a.json.includes('"webhook.call"'))) this.webhooks.wake();
      },
    );
    this.commits = new GroupCommitter(
      this.durable,
      options.commit ?? 'group',
      (results) => {
        for (const r of results) this.released.push(r.logged);
        this.loop?.arm();
      },
      undefined,
      () => {
        this.released.release();
      },
    );
    if (options.clock === 'wall') {
      this.loop = new TimerLoop(
        () => this.durable.nextDue(),
        (now) => {
          this.commits.flush();
          this.released.push(this.durable.advance(now).logged);
        },
        (e) => {
          this.log(`timer loop: ${messageOf(e)}; retrying`);
        },
        this.host,
      );
    }
    this.http = createServer((req, res) => void this.handle(req, res));
    this.http.on('clientError', (_err, socket) => {
      if (socket.writable)
        socket.end('HTTP/1.1 400 Bad Request\r\ncontent-type: application/json\r\nconnection: close\r\n\r\n{"error":"malformed HTTP request"}\n');
      else socket.destroy();
    });
    this.http.requestTimeout = 60_000;
    this.http.headersTimeout = 30_000;
  }

  listen(port: number, host: string): Promise<AddressInfo> {
    return new Promise((resolve, reject) => {
      const onError = (e: Error) => {
        reject(e);
      };
      this.http.once('error', onError);
      this.http.listen(port, host, () => {
        this.http.off('error', onError);
        this.loop?.arm();
        this.webhooks?.start();
        resolve(this.http.address() as AddressInfo);
      });
    });
  }

  async close(): Promise<void> {
    this.loop?.stop();
    await this.webhooks?.stop();
    this.stream.close();
    const closed = new Promise<void>((resolve) => {
      this.http.close(() => {
        resolve();
      });
    });
    // What the committer holds is committed and answered before the connections close, so an
    // event applied is an event answered; a body read after this is refused (503) and one cut
    // at the grace was not applied: its client sends it again (docs/serve.md, "Signals").
    this.commits.close();
    // Bounded: a client that stops reading must not hold the stop forever.
    await Promise.race([Promise.all(this.replying), new Promise((resolve) => setTimeout(resolve, STOP_GRACE_MS).unref())]);
    this.http.closeAllConnections();
    await closed;
    this.durable.close();
  }

  // ------------------------------------------------------------------ requests

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const sent = whenSent(res);
    this.replying.add(sent);
    void sent.then(() => this.replying.delete(sent));
    try {
      await this.route(req, res);
    } catch (e) {
      const { error, log } = errorReply(e, `${req.method} ${JSON.stringify(req.url)}`);
      if (log !== undefined) this.log(log);
      sendError(res, error);
    }
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://localhost');
    } catch {
      throw new HttpError(400, 'malformed request URL');
    }
    const token = this.options.token;
    if (token !== undefined && !bearerMatches(req.headers.authorization, token)) {
      req.resume();
      throw new HttpError(401, 'missing or wrong bearer token', {}, { 'www-authenticate': 'Bearer' });
    }
    const route = url.pathname;
    const method = req.method ?? 'GET';
    const allow = (methods: string) => {
      if (!methods.split(', ').includes(method)) {
        req.resume();
        throw new HttpError(405, `${route} takes ${methods}`, {}, { allow: methods });
      }
    };
    switch (route) {
      case '/health':
        allow('GET');
        return this.health(res);
      case '/webhooks':
        allow('GET');
        return webhooksRoute(url, this.durable.store.outbox, res);
      case '/events':
        allow('POST');
        return this.events(await readBody(req, this.maxBody), res);
      case '/advance':
        allow('POST');
        req.resume();
        this.advance(url, res);
        return;
      case '/actions':
        allow('GET');
        this.actions(url, res);
        return;
      case '/actions/stream':
        allow('GET');
        this.openStream(url, req, res);
        return;
      case '/playbook':
        allow('POST');
        this.reloadRoute(url, utf8(await readBody(req, Math.min(this.maxBody, MAX_PLAYBOOK_BYTES))), res);
        return;
      default:
        req.resume();
        throw new HttpError(
          404,
          `no route ${route}; routes: POST /events, POST /advance, GET /actions, GET /actions/stream, POST /playbook, GET /health, GET /webhooks`,
        );
    }
  }

  private async health(res: ServerResponse): Promise<void> {
    const next = this.durable.nextDue();
    const webhooks = await this.durable.store.outbox?.counts();
    sendJson(res, 200, {
      status: 'ok',
      playbook: this.durable.ir.name,
      clock: this.options.clock,
      store: this.durable.store.kind,
      communities: this.durable.communityIds().length,
      lastSeq: this.durable.lastSeq(),
      nextDue: next === undefined ? null : new Date(next).toISOString(),
      listeners: this.stream.size,
      commits: this.commits.counts,
      ...(webhooks ? { webhooks } : {}),
    });
  }

  private async events(body: Buffer, res: ServerResponse): Promise<void> {
    const ahead =
      this.options.clock === 'wall'
        ? { now: this.host.now(), maxSkewMs: this.options.maxSkewMs ?? DEFAULT_MAX_SKEW_MS, zone: this.durable.ir.timezone }
        : undefined;
    let events: unknown[];
    try {
      events = parseEvents(body, this.durable.ir, MAX_EVENT_LINE_BYTES, ahead);
    } catch (e) {
      const refused = e instanceof HttpError ? (e.extra['aheadOfClock'] as number | undefined) : undefined;
      if (refused) this.log(`refused a request with ${refused} event(s) stamped more than ${isoDuration(ahead!.maxSkewMs)} after the server's clock`);
      throw e;
    }
    const { result, lastSeq } = await this.commits.submit(events, body.length);
    sendLines(
      res,
      result.logged.map((a) => a.json),
      { 'playbook-events': eventsHeader(result.results), 'playbook-last-seq': String(lastSeq) },
    );
  }

  private advance(url: URL, res: ServerResponse): void {
    const to = url.searchParams.get('to');
    let ms: number;
    if (to === null) {
      if (this.options.clock === 'events') throw new HttpError(400, 'POST /advance needs ?to=ISO (an instant like 2026-03-04T00:00:00+08:00)');
      ms = this.host.now();
    } else {
      ms = parseInstant(to);
      if (!Number.isFinite(ms)) throw new HttpError(400, `?to must be an ISO-8601 instant like 2026-03-04T00:00:00+08:00, not ${JSON.stringify(to)}`);
      if (this.options.clock === 'wall' && ms > this.host.now()) {
        throw new HttpError(409, 'this server runs on the wall clock: it cannot advance into the future (start it with --clock events to drive time)');
      }
    }
    this.commits.flush();
    const result: BatchResult = this.durable.advance(ms);
    this.released.push(result.logged);
    this.loop?.arm();
    sendLines(
      res,
      result.logged.map((a) => a.json),
      { 'playbook-last-seq': String(this.durable.lastSeq()) },
    );
  }

  private actions(url: URL, res: ServerResponse): void {
    const after = intParam(url, 'after', 0, 0, Number.MAX_SAFE_INTEGER);
    this.checkPosition(after, '?after');
    const limit = intParam(url, 'limit', DEFAULT_PAGE, 1, MAX_PAGE);
    const community = url.searchParams.get('community') ?? undefined;
    const rows = this.durable.store.actionsAfter(after, limit, community);
    sendLines(res, rows.map(withSeq), { 'playbook-last-seq': String(this.durable.lastSeq()) });
  }

  private openStream(url: URL, req: IncomingMessage, res: ServerResponse): void {
    const lastEventId = req.headers['last-event-id'];
    let after = intParam(url, 'after', 0, 0, Number.MAX_SAFE_INTEGER);
    let from = '?after';
    if (typeof lastEventId === 'string' && lastEventId.trim() !== '') {
      const id = lastEventId.trim();
      if (!/^\d+$/.test(id))
        throw new HttpError(400, `Last-Event-ID must be a sequence number of this server's action log, not ${JSON.stringify(id.slice(0, 40))}`);
      after = Number(id);
      from = 'Last-Event-ID';
    }
    this.checkPosition(after, from);
    this.stream.open(res, after, url.searchParams.get('community') ?? undefined);
  }

  /**
   * A reader's position past the end of the log means it was reading another log (the database
   * was replaced, restored from an older backup, or `:memory:` restarted). Serving it from there
   * would silently skip every action up to its old position, and serving it from the start could
   * repeat actions it carried out; only the reader can tell which, so it is told (409, which
   * also makes an EventSource stop reconnecting instead of skipping). See docs/serve.md.
   */
  private checkPosition(after: number, from: string): void {
    checkPosition(after, from, this.durable.lastSeq());
  }

  private reloadRoute(url: URL, source: string, res: ServerResponse): void {
    const file = url.searchParams.get('file') ?? this.file;
    const outcome = this.reload(source, file);
    if (!outcome.ok) {
      throw new HttpError(400, 'the new playbook has errors; the running version is unchanged', {
        diagnostics: outcome.diagnostics,
        ...(outcome.moreDiagnostics ? { moreDiagnostics: outcome.moreDiagnostics } : {}),
      });
    }
    sendJson(res, 200, { reloaded: true, playbook: outcome.playbook, dropped: outcome.dropped, changed: outcome.changed });
  }

  /**
   * Switch to a new version of the playbook: check it, migrate state (reporting what is dropped),
   * store it, and go on. A version with errors changes nothing.
   */
  reload(source: string, file: string = this.file): ReloadOutcome {
    this.commits.flush();
    const outcome = reloadDurable(this.durable, source, file);
    if (!outcome.ok) return outcome;
    this.source = source;
    this.file = file;
    this.loop?.arm();
    this.log(`reloaded ${JSON.stringify(file)} (${JSON.stringify(outcome.playbook)}): ${reloadSummary(outcome)}`);
    reloadEndpoints(this.webhooks, this.durable.ir, this.log);
    return outcome;
  }
}

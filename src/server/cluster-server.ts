import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import type { IR } from '../ir/schema.js';
import { validateEvent } from '../runtime/events.js';
import { parseInstant } from '../stdlib/instants.js';
import { MAX_EVENT_LINE_BYTES } from '../limits.js';
import { ClusterOwner, INBOX_CHANNEL } from '../hosting/cluster-owner.js';
import type { OwnerTiming } from '../hosting/cluster-slots.js';
import * as store from '../store/postgres.js';
import { DEFAULT_MAX_BODY_BYTES, DEFAULT_MAX_SKEW_MS, type ClockMode } from './server.js';
import { bearerMatches, bearerTokenProblem, escapeControls, HttpError, readBody, sendError, sendJson, sendLines } from './http.js';
import { checkPosition, intParam, withSeq } from './log-reading.js';
import { parseEvents } from './events-body.js';
import { ClusterStream } from './cluster-stream.js';
import { ClusterWaiters } from './cluster-waiters.js';
import { listenForNews } from './cluster-listen.js';
import { ClusterVersions } from '../hosting/cluster-versions.js';
import { startVersion } from '../store/postgres-versions.js';
import { irKey, META_IR, newestIr, reloadCluster, type ClusterReload } from './cluster-reload.js';
import { MAX_PLAYBOOK_BYTES } from '../limits.js';
import { endpointSpecs, EndpointError, resolveEndpoints, WebhookDispatcher } from '../hosting/webhooks.js';
import { postgresOutbox } from '../store/postgres-outbox.js';
import type { Outbox } from '../store/outbox.js';
import { reloadEndpoints, webhooksRoute } from './webhooks-route.js';

export interface ClusterServerOptions {
  file: string;
  source: string;
  ir: IR;
  /** A postgres:// connection string; every process of the cluster uses the same database. */
  url: string;
  clock: ClockMode;
  token?: string | undefined;
  maxBodyBytes?: number;
  maxSkewMs?: number;
  seed?: number;
  /** How long POST /events and /advance wait for the owner before replying 202 (default 10 s). */
  replyWaitMs?: number;
  timing?: Partial<OwnerTiming>;
  log?: (line: string) => void;
}

/** The database cannot be used (unreachable, newer schema, another playbook's state). */
export class ClusterStartError extends Error {}

/**
 * `playbook serve FILE --db postgres://…`: the HTTP surface of docs/serve.md for one process of a
 * cluster (docs/scaling.md). Any process accepts POST /events for any community: the events are
 * committed to the inbox before the reply, and the reply waits for the community's owner (this
 * process or another) to process them, so it carries their actions as the single server's does.
 * GET /actions and the stream read the shared action log.
 */
export class ClusterServer {
  readonly http: Server;
  readonly owner: ClusterOwner;
  private readonly pool: pg.Pool;
  private readonly options: ClusterServerOptions;
  private readonly log: (line: string) => void;
  private readonly stream: ClusterStream;
  private readonly waiters: ClusterWaiters;
  private listener: pg.Client | undefined;
  private closed = false;
  readonly versions: ClusterVersions;
  /** Delivers the webhook calls of the communities this process owns (docs/scaling.md, "Webhooks"). */
  readonly webhooks: WebhookDispatcher;
  private readonly outbox: Outbox;
  private endpointsVersion: number;

  private constructor(options: ClusterServerOptions, pool: pg.Pool, version: number) {
    this.options = options;
    this.versions = new ClusterVersions({ version, ir: options.ir });
    this.endpointsVersion = version;
    const log = options.log ?? (() => {});
    this.log = (line) => {
      log(escapeControls(line));
    };
    this.pool = pool;
    this.pool.on('error', (e) => {
      this.log(`database: ${e.message}`);
    });
    this.stream = new ClusterStream(
      (after, limit, community) => store.actionsAfter(this.pool, after, limit, community),
      () => store.lastSeq(this.pool),
      (e) => {
        this.log(`action stream: ${(e as Partial<Error> | null | undefined)?.message ?? String(e)}`);
      },
    );
    this.waiters = new ClusterWaiters(this.pool);
    this.owner = new ClusterOwner({
      url: options.url,
      versions: this.versions,
      seed: options.seed,
      clock: options.clock,
      timing: options.timing,
      log: this.log,
      onDone: (community) => {
        this.done(community);
      },
    });
    this.outbox = postgresOutbox(this.pool);
    this.webhooks = new WebhookDispatcher({
      outbox: this.outbox,
      endpoints: resolveEndpoints(endpointSpecs(options.ir)),
      log: this.log,
      communities: () => this.owner.ownedCommunities(),
    });
    this.http = createServer((req, res) => void this.handle(req, res));
    this.http.requestTimeout = 60_000;
    this.http.headersTimeout = 30_000;
  }

  /** Connect, migrate the schema, and check the database holds this playbook's state (or none). */
  static async open(options: ClusterServerOptions): Promise<ClusterServer> {
    if (options.token !== undefined) {
      const problem = bearerTokenProblem(options.token);
      if (problem) throw new Error(`the token ${problem}`);
    }
    const pool = new pg.Pool({ connectionString: options.url, max: 8, application_name: `playbook-serve ${process.pid}` });
    pool.on('error', () => undefined);
    let version: number | undefined;
    try {
      const client = await pool.connect();
      try {
        await store.migrate(client);
        // Bots keep their bookkeeping under keys naming their communities (src/store/postgres-bot.ts).
        const bots = await client.query("SELECT 1 FROM playbook_meta WHERE position('@bot[' IN key) > 0 LIMIT 1");
        if (bots.rows.length > 0)
          throw new ClusterStartError('this database holds the state of playbook bot (docs/bots.md); give the cluster a database of its own');
        // An endpoint whose URL cannot be resolved refuses the start, before anything is stored.
        resolveEndpoints(endpointSpecs(options.ir));
        version = await startVersion(client, { source: options.source, file: options.file, key: irKey(options.ir) }, META_IR);
        if (version === undefined) {
          throw new ClusterStartError(
            'the database runs another version of the playbook: start this process with the file the cluster runs now, ' +
              'or send this version to a running process with POST /playbook (docs/scaling.md, "Reloading the playbook")',
          );
        }
      } finally {
        client.release();
      }
    } catch (e) {
      await pool.end().catch(() => undefined);
      if (e instanceof ClusterStartError) throw e;
      if (e instanceof EndpointError) throw new ClusterStartError(e.message);
      throw new ClusterStartError(`cannot use the database: ${(e as Partial<Error> | null | undefined)?.message ?? String(e)}`);
    }
    return new ClusterServer(options, pool, version);
  }

  listen(port: number, host: string): Promise<AddressInfo> {
    return new Promise((resolve, reject) => {
      this.http.once('error', reject);
      this.http.listen(port, host, () => {
        this.http.off('error', reject);
        this.owner.start();
        this.webhooks.start();
        void listenForNews({
          url: this.options.url,
          closed: () => this.closed,
          listening: (client) => {
            this.listener = client;
          },
          inbox: (community) => {
            this.owner.markDirty(community);
          },
          done: (community) => {
            this.done(community);
          },
        });
        resolve(this.http.address() as AddressInfo);
      });
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    this.stream.close();
    this.waiters.close();
    await new Promise<void>((resolve) => {
      this.http.close(() => {
        resolve();
      });
      this.http.closeAllConnections();
    });
    await this.webhooks.stop();
    await this.owner.stop();
    await this.listener?.end().catch(() => undefined);
    await this.pool.end().catch(() => undefined);
  }

  /** News of processed work, from this process's owner or another's NOTIFY. */
  private done(community: string): void {
    this.waiters.wake(community);
    this.stream.wake();
    if (this.versions.latest !== this.endpointsVersion) {
      // A reload: calls go to the newest version's endpoints from now on.
      const latest = this.versions.latest;
      this.endpointsVersion = latest;
      void this.versions.ir(this.pool, latest).then(
        (ir) => {
          reloadEndpoints(this.webhooks, ir, this.log);
        },
        () => undefined,
      );
    }
    this.webhooks.wake();
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      await this.route(req, res);
    } catch (e) {
      if (e instanceof HttpError) sendError(res, e);
      else {
        const message = (e as Partial<Error> | null | undefined)?.message ?? String(e);
        this.log(`database error on ${req.method} ${JSON.stringify(req.url)}: ${message}`);
        // Work is accepted only by its inbox commit, which is idempotent to resend (event ids).
        sendError(res, new HttpError(503, `database unavailable: ${message}; send the request again`, {}, { 'retry-after': '1' }));
      }
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
    const method = req.method ?? 'GET';
    const allow = (methods: string) => {
      if (!methods.split(', ').includes(method)) {
        req.resume();
        throw new HttpError(405, `${url.pathname} takes ${methods}`, {}, { allow: methods });
      }
    };
    switch (url.pathname) {
      case '/health':
        allow('GET');
        return this.health(res);
      case '/webhooks':
        allow('GET');
        return webhooksRoute(url, this.outbox, res);
      case '/events':
        allow('POST');
        return this.events(await readBody(req, this.options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES), res);
      case '/advance':
        allow('POST');
        req.resume();
        return this.advance(url, res);
      case '/actions': {
        allow('GET');
        const after = intParam(url, 'after', 0, 0, Number.MAX_SAFE_INTEGER);
        const last = await store.lastSeq(this.pool);
        checkPosition(after, '?after', last);
        const rows = await store.actionsAfter(this.pool, after, intParam(url, 'limit', 1000, 1, 10_000), url.searchParams.get('community') ?? undefined);
        sendLines(res, rows.map(withSeq), { 'playbook-last-seq': String(last) });
        return;
      }
      case '/actions/stream': {
        allow('GET');
        const id = req.headers['last-event-id'];
        let after = intParam(url, 'after', 0, 0, Number.MAX_SAFE_INTEGER);
        let from = '?after';
        if (typeof id === 'string' && id.trim() !== '') {
          if (!/^\d+$/.test(id.trim()))
            throw new HttpError(400, `Last-Event-ID must be a sequence number of this server's action log, not ${JSON.stringify(id.slice(0, 40))}`);
          after = Number(id.trim());
          from = 'Last-Event-ID';
        }
        checkPosition(after, from, await store.lastSeq(this.pool));
        this.stream.open(res, after, url.searchParams.get('community') ?? undefined);
        return;
      }
      case '/playbook': {
        allow('POST');
        const body = await readBody(req, Math.min(this.options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES, MAX_PLAYBOOK_BYTES));
        const outcome = await this.reload(new TextDecoder().decode(body), url.searchParams.get('file') ?? this.options.file);
        if (!outcome.ok) {
          throw new HttpError(400, 'the new playbook has errors; the running version is unchanged', {
            diagnostics: outcome.diagnostics,
            ...(outcome.moreDiagnostics ? { moreDiagnostics: outcome.moreDiagnostics } : {}),
          });
        }
        sendJson(res, 200, { reloaded: !outcome.unchanged, playbook: outcome.playbook, version: outcome.version });
        return;
      }
      default:
        req.resume();
        throw new HttpError(
          404,
          `no route ${url.pathname}; routes: POST /events, POST /advance, GET /actions, GET /actions/stream, POST /playbook, GET /health, GET /webhooks`,
        );
    }
  }

  /**
   * Store a new version of the playbook for every process (POST /playbook, SIGHUP). Each owner
   * carries a community over when it next processes it; a version with errors changes nothing.
   */
  async reload(source: string, file: string): Promise<ClusterReload> {
    const outcome = await reloadCluster(this.pool, this.versions, source, file);
    if (outcome.ok && !outcome.unchanged) {
      this.log(
        `reloaded ${JSON.stringify(file)} (${JSON.stringify(outcome.playbook)}) as playbook version ${outcome.version}; owners carry each community over at its next work`,
      );
    }
    return outcome;
  }

  private async health(res: ServerResponse): Promise<void> {
    sendJson(res, 200, {
      status: 'ok',
      playbook: (await newestIr(this.pool, this.versions)).ir.name,
      version: this.versions.latest,
      clock: this.options.clock,
      store: 'postgres',
      processes: this.owner.processes,
      slots: this.owner.slots.length,
      communities: this.owner.communities,
      lastSeq: await store.lastSeq(this.pool),
      listeners: this.stream.size,
      webhooks: await this.outbox.counts(),
    });
  }

  private async events(body: Buffer, res: ServerResponse): Promise<void> {
    const { ir } = await newestIr(this.pool, this.versions);
    const ahead = this.options.clock === 'wall' ? { now: Date.now(), maxSkewMs: this.options.maxSkewMs ?? DEFAULT_MAX_SKEW_MS, zone: ir.timezone } : undefined;
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

  private async advance(url: URL, res: ServerResponse): Promise<void> {
    const to = url.searchParams.get('to');
    let ms: number;
    if (to === null) {
      if (this.options.clock === 'events') throw new HttpError(400, 'POST /advance needs ?to=ISO (an instant like 2026-03-04T00:00:00+08:00)');
      ms = Date.now();
    } else {
      ms = parseInstant(to);
      if (!Number.isFinite(ms)) throw new HttpError(400, `?to must be an ISO-8601 instant like 2026-03-04T00:00:00+08:00, not ${JSON.stringify(to)}`);
      if (this.options.clock === 'wall' && ms > Date.now()) throw new HttpError(409, 'this server runs on the wall clock: it cannot advance into the future');
    }
    const communities = await store.knownCommunities(this.pool);
    await this.submit(
      communities.map((community) => ({ community, kind: 'advance' as const, body: String(ms) })),
      res,
      0,
    );
  }

  /** Commit work to the inbox, tell the owners, and reply with its actions once processed (202 if that takes too long). */
  private async submit(entries: store.InboxEntry[], res: ServerResponse, ignored: number): Promise<void> {
    const ids = await store.accept(this.pool, entries);
    const communities = [...new Set(entries.map((e) => e.community))];
    for (const c of communities) this.owner.markDirty(c);
    if (communities.length > 0) {
      // After the commit above: a lost NOTIFY only delays the work until the owner's next poll.
      await this.pool.query('SELECT pg_notify($1, c) FROM unnest($2::text[]) AS c', [INBOX_CHANNEL, communities]).catch(() => undefined);
    }
    const result = await this.waiters.wait(ids, communities, this.options.replyWaitMs ?? 10_000);
    if (!result) {
      sendJson(res, 202, { accepted: ids.length, pending: true }, { 'playbook-inbox': ids.length ? `${ids[0]}-${ids[ids.length - 1]}` : '' });
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
        'playbook-last-seq': String(result.actions.reduce((m, a) => Math.max(m, a.seq), 0) || (await store.lastSeq(this.pool))),
      },
    );
  }
}

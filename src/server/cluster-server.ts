import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import type { IR } from '../ir/schema.js';
import { ClusterOwner } from '../hosting/cluster-owner.js';
import type { OwnerTiming } from '../hosting/cluster-slots.js';
import * as store from '../store/postgres.js';
import { DEFAULT_MAX_BODY_BYTES, STOP_GRACE_MS, type ClockMode } from './server.js';
import { bearerMatches, bearerTokenProblem, escapeControls, HttpError, readBody, sendError, sendJson, sendLines, whenSent } from './http.js';
import { checkPosition, intParam, withSeq } from './log-reading.js';
import { ClusterStream } from './cluster-stream.js';
import { ClusterWaiters } from './cluster-waiters.js';
import { ClusterIngest, stoppingError } from './cluster-ingest.js';
import { listenForNews } from './cluster-listen.js';
import { ClusterVersions } from '../hosting/cluster-versions.js';
import { startVersion } from '../store/postgres-versions.js';
import { irKey, META_IR, newestIr, reloadCluster, type ClusterReload } from './cluster-reload.js';
import { MAX_PLAYBOOK_BYTES } from '../limits.js';
import { endpointSpecs, EndpointError, resolveEndpoints, WebhookDispatcher } from '../hosting/webhooks.js';
import { postgresOutbox } from '../store/postgres-outbox.js';
import type { Outbox } from '../store/outbox.js';
import { reloadEndpoints, webhooksRoute } from './webhooks-route.js';
import { messageOf } from '../stdlib/errors.js';

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
  /** When stopping, how long replies waiting for their owner may still wait (default 5 s, as the SQLite server's). */
  stopGraceMs?: number;
  timing?: Partial<OwnerTiming>;
  log?: (line: string) => void;
}

/** After the waits end at the grace period, the time left to write the replies before the connections are closed. */
const REPLY_WRITE_MS = 1_000;

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
  private readonly ingest: ClusterIngest;
  private listener: pg.Client | undefined;
  /** `close` began: no new work is taken, the replies under way are finished. */
  private stopping = false;
  /** The replies under way are finished (or the grace is over): the listener may go. */
  private closed = false;
  private readonly replying = new Set<Promise<void>>();
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
        this.log(`action stream: ${messageOf(e)}`);
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
    this.ingest = new ClusterIngest({
      options,
      pool: this.pool,
      versions: this.versions,
      owner: this.owner,
      waiters: this.waiters,
      stopping: () => this.stopping,
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
      throw new ClusterStartError(`cannot use the database: ${messageOf(e)}`);
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

  /**
   * Stop (SIGTERM, SIGINT): take no new connection or request, answer every request under way
   * (one waiting for its owner gets its actions if the round completes within the grace period,
   * else a 503), then stop the owner and close the database (docs/serve.md, "Signals"). The owner
   * and the LISTEN session run on meanwhile: the round a reply waits for may be this process's.
   */
  async close(): Promise<void> {
    this.stopping = true;
    const grace = this.options.stopGraceMs ?? STOP_GRACE_MS;
    this.waiters.cut(Date.now() + grace);
    this.stream.close();
    const closed = new Promise<void>((resolve) => {
      this.http.close(() => {
        resolve();
      });
    });
    // Bounded: a client that stops reading its reply must not hold the stop forever.
    await Promise.race([Promise.all(this.replying), new Promise((resolve) => setTimeout(resolve, grace + REPLY_WRITE_MS).unref())]);
    this.closed = true;
    this.http.closeAllConnections();
    await closed;
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
    const sent = whenSent(res);
    this.replying.add(sent);
    void sent.then(() => this.replying.delete(sent));
    try {
      await this.route(req, res);
    } catch (e) {
      if (e instanceof HttpError) sendError(res, e);
      else {
        const message = messageOf(e);
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
    if (this.stopping) {
      req.resume();
      throw stoppingError();
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
        return this.ingest.events(await readBody(req, this.options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES), res);
      case '/advance':
        allow('POST');
        req.resume();
        return this.ingest.advance(url, res);
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
}

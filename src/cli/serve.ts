import { compile } from '../compiler/compile.js';
import { formatDiagnostic } from '../parser/diagnostics.js';
import { PlaybookServer } from '../server/server.js';
import { bearerTokenProblem } from '../server/http.js';
import { MAX_EVENT_LINE_BYTES, MAX_EVENTS_BODY_BYTES, MAX_PLAYBOOK_BYTES } from '../limits.js';
import type { CommandSpec } from './main.js';
import { readBoundedFile, readPlaybookFile, UsageError } from './io.js';
import { importRoster, RosterError } from '../hosting/roster.js';
import { untilStopped } from './signals.js';
import { openDatabase } from './database.js';
import { parseDurationText } from '../stdlib/durations.js';
import { isPostgresUrl } from '../store/postgres-url.js';
import { serveCluster } from './serve-cluster.js';
import { endpointSpecs, EndpointError, resolveEndpoints } from '../hosting/webhooks.js';
import { StoredStateError } from '../runtime/machines/stored.js';

export const DEFAULT_PORT = 8080;

export const serveCommand: CommandSpec = {
  help: `Usage: playbook serve FILE [options]

Runs the playbook as an HTTP service with durable state (docs/serve.md).
Every event, timer and action is committed to the database before the response is sent; a
server killed at any moment and restarted on the same --db loses nothing acknowledged, repeats
no action and still fires every pending timer.

  POST /events            one JSON event or JSON Lines; replies with the actions (JSON Lines)
  POST /advance?to=ISO    fire timers due up to an instant; replies with the actions
  GET  /actions?after=N   the action log after sequence number N (JSON Lines with "seq")
  GET  /actions/stream    the same as Server-Sent Events, live
  POST /playbook          reload: a new version of the playbook as the body
  GET  /health            status
  GET  /webhooks          webhook calls given up (?status=pending|delivered for the others)

Options:
  --port N             port to listen on (default ${DEFAULT_PORT}; 0 picks a free one)
  --host H             address to bind (default 127.0.0.1, this machine only)
  --db PATH            SQLite database file (default playbook.db; :memory: keeps nothing), or
                       postgres://USER@HOST/DB: cluster mode, any number of processes on one
                       database (docs/scaling.md)
  --token T            require "Authorization: Bearer T" on every request (or set PLAYBOOK_TOKEN)
  --clock wall|events  wall (default): timers fire in real time; events: time moves only with
                       event times and POST /advance, exactly as in simulate
  --max-skew D         with --clock wall: refuse events stamped more than D after this
                       machine's time (default 5m), so one event dated years ahead cannot
                       fire every pending deadline
  --sync full|normal   full (default): each commit reaches the disk before the reply;
                       normal: survives the process being killed, not the machine losing power
  --commit group|each  group (default): requests that arrive together share one commit (one
                       flush to disk); each: one commit per request (for comparison)
  --roster FILE        before serving, register the members already in the groups: JSON Lines
                       of member.seen events, or a JSON list of {community, member, name?,
                       roles?, lastActiveAt?, at?}; no ritual starts, and importing the same
                       roster again changes nothing (docs/cli.md#rosters)

Limits (docs/serve.md#limits): a POST /events body ${MAX_EVENTS_BODY_BYTES} bytes, one event in it
${MAX_EVENT_LINE_BYTES} bytes, a POST /playbook body ${MAX_PLAYBOOK_BYTES} bytes.

The first line on stdout is "listening on http://HOST:PORT"; logs go to stderr. SIGHUP reloads
FILE; SIGTERM or SIGINT stops it: requests under way are answered (5 s grace), then the
database is closed (docs/serve.md, "Signals"). Exit codes: 0 stopped,
1 playbook errors, 2 usage errors (bad options, unreadable file, database or port in use).
`,
  options: {
    port: { type: 'string', short: 'p' },
    host: { type: 'string' },
    db: { type: 'string' },
    token: { type: 'string' },
    clock: { type: 'string' },
    sync: { type: 'string' },
    commit: { type: 'string' },
    'max-skew': { type: 'string' },
    roster: { type: 'string' },
  },
  async run(values, files, io) {
    if (files.length !== 1) throw new UsageError(files.length ? 'serve takes one playbook file' : 'no playbook file given');
    const file = files[0]!;
    const port = values['port'] === undefined ? DEFAULT_PORT : Number(values['port']);
    if (!Number.isInteger(port) || port < 0 || port > 65535)
      throw new UsageError(`--port must be a whole number from 0 to 65535, not ${String(values['port'])}`);
    const host = (values['host'] as string | undefined) ?? '127.0.0.1';
    const clock = (values['clock'] as string | undefined) ?? 'wall';
    if (clock !== 'wall' && clock !== 'events') throw new UsageError(`--clock must be wall or events, not ${clock}`);
    const sync = (values['sync'] as string | undefined) ?? 'full';
    if (sync !== 'full' && sync !== 'normal') throw new UsageError(`--sync must be full or normal, not ${sync}`);
    const commit = (values['commit'] as string | undefined) ?? 'group';
    if (commit !== 'group' && commit !== 'each') throw new UsageError(`--commit must be group or each, not ${commit}`);
    const given = values['token'] as string | undefined;
    const token = given ?? process.env['PLAYBOOK_TOKEN'];
    if (token !== undefined) {
      // Checked here, not at the first request: a token no client can send would lock every client out.
      const problem = bearerTokenProblem(token);
      if (problem) throw new UsageError(`${given !== undefined ? '--token' : 'PLAYBOOK_TOKEN'} ${problem}`);
    }
    let maxSkewMs: number | undefined;
    if (values['max-skew'] !== undefined) {
      const d = values['max-skew'] as string;
      if (clock !== 'wall')
        throw new UsageError('--max-skew is for --clock wall; with --clock events time comes from the events (check a stream first with simulate --max-skew)');
      maxSkewMs = parseDurationText(d);
      if (maxSkewMs === undefined || maxSkewMs <= 0) throw new UsageError(`--max-skew must be a duration like 5m, 30s or 1h, not ${d}`);
    }
    const dbPath = (values['db'] as string | undefined) ?? 'playbook.db';

    const source = readPlaybookFile(file);
    const compiled = compile(source, { file });
    for (const d of compiled.diagnostics) io.err(formatDiagnostic(d, source) + '\n\n');
    if (!compiled.ir) return 1;
    try {
      // Whatever the store: an endpoint whose URL variable is not set refuses the start.
      resolveEndpoints(endpointSpecs(compiled.ir));
    } catch (e) {
      if (e instanceof EndpointError) throw new UsageError(e.message);
      throw e;
    }
    if (isPostgresUrl(dbPath)) {
      if (values['commit'] !== undefined)
        throw new UsageError('--commit is for SQLite; cluster mode already commits each owner round together (docs/scaling.md)');
      if (values['sync'] !== undefined) throw new UsageError('--sync is for SQLite; PostgreSQL commits are as durable as its own settings (docs/scaling.md)');
      if (values['roster'] !== undefined)
        throw new UsageError('--roster works with a SQLite database; import the roster on one process first (docs/cli.md, "Rosters")');
      return serveCluster({ file, source, ir: compiled.ir, url: dbPath, clock, token, host, port, ...(maxSkewMs !== undefined ? { maxSkewMs } : {}) }, io);
    }

    const store = await openDatabase(dbPath, { sync });
    const log = (line: string) => {
      io.err(`${new Date().toISOString()} ${line}\n`);
    };
    let server: PlaybookServer;
    try {
      server = new PlaybookServer({ file, source, ir: compiled.ir, store, clock, token, log, commit, ...(maxSkewMs !== undefined ? { maxSkewMs } : {}) });
    } catch (e) {
      store.close();
      // A damaged row found while loading the state: the database cannot be used as it is.
      if (store.kind === 'sqlite' && e instanceof (await import('../store/sqlite.js')).StoreOpenError) throw new UsageError(e.message);
      if (e instanceof EndpointError || e instanceof StoredStateError) throw new UsageError(e.message);
      throw e;
    }
    const rosterFile = values['roster'] as string | undefined;
    if (rosterFile !== undefined) {
      try {
        const r = importRoster(server.durable, rosterFile, readBoundedFile(rosterFile, MAX_EVENTS_BODY_BYTES, 'a roster').toString('utf8'), {
          kind: clock,
          now: Date.now(),
        });
        log(`roster ${rosterFile}: ${r.registered} members registered, ${r.known} already known${r.stale ? `, ${r.stale} stale entries refused` : ''}`);
      } catch (e) {
        await server.close();
        if (e instanceof RosterError) throw new UsageError(e.message);
        throw e;
      }
    }
    if (server.startNotes) {
      const { dropped, changed } = server.startNotes;
      log(`the database held state of another version of the playbook; carried over to ${file}`);
      // Examples are community/member ids from events: quoted, so none can break a log line.
      for (const n of dropped) log(`  dropped: ${n.what} (${n.count}${n.examples.length ? `: ${n.examples.map((x) => JSON.stringify(x)).join(', ')}` : ''})`);
      for (const n of changed) log(`  changed: ${n.what} (${n.count})`);
    }
    let address;
    try {
      address = await server.listen(port, host);
    } catch (e) {
      await server.close();
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EADDRINUSE') throw new UsageError(`port ${port} on ${host} is already in use`);
      if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') throw new UsageError(`cannot bind to ${host}: no such local address`);
      if (code === 'EACCES') throw new UsageError(`no permission to listen on port ${port}`);
      throw e;
    }
    const shown = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    io.out(`listening on http://${shown}:${address.port}\n`);
    log(
      `serving ${file} (${compiled.ir.name}): db ${dbPath}${dbPath === ':memory:' ? ' (nothing is kept)' : `, sync ${sync}`}, commit ${commit}, ` +
        `clock ${clock}, ${server.durable.communityIds().length} communities, ${server.durable.lastSeq()} actions logged, auth ${token ? 'on' : 'off'}`,
    );
    if (!token && !isLoopback(host)) log(`warning: listening on ${host} without a token: anyone who can reach it can send events`);

    return await untilStopped({ file, log, reload: (text, f) => server.reload(text, f), close: () => server.close() }).done;
  },
};

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\./.test(host);
}

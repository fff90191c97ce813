/**
 * A private PostgreSQL cluster for the cluster-mode tests (docs/scaling.md): initdb in a
 * temporary folder, started with pg_ctl on a free 127.0.0.1 port, as the `postgres` user when
 * this runs as root (PostgreSQL refuses to run as root), stopped and removed at the end.
 * Debian's binaries live under /usr/lib/postgresql/<major>/bin (scripts/setup-system.sh).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { E2E_REQUIRED, freePort, handOver, removeDir, runAsUser, serverDir, type RunAs } from './common.js';

/** The newest installed PostgreSQL's bin folder, or undefined. */
export function postgresBin(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const majors = readdirSync(root)
    .filter((d) => /^\d+$/.test(d) && existsSync(join(root, d, 'bin', 'initdb')) && existsSync(join(root, d, 'bin', 'pg_ctl')))
    .sort((a, b) => Number(b) - Number(a));
  return majors[0] === undefined ? undefined : join(root, majors[0], 'bin');
}

/**
 * Why PostgreSQL tests cannot run here, or undefined when they can. Prints the reason once;
 * under `npm run e2e` (PLAYBOOK_E2E=require) a missing PostgreSQL is an error, not a skip.
 */
export function postgresMissing(): string | undefined {
  if (postgresBin()) return undefined;
  const reason = 'PostgreSQL tests skipped: no initdb/pg_ctl under /usr/lib/postgresql/*/bin (apt-get install postgresql, or bash scripts/setup-system.sh)';
  if (E2E_REQUIRED) throw new Error(reason.replace('skipped', 'cannot run'));
  console.warn(reason);
  return reason;
}

export interface PostgresCluster {
  /** A connection string for the `playbook` database as the cluster's superuser. */
  url: string;
  port: number;
  /** Stop the server (fast shutdown: open sessions are ended), keeping the data folder. */
  stop(): void;
  /** Start it again on the same port and data. */
  start(): void;
  /** Stop it and remove its folder. */
  destroy(): void;
  /** Run SQL with psql as the superuser (for tests that end sessions); returns stdout. */
  psql(sql: string): string;
}

function run(bin: string, args: string[], user: RunAs | undefined, what: string): string {
  const argv = user ? ['/usr/bin/setpriv', `--reuid=${user.uid}`, `--regid=${user.gid}`, '--init-groups', bin, ...args] : [bin, ...args];
  const res = spawnSync(argv[0]!, argv.slice(1), { encoding: 'utf8', env: { ...process.env, LC_ALL: 'C' } });
  if (res.status !== 0) throw new Error(`${what} failed (${res.status ?? res.signal}): ${res.stderr || res.stdout}`);
  return res.stdout;
}

/** initdb + pg_ctl start on a free port; the caller destroys it. */
export async function startPostgres(): Promise<PostgresCluster> {
  const bin = postgresBin();
  if (!bin) throw new Error('PostgreSQL is not installed');
  const user = runAsUser('postgres');
  const dir = serverDir('pg', user);
  const data = join(dir, 'data');
  const port = await freePort();
  const superuser = user?.name ?? (process.env['USER'] || 'postgres');
  run(join(bin, 'initdb'), ['-D', data, '-U', superuser, '-A', 'trust', '-E', 'UTF8', '--no-sync'], user, 'initdb');
  // Sockets in the private folder, TCP on loopback only; enough connections for several servers' pools.
  writeFileSync(
    join(data, 'postgresql.auto.conf'),
    [`listen_addresses = '127.0.0.1'`, `port = ${port}`, `unix_socket_directories = '${dir}'`, 'max_connections = 200', 'fsync = on', ''].join('\n'),
  );
  handOver(dir, user);
  const log = join(dir, 'server.log');
  const pgctl = join(bin, 'pg_ctl');
  const start = () => run(pgctl, ['-D', data, '-l', log, '-w', '-t', '30', 'start'], user, 'pg_ctl start');
  const stop = () => run(pgctl, ['-D', data, '-m', 'fast', '-w', 'stop'], user, 'pg_ctl stop');
  start();
  const psql = (sql: string, db = 'playbook') =>
    run(join(bin, 'psql'), ['-h', '127.0.0.1', '-p', String(port), '-U', superuser, '-d', db, '-v', 'ON_ERROR_STOP=1', '-At', '-c', sql], user, 'psql');
  psql('CREATE DATABASE playbook', 'postgres');
  let running = true;
  return {
    url: `postgres://${encodeURIComponent(superuser)}@127.0.0.1:${port}/playbook`,
    port,
    stop: () => {
      if (running) stop();
      running = false;
    },
    start: () => {
      if (!running) start();
      running = true;
    },
    destroy: () => {
      try {
        if (running) stop();
      } finally {
        running = false;
        removeDir(dir);
      }
    },
    psql: (sql) => psql(sql),
  };
}

#!/usr/bin/env node
// Cluster mode against the single SQLite server (issue 18, docs/scaling.md), on 127.0.0.1:
//
//   npm run build && node bench/cluster.mjs          (also a section of `npm run bench`)
//
// A private PostgreSQL (Debian's, under /usr/lib/postgresql/*/bin; initdb in a temporary folder,
// run as the postgres user when this runs as root) holds one fresh database per configuration:
// `playbook serve --db postgres://…` with 1, 2 and 4 processes, and the single-process server on
// a SQLite file (--sync full, the default) in the same run. 8 clients send POST /events over
// keep-alive connections, spread over the processes, in requests of 1 event and of 100 events,
// to 100 communities (joins, then messages). Figures: events/s over the whole run, and p50/p99
// of the request latency (the reply is sent once the events are processed and logged). Every
// process and PostgreSQL share the machine's cores, so on a 2-core machine more processes add
// coordination, not cores. Results: a table on stdout, bench/out/cluster.json, and
// results.cluster in `npm run bench`.
import { spawn, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { mulberry32 } from './generate.mjs';

const PLAYBOOK = `playbook "Cluster Load" {
  timezone "Asia/Shanghai"
}

ritual onboarding {
  starts on member.joined
  say to member "welcome {member.name}"
  step intro "intro": message.posted where text contains "-"
  deadline 30d: remove member reason "no intro"
}

rule no_ads {
  on message.posted
  when text matches any ["加微信", /https?:\\/\\//i]
  do delete message; warn member "no ads" on ladder ads
}

ladder ads {
  expire 30d
  1: say to member "first warning"
  2: remove member reason "ads"
}

points {
  message.posted: +1 cooldown 60s cap 20 per day reason "talk"
}
`;

const COMMUNITIES = 100;
const CLIENTS = 8;

function postgresBin() {
  const base = '/usr/lib/postgresql';
  if (!existsSync(base)) return undefined;
  const majors = readdirSync(base)
    .filter((d) => /^\d+$/.test(d) && existsSync(join(base, d, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return majors.length ? join(base, majors[0], 'bin') : undefined;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** initdb + pg_ctl start in a temporary folder; PostgreSQL refuses root, so as `postgres` then. */
async function startPostgres(bin) {
  const root = process.getuid?.() === 0;
  const id = (flag) => Number(spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' }).stdout.trim());
  const user = root ? { uid: id('-u'), gid: id('-g'), name: 'postgres' } : undefined;
  const dir = mkdtempSync(join(tmpdir(), 'playbook-bench-pg-'));
  const run = (prog, args) => {
    const argv = user
      ? ['/usr/bin/setpriv', `--reuid=${user.uid}`, `--regid=${user.gid}`, '--init-groups', join(bin, prog), ...args]
      : [join(bin, prog), ...args];
    const r = spawnSync(argv[0], argv.slice(1), { encoding: 'utf8', env: { ...process.env, LC_ALL: 'C' } });
    if (r.status !== 0) throw new Error(`${prog} failed: ${r.stderr || r.stdout}`);
    return r.stdout;
  };
  if (user) chownSync(dir, user.uid, user.gid);
  const data = join(dir, 'data');
  const port = await freePort();
  const superuser = user?.name ?? (process.env.USER || 'postgres');
  run('initdb', ['-D', data, '-U', superuser, '-A', 'trust', '-E', 'UTF8', '--no-sync']);
  writeFileSync(
    join(data, 'postgresql.auto.conf'),
    `listen_addresses = '127.0.0.1'\nport = ${port}\nunix_socket_directories = '${dir}'\nmax_connections = 200\n`,
  );
  if (user) chownSync(join(data, 'postgresql.auto.conf'), user.uid, user.gid);
  run('pg_ctl', ['-D', data, '-l', join(dir, 'server.log'), '-w', 'start']);
  const psql = (sql) => run('psql', ['-h', '127.0.0.1', '-p', String(port), '-U', superuser, '-d', 'postgres', '-v', 'ON_ERROR_STOP=1', '-Atc', sql]);
  return {
    url: (db) => `postgres://${superuser}@127.0.0.1:${port}/${db}`,
    createDb: (db) => psql(`CREATE DATABASE ${db}`),
    stop: () => {
      try {
        run('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

function startServe(cli, file, db) {
  const child = spawn(process.execPath, [cli, 'serve', file, '--db', db, '--port', '0', '--clock', 'events'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  return new Promise((resolve, reject) => {
    createInterface({ input: child.stdout }).once('line', (line) => {
      const m = /^listening on http:\/\/([^:]+):(\d+)$/.exec(line);
      if (m) resolve({ child, host: m[1], port: Number(m[2]) });
      else reject(new Error(`unexpected first line: ${line}`));
    });
    child.once('exit', (code) => reject(new Error(`serve exited (${code}): ${stderr}`)));
  });
}

async function stop(server) {
  server.child.kill('SIGTERM');
  await new Promise((r) => (server.child.exitCode !== null ? r() : server.child.once('exit', r)));
}

function post(server, agent, body) {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: server.host, port: server.port, path: '/events', method: 'POST', agent, headers: { 'content-length': Buffer.byteLength(body) } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d) => (text += d));
        res.on('end', () => (res.statusCode === 200 ? resolve(text) : reject(new Error(`POST /events: ${res.statusCode} ${text}`))));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** Joins of every member first, then messages; time moves 0-2 s per event, one stream for a configuration. */
function eventSource(seed) {
  const rnd = mulberry32(seed);
  const words = ['hello', 'ann-bj-dev', 'good morning', '加微信', 'nice', 'ok'];
  let t = Date.parse('2026-06-01T08:00:00+08:00');
  let i = 0;
  return () => {
    t += Math.floor(rnd() * 2000);
    i++;
    const community = `c${Math.floor(rnd() * COMMUNITIES)}`;
    const member = `u${Math.floor(rnd() * 50)}`;
    const at = new Date(t).toISOString();
    if (rnd() < 0.1) return { id: `e${i}`, type: 'member.joined', at, community, member, name: member };
    return { id: `e${i}`, type: 'message.posted', at, community, member, messageId: `m${i}`, text: words[Math.floor(rnd() * words.length)] };
  };
}

const quantile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];

/** `count` requests of `perRequest` events over CLIENTS connections, each client on one process in turn. */
async function drive(servers, next, count, perRequest) {
  const agents = servers.map(() => new Agent({ keepAlive: true, maxSockets: CLIENTS }));
  const latencies = [];
  let sent = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CLIENTS }, async (_, c) => {
      while (sent < count) {
        const k = sent++;
        const s = (c + k) % servers.length;
        const body = Array.from({ length: perRequest }, () => JSON.stringify(next())).join('\n');
        const t = performance.now();
        await post(servers[s], agents[s], body);
        latencies.push(performance.now() - t);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  for (const a of agents) a.destroy();
  latencies.sort((a, b) => a - b);
  return {
    events: count * perRequest,
    events_per_s: Math.round((count * perRequest) / seconds),
    p50_ms: Number(quantile(latencies, 0.5).toFixed(1)),
    p99_ms: Number(quantile(latencies, 0.99).toFixed(1)),
  };
}

export async function clusterSection(results, log, { root, quick }) {
  const cli = process.env.PLAYBOOK_CLI ?? join(root, 'bin/playbook.js');
  const bin = postgresBin();
  if (!bin) {
    results.cluster = { skipped: 'PostgreSQL is not installed (bash scripts/setup-system.sh)' };
    log(`\ncluster mode: skipped (${results.cluster.skipped})`);
    return;
  }
  const sizes = quick ? { single: 200, batched: 10 } : { single: 800, batched: 40 };
  const dir = mkdtempSync(join(tmpdir(), 'playbook-bench-cluster-'));
  const file = join(dir, 'load.playbook');
  writeFileSync(file, PLAYBOOK);
  const pg = await startPostgres(bin);
  const rows = [];
  try {
    const configs = [{ name: 'sqlite', processes: 1 }, ...[1, 2, 4].map((n) => ({ name: `postgres x${n}`, processes: n }))];
    let seed = 1;
    for (const config of configs) {
      let db;
      if (config.name === 'sqlite') db = join(dir, `state-${seed}.db`);
      else {
        pg.createDb(`bench${seed}`);
        db = pg.url(`bench${seed}`);
      }
      const servers = [];
      for (let i = 0; i < config.processes; i++) servers.push(await startServe(cli, file, db));
      // Let the processes share out the slots before measuring (docs/scaling.md, "Ownership").
      if (config.processes > 1) await new Promise((r) => setTimeout(r, 2500));
      const next = eventSource(seed++);
      await drive(servers, next, 40, 1); // warm-up: connections, JIT, first community rows
      const single = await drive(servers, next, sizes.single, 1);
      const batched = await drive(servers, next, sizes.batched, 100);
      for (const s of servers) await stop(s);
      rows.push({ config: config.name, processes: config.processes, batch_1: single, batch_100: batched });
      log(
        `  ${config.name.padEnd(12)} batch 1: ${String(single.events_per_s).padStart(6)} events/s, p50 ${single.p50_ms} ms, p99 ${single.p99_ms} ms;` +
          ` batch 100: ${String(batched.events_per_s).padStart(6)} events/s, p50 ${batched.p50_ms} ms, p99 ${batched.p99_ms} ms`,
      );
    }
  } finally {
    pg.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  const sqlite = rows[0];
  for (const r of rows) {
    r.ratio_to_sqlite_batch_1 = Number((r.batch_1.events_per_s / sqlite.batch_1.events_per_s).toFixed(2));
    r.ratio_to_sqlite_batch_100 = Number((r.batch_100.events_per_s / sqlite.batch_100.events_per_s).toFixed(2));
  }
  results.cluster = { clients: CLIENTS, communities: COMMUNITIES, rows };
}

// Run alone: node bench/cluster.mjs
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const root = fileURLToPath(new URL('..', import.meta.url));
  const results = {};
  console.log('cluster mode vs the SQLite server (8 clients, 100 communities):');
  await clusterSection(results, console.log, { root, quick: process.env.BENCH_QUICK === '1' });
  mkdirSync(join(root, 'bench', 'out'), { recursive: true });
  writeFileSync(join(root, 'bench', 'out', 'cluster.json'), JSON.stringify(results.cluster, null, 2) + '\n');
}

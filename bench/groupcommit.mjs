#!/usr/bin/env node
// Group commit in `playbook serve` (issue 20, item 5; docs/serve.md, "Group commit"): 8 clients
// over keep-alive connections, one event per request, --sync full (every commit flushed to disk
// before its reply), against the same server started with --commit each (one transaction per
// request, the path before group commit). Both servers run in this process's run on databases in
// one temporary folder, each with the same community (members joined first); rounds alternate
// between them (each, group, group, each, ...) and the figures are medians, so a change of
// machine load hits both alike. Writes results.ratio_serve_group_commit (group over each, events/s)
// and the two rates; also usable on its own:
//
//   npm run build && node bench/groupcommit.mjs        (BENCH_QUICK=1 for small inputs)
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { drive, messages, PLAYBOOK, startServer } from './serve-load.mjs';

const CLIENTS = 8;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/**
 * One keep-alive connection that sends a request and reads its reply, with nothing of node:http:
 * on 2 cores the load generator shares the machine with the server, and Node's HTTP client costs
 * as much per request as the server's work, so it would measure itself. The reply is read by its
 * content-length (the server always sends one); a status other than 200 fails the run.
 */
function rawConnection(server) {
  const socket = connect(server.port, server.host);
  socket.setNoDelay(true);
  let buffered = Buffer.alloc(0);
  let waiting;
  socket.on('data', (chunk) => {
    buffered = buffered.length ? Buffer.concat([buffered, chunk]) : chunk;
    if (!waiting) return;
    const end = buffered.indexOf('\r\n\r\n');
    if (end < 0) return;
    const head = buffered.subarray(0, end).toString('latin1');
    const length = Number(/\r\ncontent-length: *(\d+)/i.exec(head)?.[1] ?? 0);
    if (buffered.length < end + 4 + length) return;
    const body = buffered.subarray(end + 4, end + 4 + length).toString('utf8');
    buffered = buffered.subarray(end + 4 + length);
    const w = waiting;
    waiting = undefined;
    if (!head.startsWith('HTTP/1.1 200')) w.reject(new Error(`POST /events: ${head.split('\r\n')[0]} ${body}`));
    else w.resolve(body);
  });
  const ready = new Promise((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  socket.on('error', (e) => waiting?.reject(e));
  return {
    ready,
    post(body) {
      return new Promise((resolve, reject) => {
        waiting = { resolve, reject };
        socket.write(
          `POST /events HTTP/1.1\r\nhost: ${server.host}\r\ncontent-type: application/x-ndjson\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
        );
      });
    },
    close: () => socket.destroy(),
  };
}

/** `count` requests of one event each over `clients` raw keep-alive connections; rate and median latency. */
export async function driveRaw(server, next, count, clients) {
  const conns = Array.from({ length: clients }, () => rawConnection(server));
  await Promise.all(conns.map((c) => c.ready));
  const latencies = [];
  let sent = 0;
  const started = performance.now();
  await Promise.all(
    conns.map(async (c) => {
      while (sent < count) {
        sent++;
        const body = JSON.stringify(next());
        const t = performance.now();
        await c.post(body);
        latencies.push(performance.now() - t);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  for (const c of conns) c.close();
  latencies.sort((a, b) => a - b);
  return { events_per_s: Math.round(count / seconds), p50_ms: Number(latencies[Math.floor(latencies.length / 2)].toFixed(2)) };
}

async function health(server) {
  const res = await globalThis.fetch(`http://${server.host}:${server.port}/health`);
  return res.json();
}

export async function groupCommitSection(results, log, { quick }) {
  const sizes = quick ? { members: 500, requests: 300, rounds: 3 } : { members: 5000, requests: 1500, rounds: 5 };
  const dir = mkdtempSync(join(tmpdir(), 'playbook-groupcommit-'));
  const servers = {};
  try {
    const file = join(dir, 'load.playbook');
    writeFileSync(file, PLAYBOOK);
    const t0 = Date.parse('2026-06-01T08:00:00+08:00');
    const streams = {};
    for (const mode of ['each', 'group']) {
      servers[mode] = await startServer(file, join(dir, `${mode}.db`), 'full', ['--commit', mode]);
      let i = 0;
      const nextJoin = () => ({ id: `j${i}`, type: 'member.joined', at: new Date(t0).toISOString(), community: 'big', member: `u${i}`, name: `Member ${i++}` });
      await drive(servers[mode], nextJoin, sizes.members / 500, 500, 1);
      // The same message stream for both, so both servers do the same work round by round.
      streams[mode] = messages(1, sizes.members, t0 + 60_000);
    }
    const rates = { each: [], group: [] };
    const p50 = { each: [], group: [] };
    for (let round = 0; round < sizes.rounds; round++) {
      for (const mode of round % 2 === 0 ? ['each', 'group'] : ['group', 'each']) {
        const r = await driveRaw(servers[mode], streams[mode], sizes.requests, CLIENTS);
        rates[mode].push(r.events_per_s);
        p50[mode].push(r.p50_ms);
      }
    }
    const commits = (await health(servers.group)).commits;
    const each = median(rates.each);
    const group = median(rates.group);
    results.serve_commit_per_request_eps = each;
    results.serve_group_commit_eps = group;
    results.ratio_serve_group_commit = Number((group / each).toFixed(2));
    results.serve_group_commit = {
      clients: CLIENTS,
      sync: 'full',
      rounds: sizes.rounds,
      requests_per_round: sizes.requests,
      members: sizes.members,
      each_events_per_s: rates.each,
      group_events_per_s: rates.group,
      each_p50_ms: median(p50.each),
      group_p50_ms: median(p50.group),
      // Over the whole run of the group server (the joins included): how many requests a commit held.
      group_requests: commits.requests,
      group_transactions: commits.transactions,
    };
    log(
      `\nserve, ${CLIENTS} clients, one event per request, --sync full (medians of ${sizes.rounds} interleaved rounds of ${sizes.requests} requests):` +
        ` one commit per request ${each.toLocaleString('en')} events/s (p50 ${median(p50.each)} ms);` +
        ` group commit ${group.toLocaleString('en')} events/s (p50 ${median(p50.group)} ms), ${(commits.requests / commits.transactions).toFixed(1)} requests per transaction;` +
        ` ratio ${results.ratio_serve_group_commit}`,
    );
  } finally {
    for (const s of Object.values(servers)) {
      s.child.kill('SIGTERM');
      await new Promise((r) => (s.child.exitCode !== null ? r() : s.child.once('exit', r)));
    }
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const results = {};
  await groupCommitSection(results, console.log, { root: fileURLToPath(new URL('..', import.meta.url)), quick: process.env.BENCH_QUICK === '1' });
  console.log(JSON.stringify(results, null, 2));
}

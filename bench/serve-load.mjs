#!/usr/bin/env node
// Load benchmark of `playbook serve` on 127.0.0.1 (issue 7): the real server process with a
// SQLite database in a temporary directory, driven over keep-alive HTTP connections.
//
//   npm run build && node bench/serve-load.mjs        (PLAYBOOK_CLI=path picks another launcher)
//
// For each durability setting (--sync full: every commit on disk before the reply; --sync
// normal: survives the process being killed), it measures:
//   1. joins: 10,000 members join one community in batches of 500 (a ritual deadline and a
//      lifecycle start for each, so 10,000 pending timers).
//   2. single events, one client: 2,000 requests of one message each, one at a time:
//      latency p50/p99 and events/s. The community already has 10,000 members and timers, so this
//      shows what one event costs whatever the community's size.
//   3. single events, 8 clients: 4,000 requests over 8 connections at once.
//   4. batches: 20,000 messages in requests of 200.
// Results: a table on stdout and bench/out/serve-load.json. Bounded (a few minutes at most);
// nothing here is asserted by the tests.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { cpus, loadavg, release, tmpdir, totalmem, type as osType } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { mulberry32 } from './generate.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const CLI = process.env.PLAYBOOK_CLI ?? join(root, 'bin/playbook.js');
const QUICK = process.env.BENCH_QUICK === '1';
const SIZES = QUICK ? { members: 1000, single: 300, concurrent: 600, batched: 2000 } : { members: 10_000, single: 2000, concurrent: 4000, batched: 20_000 };

export const PLAYBOOK = `playbook "Load" {
  timezone "Asia/Shanghai"
}

roles admin

ritual onboarding {
  starts on member.joined
  say to member "welcome {member.name}"
  step intro "intro": message.posted where text contains "-"
  deadline 30d: remove member reason "no intro"
  done { award 5 points reason "intro" }
}

lifecycle member {
  initial newcomer
  newcomer -> active  when count(message.posted within 7d) >= 3
  active   -> dormant after 14d without message.posted
  dormant  -> active  on message.posted
}

rule no_ads {
  on message.posted
  when text matches any ["加微信", /https?:\\/\\//i]
  unless member has role admin
  do delete message; warn member "no ads" on ladder ads
}

rule flood {
  on message.posted
  when count(message.posted by member within 10s) > 5
  do mute member 10m
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

/** An endless message stream from the community's members, 0-2 s apart (the whole run spans under a day). */
export function messages(seed, members, startMs) {
  const rnd = mulberry32(seed);
  const words = ['hello', 'ann-bj-dev', 'good morning', '加微信', 'nice', 'see https://x.example', 'ok'];
  let t = startMs;
  let i = 0;
  return () => {
    t += Math.floor(rnd() * 2000);
    const m = Math.floor(rnd() * members);
    i++;
    return {
      id: `s${seed}-${i}`,
      type: 'message.posted',
      at: new Date(t).toISOString(),
      community: 'big',
      member: `u${m}`,
      messageId: `m${seed}-${i}`,
      text: words[Math.floor(rnd() * words.length)],
    };
  };
}

/** The real server on port 0 (`extra`: more options, e.g. `--commit each` for bench/groupcommit.mjs). */
export function startServer(file, db, sync, extra = []) {
  const child = spawn(process.execPath, [CLI, 'serve', file, '--db', db, '--port', '0', '--clock', 'events', '--sync', sync, ...extra], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  return new Promise((resolve, reject) => {
    createInterface({ input: child.stdout }).once('line', (line) => {
      const m = /^listening on http:\/\/([^:]+):(\d+)$/.exec(line);
      if (m) resolve({ child, host: m[1], port: Number(m[2]) });
      else reject(new Error(`unexpected first line: ${line}`));
    });
    child.once('exit', (code) => reject(new Error(`server exited (${code}): ${stderr}`)));
  });
}

export function post(server, agent, path, body) {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: server.host,
        port: server.port,
        path,
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/x-ndjson', 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d) => (text += d));
        res.on('end', () => (res.statusCode === 200 ? resolve(text) : reject(new Error(`${path}: ${res.statusCode} ${text}`))));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const quantile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];

/** `count` requests of `perRequest` events each over `clients` connections; latency per request. */
export async function drive(server, next, count, perRequest, clients) {
  const agent = new Agent({ keepAlive: true, maxSockets: clients });
  const latencies = [];
  let sent = 0;
  let actions = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (sent < count) {
        sent++;
        const body = Array.from({ length: perRequest }, () => JSON.stringify(next())).join('\n');
        const t = performance.now();
        const reply = await post(server, agent, '/events', body);
        latencies.push(performance.now() - t);
        actions += reply ? reply.split('\n').length - 1 : 0;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  return {
    requests: count,
    events: count * perRequest,
    actions,
    seconds: Number(seconds.toFixed(2)),
    events_per_s: Math.round((count * perRequest) / seconds),
    p50_ms: Number(quantile(latencies, 0.5).toFixed(2)),
    p99_ms: Number(quantile(latencies, 0.99).toFixed(2)),
  };
}

async function scenario(sync) {
  const dir = mkdtempSync(join(tmpdir(), 'playbook-load-'));
  try {
    const file = join(dir, 'load.playbook');
    writeFileSync(file, PLAYBOOK);
    const server = await startServer(file, join(dir, 'state.db'), sync);
    const t0 = Date.parse('2026-06-01T08:00:00+08:00');
    let joinIndex = 0;
    const nextJoin = () => {
      const i = joinIndex++;
      return { id: `j${i}`, type: 'member.joined', at: new Date(t0).toISOString(), community: 'big', member: `u${i}`, name: `Member ${i}` };
    };
    const out = { sync };
    out.joins = await drive(server, nextJoin, SIZES.members / 500, 500, 1);
    // One stream across the phases, so time moves on as in a real community (no jump that would
    // fire every member's deadline inside one measured request).
    const next = messages(1, SIZES.members, t0 + 60_000);
    out.single = await drive(server, next, SIZES.single, 1, 1);
    out.concurrent = await drive(server, next, SIZES.concurrent, 1, 8);
    out.batched = await drive(server, next, SIZES.batched / 200, 200, 1);
    server.child.kill('SIGTERM');
    await new Promise((r) => server.child.once('exit', r));
    return out;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// Run as a script; bench/groupcommit.mjs imports the helpers above.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();

async function main() {
  const results = {
    machine: `${cpus()[0]?.model ?? 'unknown CPU'} x${cpus().length}, ${Math.round(totalmem() / 2 ** 30)} GiB, ${osType()} ${release()}, node ${process.version}`,
    date: new Date().toISOString(),
    load_average_at_start: Number(loadavg()[0].toFixed(2)),
    quick: QUICK,
    sizes: SIZES,
    runs: [],
  };
  console.log(`playbook serve load benchmark${QUICK ? ' (BENCH_QUICK: small inputs)' : ''}`);
  console.log(`machine: ${results.machine}; load average ${results.load_average_at_start}\n`);
  for (const sync of ['full', 'normal']) results.runs.push(await scenario(sync));

  const rows = [];
  for (const r of results.runs) {
    for (const [name, label] of [
      ['joins', `joins, ${SIZES.members.toLocaleString('en')} in batches of 500`],
      ['single', 'one event per request, 1 client'],
      ['concurrent', 'one event per request, 8 clients'],
      ['batched', 'batches of 200 events, 1 client'],
    ]) {
      const s = r[name];
      rows.push(`| ${r.sync} | ${label} | ${s.events.toLocaleString('en')} | ${s.events_per_s.toLocaleString('en')} | ${s.p50_ms} | ${s.p99_ms} |`);
    }
  }
  console.log('| --sync | requests | events | events/s | p50 ms (per request) | p99 ms |');
  console.log('|---|---|---|---|---|---|');
  for (const row of rows) console.log(row);
  mkdirSync(join(root, 'bench/out'), { recursive: true });
  writeFileSync(join(root, 'bench/out/serve-load.json'), JSON.stringify(results, null, 2) + '\n');
  console.log('\nwritten to bench/out/serve-load.json');
}

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
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { drive, messages, PLAYBOOK, startServer } from './serve-load.mjs';

const CLIENTS = 8;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

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
        const r = await drive(servers[mode], streams[mode], sizes.requests, 1, CLIENTS);
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

#!/usr/bin/env node
// npm run bench: compile time of a 1,000-rule playbook and simulate throughput end to end.
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync, createWriteStream } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { compile } from '../dist/index.js';
import { messageEvents, playbookWithRules } from './generate.mjs';

const here = fileURLToPath(new URL('.', import.meta.url));
mkdirSync(`${here}out`, { recursive: true });
const results = { machine: `${cpus()[0]?.model ?? 'unknown'} x${cpus().length}, ${Math.round(totalmem() / 2 ** 30)} GiB, node ${process.version}`, date: new Date().toISOString() };

// 1. parse + check + compile of 1,000 rules (best of 5 after a warm-up)
const source = playbookWithRules(1000);
compile(source, { file: 'bench.playbook' });
const times = [];
for (let i = 0; i < 5; i++) {
  const t0 = performance.now();
  const r = compile(source, { file: 'bench.playbook' });
  times.push(performance.now() - t0);
  if (!r.ir) throw new Error('bench playbook does not compile: ' + r.diagnostics[0]?.message);
}
results.compile_1000_rules_ms = Math.round(Math.min(...times));
console.log(`compile 1,000 rules: ${results.compile_1000_rules_ms} ms (best of 5; median ${Math.round(times.sort((a, b) => a - b)[2])} ms)`);

// 2. simulate end to end on generated streams (read, parse, run, write), growth 10k -> 100k
const pb = `${here}out/workload.playbook`;
writeFileSync(pb, `playbook "Bench" { timezone "Asia/Shanghai" }
roles admin
rule no_ads { on message.posted when text matches any ["加微信", "返利", /https?:\\/\\//] unless member has role admin do delete message; warn member "no ads" on ladder ads }
ladder ads { expire 30d; 1: say to member "warning"; 2: mute member 1h }
rule flood { on message.posted when count(message.posted by member within 10s) > 5 do mute member 10m }
points { message.posted: +1 cooldown 60s cap 20 per day }
`);
const sizes = (process.env.BENCH_SIZES ?? '10000,100000').split(',').map(Number);
results.simulate = [];
for (const n of sizes) {
  const file = `${here}out/events-${n}.jsonl`;
  const ws = createWriteStream(file);
  for (const e of messageEvents(n, 1000)) ws.write(JSON.stringify(e) + '\n');
  await new Promise((r) => ws.end(r));
  const t0 = performance.now();
  const res = spawnSync('/usr/bin/time', ['-f', '%M', process.execPath, `${here}../bin/playbook.js`, 'simulate', pb, '--events', file], { encoding: 'utf8', maxBuffer: 1 << 30 });
  const secs = (performance.now() - t0) / 1000;
  const rssKb = Number(res.stderr.trim().split('\n').pop());
  const eps = Math.round((n + 1000) / secs);
  results.simulate.push({ events: n + 1000, seconds: Number(secs.toFixed(2)), eps, peak_rss_mb: Math.round(rssKb / 1024) });
  console.log(`simulate ${(n + 1000).toLocaleString('en')} events: ${secs.toFixed(2)} s, ${eps.toLocaleString('en')} events/s, peak RSS ${Math.round(rssKb / 1024)} MB, exit ${res.status}`);
}
const last = results.simulate.at(-1);
results.simulate_eps = last.eps;
results.simulate_peak_rss_mb = last.peak_rss_mb;
mkdirSync(`${here}`, { recursive: true });
writeFileSync(`${here}results.json`, JSON.stringify(results, null, 2) + '\n');
console.log(`wrote bench/results.json`);

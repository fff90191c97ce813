#!/usr/bin/env node
// `node bench/compare.mjs OLD_DIST [NEW_DIST]`: this build against an older one, side by side in
// one run (bench/README.md, "Comparing two builds"). A refactoring that must not slow the runtime
// down is measured here: build the older commit into a folder of its own (git worktree add, npm
// ci, npm run build) and pass its dist/ folder.
//
// Each measurement runs in a child process of its own (no JIT or heap state shared between the
// builds), and the rounds alternate old, new, old, new…, so load from other processes falls on
// both alike. Before timing, both builds must produce the same actions on the same events.
//   workload: the no-ads + flood + points playbook on 10,000 joins + 100,000 messages
//   mixed:    bench/mixed.playbook (every construct) on 100,000 events of 3,000 members
// Reported: best and median events/s per build and the ratio new/old of the best.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
const ROUNDS = Number(process.env.COMPARE_ROUNDS ?? 5);
/** Events per measurement (COMPARE_EVENTS=20000 for a run under valgrind --tool=callgrind). */
const EVENTS = Number(process.env.COMPARE_EVENTS ?? 100_000);

async function child(dist, section) {
  const { compile, createRuntime } = await import(pathToFileURL(resolve(dist, 'index.js')).href);
  const { messageEvents, mixedEvents, WORKLOAD_PLAYBOOK } = await import('./generate.mjs');
  const source = section === 'workload' ? WORKLOAD_PLAYBOOK : readFileSync(`${here}mixed.playbook`, 'utf8');
  const { ir, diagnostics } = compile(source, { file: `${section}.playbook` });
  if (!ir) throw new Error(`${section} does not compile with ${dist}: ${diagnostics[0]?.message}`);
  const generated = section === 'workload' ? [...messageEvents(EVENTS, Math.ceil(EVENTS / 10))] : mixedEvents(EVENTS, Math.ceil(EVENTS / 33));
  const events = generated.map((e) => JSON.parse(JSON.stringify(e)));
  const run = (keep) => {
    const rt = createRuntime(ir);
    const hash = keep ? createHash('sha256') : undefined;
    let count = 0;
    for (let i = 0; i < events.length; i++) {
      const actions = rt.dispatch(events[i]);
      count += actions.length;
      if (hash) for (const a of actions) hash.update(JSON.stringify(a));
    }
    rt.close?.();
    return { count, digest: hash?.digest('hex') };
  };
  const check = run(true);
  run(false);
  globalThis.gc?.();
  const t0 = performance.now();
  run(false);
  const seconds = (performance.now() - t0) / 1000;
  process.stdout.write(JSON.stringify({ eps: events.length / seconds, actions: check.count, digest: check.digest }));
}

function measure(dist, section) {
  const r = spawnSync(process.execPath, ['--expose-gc', fileURLToPath(import.meta.url), '--child', dist, section], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`child failed for ${dist} ${section}:\n${r.stderr}`);
  return JSON.parse(r.stdout);
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

async function main() {
  const [oldDist, newDist = `${here}../dist`] = process.argv.slice(2);
  if (!oldDist) {
    console.error('usage: node bench/compare.mjs OLD_DIST [NEW_DIST]');
    process.exit(2);
  }
  const builds = { old: resolve(oldDist), new: resolve(newDist) };
  for (const section of ['workload', 'mixed']) {
    const eps = { old: [], new: [] };
    let seen;
    for (let round = 0; round < ROUNDS; round++) {
      for (const which of round % 2 ? ['new', 'old'] : ['old', 'new']) {
        const r = measure(builds[which], section);
        if (seen && (r.digest !== seen.digest || r.actions !== seen.actions)) {
          throw new Error(`${section}: the ${which} build produced different actions (${r.actions} vs ${seen.actions})`);
        }
        seen = r;
        eps[which].push(r.eps);
      }
    }
    const best = { old: Math.max(...eps.old), new: Math.max(...eps.new) };
    const fmt = (x) => Math.round(x).toLocaleString('en-US').padStart(9);
    console.log(
      `${section.padEnd(8)} ${seen.actions} actions, same in both. old best ${fmt(best.old)} ev/s (median ${fmt(median(eps.old))}), ` +
        `new best ${fmt(best.new)} ev/s (median ${fmt(median(eps.new))}); new/old ${(best.new / best.old).toFixed(3)}`,
    );
  }
}

if (process.argv[2] === '--child') await child(process.argv[3], process.argv[4]);
else await main();

#!/usr/bin/env node
// `npm run bench` (= npm run build && node bench/run.mjs): the benchmark suite of issue 5.
// What each part measures is in bench/README.md; in short:
//  1. compile: parse + check + compile of a generated 1,000-rule playbook (best of 5).
//  2. workload: the no-ads + flood + points playbook on 10,000 joins + 100,000 messages, in this
//     process, engine by engine on the same pre-parsed events: the runtime (generated and fast
//     engines), a hand-written loop,
//     json-rules-engine, XState `transition()` on stored snapshots, live XState actors. Every
//     engine must first produce exactly the runtime's actions (deep-equal), or the bench stops.
//  3. mixed: a playbook with every construct (bench/mixed.playbook), runtime `fast`, `generated`
//     and `reference` engines on a small stream (they must agree), `fast` and `generated` on a large one.
//  4. heap bytes per member at 100,000 members, each kind in a child process with --expose-gc.
//  5. `playbook simulate` end to end on 10k, 100k and 1M-event JSONL files: time and peak RSS; at
//     1M, interleaved with its I/O floor (bench/floor.mjs, issue 20 item 4).
//  6. regexes (bench/regex.mjs, issue 13): the worst match time over an adversarial set on 100 KB
//     messages, and the cost per short message of typical patterns, JavaScript RegExp vs RE2.
//  7. start-up (bench/startup.mjs, issue 20): `playbook --version` and a short `playbook check`
//     over `node -e 0`, medians of 10.
//  8. editor keystrokes (bench/lsp-keystroke.mjs, issue 19): a 1,000-rule playbook in the language
//     service, in process and over stdio against `playbook lsp`; p50 and p99 per keystroke.
//  9. cluster mode (bench/cluster.mjs, issue 18): `serve --db postgres://…` with 1, 2 and 4
//     processes against the SQLite server, 8 clients, batches of 1 and 100 events: events/s, p50/p99
//     (skipped with a line when PostgreSQL is not installed).
// Results: a table on stdout and bench/results.json. Nothing here is asserted by `npm test`.
//
// BENCH_QUICK=1 shrinks every input (for working on the bench itself; figures not comparable).
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { cpus, loadavg, release, totalmem, type as osType } from 'node:os';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { compile, createRuntime } from '../dist/index.js';
import { Progress } from '../dist/cli/progress.js';
import { compileMatcher } from '../dist/stdlib/text-match.js';
import { messageEvents, mixedEvents, playbookWithRules, WORKLOAD_PLAYBOOK } from './generate.mjs';
import { createHandwritten } from './handwritten.mjs';
import { createJsonRules } from './jsonrules.mjs';
import { regexSection } from './regex.mjs';
import { startupSection } from './startup.mjs';
import { lspKeystrokeSection } from './lsp-keystroke.mjs';
import { clusterSection } from './cluster.mjs';
import { groupCommitSection } from './groupcommit.mjs';
import { createXStateActors, createXStatePure } from './xstate.mjs';
import { actionCounts, assertSameActions, MismatchError } from './verify.mjs';

const QUICK = process.env.BENCH_QUICK === '1';
const SIZES = QUICK
  ? {
      members: 1000,
      messages: 10_000,
      mixedSmall: 500,
      mixedSmallMembers: 25,
      mixedLarge: 5000,
      mixedLargeMembers: 150,
      heapMembers: 10_000,
      simulate: [10_000, 30_000, 100_000],
    }
  : {
      members: 10_000,
      messages: 100_000,
      mixedSmall: 2000,
      mixedSmallMembers: 100,
      mixedLarge: 100_000,
      mixedLargeMembers: 3000,
      heapMembers: 100_000,
      simulate: [10_000, 100_000, 1_000_000],
    };
const SIMULATE_MEMBERS = 1000;
const FAST_ROUNDS = 7;
const SLOW_ROUNDS = 2;

const here = fileURLToPath(new URL('.', import.meta.url));
const root = fileURLToPath(new URL('..', import.meta.url));
const outDir = `${here}out`;
mkdirSync(outDir, { recursive: true });
const startedAt = performance.now();

// A full GC between timed rounds, so one engine's garbage is not collected on another's time.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc');

const fmtInt = (n) => Math.round(n).toLocaleString('en');
const log = (s) => console.log(s);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const results = {
  machine: `${cpus()[0]?.model ?? 'unknown CPU'} x${cpus().length}, ${Math.round(totalmem() / 2 ** 30)} GiB, ${osType()} ${release()}, node ${process.version}`,
  date: new Date().toISOString(),
  load_average_at_start: Number(loadavg()[0].toFixed(2)),
  quick: QUICK,
};
log(`Playbook benchmarks${QUICK ? ' (BENCH_QUICK: small inputs, figures not comparable)' : ''}`);
log(`machine: ${results.machine}; load average ${results.load_average_at_start}\n`);

// On a terminal (and not under CI), a progress bar on stderr between sections: share done, ETA.
const progress = process.stderr.isTTY && !process.env.CI ? new Progress((t) => process.stderr.write(t), 'sections') : undefined;
const sections = [
  compileSection,
  workloadSection,
  mixedSection,
  heapSection,
  simulateSection,
  () => regexSection(results, log, { quick: QUICK }),
  () => startupSection(results, log, { root, quick: QUICK }),
  () => lspKeystrokeSection(results, log, { root, quick: QUICK }),
  () => clusterSection(results, log, { root, quick: QUICK }),
  () => groupCommitSection(results, log, { root, quick: QUICK }),
];
try {
  for (let i = 0; i < sections.length; i++) {
    progress?.done();
    await sections[i]();
    progress?.update(i + 1, (i + 1) / sections.length);
  }
  progress?.done();
} catch (e) {
  console.error(`\nbench ${e instanceof MismatchError ? 'aborted' : 'failed'}: ${e?.message ?? e}`);
  process.exit(1);
}
results.load_average_at_end = Number(loadavg()[0].toFixed(2));
results.bench_seconds = Number(((performance.now() - startedAt) / 1000).toFixed(1));
printTable();
writeFileSync(`${here}results.json`, JSON.stringify(results, null, 2) + '\n');
log(`\nwrote bench/results.json (bench took ${results.bench_seconds} s after the build)`);

// ------------------------------------------------------------------------------------ sections

function compileSection() {
  const source = playbookWithRules(1000);
  const first = compile(source, { file: 'rules-1000.playbook' });
  if (!first.ir) throw new Error(`the 1,000-rule playbook does not compile: ${first.diagnostics[0]?.message}`);
  const times = [];
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    compile(source, { file: 'rules-1000.playbook' });
    times.push(performance.now() - t0);
  }
  results.compile_1000_rules_ms = Math.round(Math.min(...times));
  results.compile_1000_rules_median_ms = Math.round(median(times));
  log(`compile, 1,000 rules: ${results.compile_1000_rules_ms} ms (best of 5 after a warm-up; median ${results.compile_1000_rules_median_ms} ms)`);
}

/** Events as a platform adapter hands them over: each one parsed from its own JSON line. */
function asParsed(generated) {
  const out = [];
  for (const e of generated) out.push(JSON.parse(JSON.stringify(e)));
  return out;
}

/** One engine over the whole stream; `collect` keeps every action (for the equality check). */
function runSync(engine, events, collect) {
  let count = 0;
  const all = collect ? [] : undefined;
  for (let i = 0; i < events.length; i++) {
    const actions = engine.dispatch(events[i]);
    count += actions.length;
    if (all) for (const a of actions) all.push(a);
  }
  return { count, all };
}

async function runAsync(engine, events, collect) {
  let count = 0;
  const all = collect ? [] : undefined;
  for (let i = 0; i < events.length; i++) {
    const actions = await engine.dispatch(events[i]);
    count += actions.length;
    if (all) for (const a of actions) all.push(a);
  }
  return { count, all };
}

/**
 * The last instance of each fast engine outlives the next round's collection. V8 reaches an
 * object shape from its parent shape only weakly: once every object of a shape has died, the
 * collector drops it and deoptimizes the code built on it, so after the previous round's engine
 * died each round measured V8 learning the engine's shapes again, which a runtime serving one
 * stream does once (docs/performance.md, "Rounds and shapes"). The slow engines' instances are not
 * kept: their heaps (10,000 XState actors) would make every other round's collections slower.
 */
function keepUntilNextRound(e, engine) {
  if (e.rounds === FAST_ROUNDS) e.previous = engine;
}

async function workloadSection() {
  const { ir, diagnostics } = compile(WORKLOAD_PLAYBOOK, { file: 'workload.playbook' });
  if (!ir) throw new Error(`the workload playbook does not compile: ${diagnostics[0]?.message}`);
  const events = asParsed(messageEvents(SIZES.messages, SIZES.members));
  const engines = [
    { key: 'runtime', label: 'runtime (fast engine)', make: () => createRuntime(ir), rounds: FAST_ROUNDS },
    { key: 'generated', label: 'runtime (generated)', make: () => createRuntime(ir, { engine: 'generated' }), rounds: FAST_ROUNDS },
    { key: 'handwritten', label: 'hand-written loop', make: () => createHandwritten(), rounds: FAST_ROUNDS },
    { key: 'jsonrules', label: 'json-rules-engine', make: () => createJsonRules(ir), rounds: SLOW_ROUNDS, async: true },
    { key: 'xstate_pure', label: 'XState transition()', make: () => createXStatePure(), rounds: SLOW_ROUNDS },
    { key: 'xstate_actor', label: 'XState actors', make: () => createXStateActors(), rounds: SLOW_ROUNDS },
  ];
  log(`workload: ${fmtInt(SIZES.members)} joins + ${fmtInt(SIZES.messages)} messages = ${fmtInt(events.length)} events`);
  // The honesty check: a full pass per engine, every action kept and compared with the
  // runtime's. It is also the warm-up; for the slow engines (a pass takes seconds, keeping the
  // actions is noise) it is timed and counts as their first round.
  let expected;
  for (const e of engines) {
    e.times = [];
    const engine = e.make();
    gc();
    const t0 = performance.now();
    const { all } = e.async ? await runAsync(engine, events, true) : runSync(engine, events, true);
    if (e.rounds < FAST_ROUNDS) e.times.push((performance.now() - t0) / 1000);
    keepUntilNextRound(e, engine);
    if (!expected) {
      expected = all;
      results.workload = { events: events.length, members: SIZES.members, actions: all.length, action_types: actionCounts(all) };
    } else assertSameActions(e.label, expected, all);
  }
  log(`  all six engines produce the same ${fmtInt(expected.length)} actions (deep-equal, in order)`);
  // eslint-disable-next-line no-useless-assignment -- drops the kept actions before the timed rounds, so the heap they fill is not the engines' to collect
  expected = undefined;
  // Timed rounds, interleaved so that load from other processes falls on every engine; the
  // slow engines' further rounds are spread among the fast ones'.
  for (const e of engines) {
    const more = e.rounds - e.times.length;
    e.slots = new Set(Array.from({ length: more }, (_, i) => Math.floor(((i + 0.5) * FAST_ROUNDS) / more)));
  }
  for (let round = 0; round < FAST_ROUNDS; round++) {
    for (const e of engines) {
      if (!e.slots.has(round)) continue;
      const engine = e.make();
      gc();
      const t0 = performance.now();
      if (e.async) await runAsync(engine, events, false);
      else runSync(engine, events, false);
      e.times.push((performance.now() - t0) / 1000);
      keepUntilNextRound(e, engine);
    }
  }
  for (const e of engines) {
    const best = Math.min(...e.times);
    results[`${e.key}_eps`] = Math.round(events.length / best);
    results[`${e.key}_median_eps`] = Math.round(events.length / median(e.times));
    log(
      `  ${e.label.padEnd(22)} ${fmtInt(results[`${e.key}_eps`]).padStart(11)} events/s (best of ${e.times.length}; median ${fmtInt(results[`${e.key}_median_eps`])})`,
    );
  }
  // The issue-20 target is the generated engine's (docs/performance.md, "Generated engine"); the fast engine's beside it.
  results.ratio_runtime_handwritten = Number((results.generated_eps / results.handwritten_eps).toFixed(3));
  results.ratio_runtime_handwritten_median = Number((results.generated_median_eps / results.handwritten_median_eps).toFixed(3));
  results.ratio_runtime_fast_handwritten = Number((results.runtime_eps / results.handwritten_eps).toFixed(3));
  // The regex engine's own cost on these messages (every engine above runs /https?:\/\// on RE2).
  const texts = events.filter((e) => e.type === 'message.posted').map((e) => e.text);
  const js = /https?:\/\//;
  const re2 = compileMatcher([{ regex: 'https?:\\/\\/', flags: '' }]);
  const perText = (test) => {
    const t0 = performance.now();
    for (let i = 0; i < texts.length; i++) test(texts[i]);
    return ((performance.now() - t0) * 1e6) / texts.length;
  };
  const nsJs = [];
  const nsRe2 = [];
  for (let i = 0; i < 5; i++) {
    nsJs.push(perText((t) => js.test(t)));
    nsRe2.push(perText(re2));
  }
  results.workload_regex = { messages: texts.length, regexp_ns: Math.round(median(nsJs)), re2_ns: Math.round(median(nsRe2)) };
  log(`  the link regex alone, per message: JavaScript RegExp ${results.workload_regex.regexp_ns} ns, RE2 ${results.workload_regex.re2_ns} ns (medians of 5)`);
  results.ratio_runtime_jsonrules = Number((results.runtime_eps / results.jsonrules_eps).toFixed(1));
  results.ratio_runtime_xstate_pure = Number((results.runtime_eps / results.xstate_pure_eps).toFixed(1));
  results.ratio_runtime_xstate_actor = Number((results.runtime_eps / results.xstate_actor_eps).toFixed(1));
}

function mixedSection() {
  const source = readFileSync(`${here}mixed.playbook`, 'utf8');
  const { ir, diagnostics } = compile(source, { file: 'bench/mixed.playbook' });
  if (!ir) throw new Error(`bench/mixed.playbook does not compile: ${diagnostics[0]?.message}`);
  const end = '2026-07-06T00:00:00+08:00';
  // The last runtime of each engine stays reachable, as in the workload's rounds (V8's shapes).
  const kept = new Map();
  const run = (engine, events, collect) => {
    const rt = createRuntime(ir, { engine });
    try {
      const r = runSync(rt, events, collect);
      const tail = rt.advance(end);
      return { count: r.count + tail.length, all: r.all && [...r.all, ...tail] };
    } finally {
      rt.close();
      kept.set(engine, rt);
    }
  };
  const timed = (engine, events, rounds, warmups = 0) => {
    for (let i = 0; i < warmups; i++) run(engine, events, false);
    const times = [];
    for (let i = 0; i < rounds; i++) {
      gc();
      const t0 = performance.now();
      run(engine, events, false);
      times.push((performance.now() - t0) / 1000);
    }
    return Math.round(events.length / Math.min(...times));
  };
  const small = asParsed(mixedEvents(SIZES.mixedSmall, SIZES.mixedSmallMembers));
  const fast = run('fast', small, true).all;
  const reference = run('reference', small, true).all;
  assertSameActions('the reference engine', fast, reference);
  assertSameActions('the generated engine', fast, run('generated', small, true).all);
  const large = asParsed(mixedEvents(SIZES.mixedLarge, SIZES.mixedLargeMembers));
  const largeActions = run('fast', large, true).all;
  assertSameActions('the generated engine (large stream)', largeActions, run('generated', large, true).all);
  // Interleaved rounds: load from other processes falls on both engines alike.
  const both = (events, rounds, warmups) => {
    const f = [];
    const g = [];
    for (let i = 0; i < rounds; i++) {
      f.push(timed('fast', events, 1, i === 0 ? warmups : 0));
      g.push(timed('generated', events, 1, i === 0 ? warmups : 0));
    }
    return [Math.max(...f), Math.max(...g)];
  };
  const [fastSmall, generatedSmall] = both(small, 10, 10);
  const [fastLarge, generatedLarge] = both(large, 3, 0);
  results.mixed = {
    small_events: small.length,
    small_actions: fast.length,
    constructs_with_actions: [...new Set(fast.map((a) => a.source.split(':')[0]))].sort(),
    // A small stream is over before the JIT has settled: warm up first (a round takes ~50 ms).
    fast_eps: fastSmall,
    generated_eps: generatedSmall,
    reference_eps: timed('reference', small, 1),
    large_events: large.length,
    large_members: SIZES.mixedLargeMembers,
    large_actions: largeActions.length,
    large_fast_eps: fastLarge,
    large_generated_eps: generatedLarge,
  };
  results.mixed.ratio_fast_reference = Number((results.mixed.fast_eps / results.mixed.reference_eps).toFixed(1));
  results.mixed.ratio_generated_fast = Number((results.mixed.generated_eps / results.mixed.fast_eps).toFixed(2));
  log(`mixed playbook (every construct), ${fmtInt(small.length)} events: fast, generated and reference engines agree on ${fmtInt(fast.length)} actions`);
  log(
    `  fast ${fmtInt(results.mixed.fast_eps)} events/s, generated ${fmtInt(results.mixed.generated_eps)}, reference ${fmtInt(results.mixed.reference_eps)}; on ${fmtInt(large.length)} events: fast ${fmtInt(results.mixed.large_fast_eps)}, generated ${fmtInt(results.mixed.large_generated_eps)} events/s`,
  );
}

function heapSection() {
  const measure = (kind) => {
    const r = spawnSync(process.execPath, ['--expose-gc', `${here}heap.mjs`, kind, String(SIZES.heapMembers)], { encoding: 'utf8', maxBuffer: 1 << 24 });
    if (r.status !== 0) throw new Error(`bench/heap.mjs ${kind} failed (exit ${r.status}): ${r.stderr.trim().split('\n').slice(-3).join(' | ')}`);
    return JSON.parse(r.stdout.trim().split('\n').pop());
  };
  const runtime = measure('runtime');
  const actors = measure('xstate-actors');
  const snapshots = measure('xstate-snapshots');
  results.heap = { members: SIZES.heapMembers, runtime, xstate_actors: actors, xstate_snapshots: snapshots };
  results.bytes_per_member = runtime.idle;
  results.bytes_per_member_after_message = runtime.message;
  results.xstate_bytes_per_actor = actors.idle;
  log(
    `heap per member at ${fmtInt(SIZES.heapMembers)} members: runtime ${runtime.idle} B idle, ${runtime.message} B after one message (${runtime.ids} B of it event ids);`,
  );
  log(`  XState actors ${actors.idle} B / ${actors.message} B; XState stored snapshots ${snapshots.idle} B / ${snapshots.message} B`);
}

/** The JSONL inputs of `simulate`, rewritten only when the generator or the sizes change. */
function simulateInputs() {
  const generator = createHash('sha256')
    .update(readFileSync(`${here}generate.mjs`))
    .digest('hex')
    .slice(0, 16);
  const files = [];
  for (const lines of SIZES.simulate) {
    const file = `${outDir}/events-${lines}.jsonl`;
    const stamp = `${file}.source`;
    const want = `${generator} ${lines} ${SIMULATE_MEMBERS}`;
    files.push({ lines, file });
    if (existsSync(file) && existsSync(stamp) && readFileSync(stamp, 'utf8') === want) continue;
    const fd = openSync(file, 'w');
    let buffer = '';
    for (const e of messageEvents(lines - SIMULATE_MEMBERS, SIMULATE_MEMBERS)) {
      buffer += JSON.stringify(e) + '\n';
      if (buffer.length > 1 << 20) {
        writeSync(fd, buffer);
        buffer = '';
      }
    }
    writeSync(fd, buffer);
    closeSync(fd);
    writeFileSync(stamp, want);
  }
  return files;
}

/**
 * `playbook simulate` end to end on each input (time, peak RSS), and at the largest the I/O floor
 * of issue 20, item 4 (bench/floor.mjs: the same reading and line splitting, JSON.parse per line,
 * one JSON.stringify'd action per event, no runtime), timed the same way: wall time of a process
 * of its own, start-up included, interleaved with simulate, medians of 3.
 */
function simulateSection() {
  const playbook = `${outDir}/workload.playbook`;
  writeFileSync(playbook, WORKLOAD_PLAYBOOK);
  const files = simulateInputs();
  const haveTime = existsSync('/usr/bin/time');
  /** One process: wall seconds, peak RSS in KB and stderr. */
  const timed = (script, args, what) => {
    const command = haveTime
      ? ['/usr/bin/time', ['-f', 'peak-rss-kb %M', process.execPath, script, ...args]]
      : [process.execPath, [`${here}rss.mjs`, script, ...args]];
    const out = openSync('/dev/null', 'w');
    const t0 = performance.now();
    const r = spawnSync(command[0], command[1], { stdio: ['ignore', out, 'pipe'], encoding: 'utf8', maxBuffer: 1 << 24 });
    const seconds = (performance.now() - t0) / 1000;
    closeSync(out);
    const rss = /peak-rss-kb (\d+)/.exec(r.stderr);
    if (r.status !== 0 || !rss) throw new Error(`${what} failed (exit ${r.status}): ${r.stderr.trim().split('\n').slice(-3).join(' | ')}`);
    return { seconds, rssKb: Number(rss[1]), stderr: r.stderr };
  };
  const simulate = (lines, file, extra = []) => {
    const r = timed(`${root}bin/playbook.js`, ['simulate', playbook, '--events', file, ...extra], `simulate on ${file}`);
    const summary = /simulate: (\d+) events read.* (\d+) actions in ([\d.]+)s/.exec(r.stderr);
    if (!summary) throw new Error(`simulate on ${file} printed no summary: ${r.stderr.trim().split('\n').slice(-3).join(' | ')}`);
    if (Number(summary[1]) !== lines) throw new Error(`simulate read ${summary[1]} events of ${lines} in ${file}`);
    return { seconds: r.seconds, rssKb: r.rssKb, processing: Number(summary[3]), actions: Number(summary[2]) };
  };
  const floor = (lines, file) => {
    const r = timed(`${here}floor.mjs`, [file], `bench/floor.mjs on ${file}`);
    if (!r.stderr.includes(`floor: ${lines} events`)) throw new Error(`bench/floor.mjs did not read ${lines} events of ${file}: ${r.stderr.trim()}`);
    return r;
  };
  results.simulate = [];
  log(`simulate end to end (${fmtInt(SIMULATE_MEMBERS)} members; read, parse, run, write to /dev/null):`);
  for (const { lines, file } of files) {
    const runs = [simulate(lines, file)];
    const floors = [];
    if (lines === files.at(-1).lines) {
      for (let i = 0; i < 3; i++) {
        floors.push(floor(lines, file));
        if (i < 2) runs.push(simulate(lines, file));
      }
    }
    const mid = (key) => median(runs.map((x) => x[key]));
    const seconds = mid('seconds');
    const row = {
      events: lines,
      seconds: Number(seconds.toFixed(2)),
      eps: Math.round(lines / seconds),
      processing_seconds: mid('processing'),
      processing_eps: Math.round(lines / Math.max(mid('processing'), 0.001)),
      actions: runs[0].actions,
      peak_rss_mb: Math.round(mid('rssKb') / 1024),
      input_mb: Number((statSync(file).size / 2 ** 20).toFixed(1)),
      ...(runs.length > 1 ? { runs: runs.length } : {}),
    };
    results.simulate.push(row);
    log(
      `  ${fmtInt(lines).padStart(9)} events: ${row.seconds.toFixed(2)} s, ${fmtInt(row.eps)} events/s (${fmtInt(row.processing_eps)}/s after start-up), peak RSS ${row.peak_rss_mb} MB`,
    );
    if (floors.length) {
      const floorSeconds = median(floors.map((x) => x.seconds));
      results.simulate_floor = {
        events: lines,
        seconds: Number(floorSeconds.toFixed(2)),
        eps: Math.round(lines / floorSeconds),
        peak_rss_mb: Math.round(median(floors.map((x) => x.rssKb)) / 1024),
        rounds: floors.length,
      };
      results.simulate_floor_eps = results.simulate_floor.eps;
      results.ratio_simulate_floor = Number((row.eps / results.simulate_floor.eps).toFixed(3));
      log(
        `  I/O floor (bench/floor.mjs), ${fmtInt(lines)} events: ${results.simulate_floor.seconds.toFixed(2)} s, ${fmtInt(results.simulate_floor.eps)} events/s; simulate / floor ${results.ratio_simulate_floor.toFixed(2)} (medians of ${floors.length}, interleaved)`,
      );
    }
  }
  const last = results.simulate.at(-1);
  results.simulate_eps = last.eps;
  results.simulate_processing_eps = last.processing_eps;
  results.simulate_peak_rss_mb = last.peak_rss_mb;
  const previous = results.simulate.at(-2);
  if (previous) results.simulate_rss_growth_last_10x = Number((last.peak_rss_mb / previous.peak_rss_mb).toFixed(2));
  const at = (n) => results.simulate.find((x) => x.events === n);
  if (at(100_000) && at(1_000_000)) results.rss_growth_100k_1m = Number((at(1_000_000).peak_rss_mb / at(100_000).peak_rss_mb).toFixed(2));
  // The same two inputs with a horizon shorter than both streams (14 hours and 5.8 days of event
  // time), so that ids are forgotten as they go: what the memory of a group running for months
  // looks like (docs/performance.md, "Memory and simulate floor").
  const short = files.filter((f) => f.lines === 100_000 || f.lines === 1_000_000);
  if (short.length === 2) {
    const [small, large] = short.map((f) => simulate(f.lines, f.file, ['--horizon', '1h']));
    results.simulate_horizon_1h = { peak_rss_mb_100k: Math.round(small.rssKb / 1024), peak_rss_mb_1m: Math.round(large.rssKb / 1024) };
    results.rss_growth_100k_1m_horizon_1h = Number((large.rssKb / small.rssKb).toFixed(2));
    log(
      `  with --horizon 1h: peak RSS ${results.simulate_horizon_1h.peak_rss_mb_100k} MB at 100,000 events, ${results.simulate_horizon_1h.peak_rss_mb_1m} MB at 1,000,000 (x${results.rss_growth_100k_1m_horizon_1h})`,
    );
  }
}

// ------------------------------------------------------------------------------------ report

function printTable() {
  const r = results;
  const mark = (ok) => (ok ? '✓' : '✗');
  const rows = [];
  const row = (what, value, target = '', ok) => rows.push([what, value, target, ok === undefined ? '' : mark(ok)]);
  const eps = (n) => `${fmtInt(n)} ev/s`;
  const has = (v) => typeof v === 'number' && Number.isFinite(v);
  const gen = has(r.generated_eps);
  row(`runtime, workload (${fmtInt(r.workload.events)} events)${gen ? ', generated engine' : ''}`, eps(gen ? r.generated_eps : r.runtime_eps));
  if (gen && has(r.runtime_eps)) row('runtime, workload, fast (closure) engine', eps(r.runtime_eps));
  row('hand-written loop', eps(r.handwritten_eps));
  row('json-rules-engine', eps(r.jsonrules_eps));
  row('XState transition() on snapshots', eps(r.xstate_pure_eps));
  row('XState actors', eps(r.xstate_actor_eps));
  // Issue 20 replaced the "30x the libraries" targets by the hand-written loop (docs/performance.md).
  row(`runtime${gen ? ' (generated)' : ''} / hand-written`, r.ratio_runtime_handwritten.toFixed(2), '>= 0.9', r.ratio_runtime_handwritten >= 0.9);
  if (has(r.ratio_runtime_fast_handwritten)) row('fast engine / hand-written', r.ratio_runtime_fast_handwritten.toFixed(2));
  row('runtime / json-rules-engine', `${r.ratio_runtime_jsonrules.toFixed(1)}x`);
  row('runtime / XState transition()', `${r.ratio_runtime_xstate_pure.toFixed(1)}x`);
  row('runtime / XState actors', `${r.ratio_runtime_xstate_actor.toFixed(1)}x`);
  row(`mixed (every construct), fast engine, ${fmtInt(r.mixed.small_events)} events`, eps(r.mixed.fast_eps));
  if (has(r.mixed.generated_eps)) row(`mixed, generated engine, ${fmtInt(r.mixed.small_events)} events`, eps(r.mixed.generated_eps));
  row('mixed, reference engine (json-rules-engine + XState)', eps(r.mixed.reference_eps));
  row('mixed, fast / reference', `${r.mixed.ratio_fast_reference.toFixed(1)}x`);
  row(`mixed, fast engine, ${fmtInt(r.mixed.large_events)} events`, eps(r.mixed.large_fast_eps));
  if (has(r.mixed.large_generated_eps)) row(`mixed, generated engine, ${fmtInt(r.mixed.large_events)} events`, eps(r.mixed.large_generated_eps));
  row(`heap per idle member (${fmtInt(r.heap.members)} joined)`, `${r.bytes_per_member} B`, '<= 256 B', r.bytes_per_member <= 256);
  row('heap per member after one message', `${r.bytes_per_member_after_message} B`);
  row('heap per XState actor (idle / after one message)', `${r.xstate_bytes_per_actor} B / ${r.heap.xstate_actors.message} B`);
  row('heap per XState stored snapshot (idle / after one message)', `${r.heap.xstate_snapshots.idle} B / ${r.heap.xstate_snapshots.message} B`);
  for (const s of r.simulate) {
    const big = s === r.simulate.at(-1);
    row(
      `simulate ${fmtInt(s.events)} events: time, peak RSS`,
      `${s.seconds.toFixed(2)} s, ${s.peak_rss_mb} MB`,
      big ? '< 300 MB' : '',
      big ? s.peak_rss_mb < 300 : undefined,
    );
    row(`simulate ${fmtInt(s.events)} events: end to end (after start-up)`, `${eps(s.eps)} (${fmtInt(s.processing_eps)})`);
  }
  if (has(r.ratio_simulate_floor)) {
    const floor = has(r.simulate_floor_eps) ? ` (floor ${eps(r.simulate_floor_eps)})` : '';
    row(`simulate / I/O floor, ${fmtInt(r.simulate.at(-1).events)} events${floor}`, r.ratio_simulate_floor.toFixed(2), '>= 0.5', r.ratio_simulate_floor >= 0.5);
  }
  const growth = r.rss_growth_100k_1m ?? r.simulate_rss_growth_last_10x;
  if (growth !== undefined) {
    const [a, b] = r.simulate.slice(-2);
    row(`peak RSS growth, ${fmtInt(a.events)} -> ${fmtInt(b.events)} events`, `x${growth.toFixed(2)}`, 'flat (<= x1.25)', growth <= 1.25);
  }
  if (has(r.rss_growth_100k_1m_horizon_1h)) {
    const h = r.simulate_horizon_1h;
    row(
      'peak RSS growth, same, with --horizon 1h (ids forgotten)',
      `x${r.rss_growth_100k_1m_horizon_1h.toFixed(2)} (${h.peak_rss_mb_100k} -> ${h.peak_rss_mb_1m} MB)`,
    );
  }
  row(
    'start-up: playbook --version / node -e 0',
    `${r.ratio_version_startup_node.toFixed(2)}x (${r.startup.version_ms} / ${r.startup.node_ms} ms)`,
    '<= 2x',
    r.ratio_version_startup_node <= 2,
  );
  row(
    'start-up: playbook check (no-ads) / node -e 0',
    `${r.ratio_check_startup_node.toFixed(2)}x (${r.startup.check_ms} ms)`,
    '<= 4x',
    r.ratio_check_startup_node <= 4,
  );
  if (has(r.ratio_serve_group_commit)) {
    const rates = has(r.serve_group_commit_eps) ? ` (${eps(r.serve_group_commit_eps)} vs ${eps(r.serve_commit_per_request_eps)})` : '';
    row(
      `serve, 8 clients, 1 event per request, full sync: group commit / one commit per request${rates}`,
      `${r.ratio_serve_group_commit.toFixed(1)}x`,
      '>= 5x',
      r.ratio_serve_group_commit >= 5,
    );
  }
  row(`regex, worst match over ${r.regex_adversarial.patterns} adversarial patterns (100 KB messages)`, `${r.regex_adversarial_worst_ms.toFixed(1)} ms`);
  for (const x of r.regex_short.rows.slice(0, 2)) row(`regex per short message (${x.name}), RegExp -> RE2`, `${x.regexp_ns} -> ${x.re2_ns} ns`);
  row('compile, 1,000-rule playbook', `${r.compile_1000_rules_ms} ms`);
  const keys = r.lsp_keystroke;
  row(
    'editor keystroke, 1,000 rules, in process: p50 / p99',
    `${keys.in_process.p50_ms} / ${keys.in_process.p99_ms} ms`,
    'p50 < 50 ms',
    keys.in_process.p50_ms < 50,
  );
  row('editor keystroke over stdio (playbook lsp): p50 / p99', `${keys.stdio.p50_ms} / ${keys.stdio.p99_ms} ms`);
  row('whole bench, after the build', `${r.bench_seconds} s`);
  const widths = [0, 1, 2].map((i) => Math.max(...rows.map((x) => x[i].length), ['what', 'figure', 'target'][i].length));
  const line = (cells) => `| ${cells[0].padEnd(widths[0])} | ${cells[1].padStart(widths[1])} | ${cells[2].padEnd(widths[2])} | ${cells[3].padEnd(1)} |`;
  log('');
  log(line(['what', 'figure', 'target', ' ']));
  log(`|${'-'.repeat(widths[0] + 2)}|${'-'.repeat(widths[1] + 1)}:|${'-'.repeat(widths[2] + 2)}|---|`);
  for (const x of rows) log(line(x));
}

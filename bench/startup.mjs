// Start-up of the command line (issue 20, item 2): wall time of `playbook --version` and of
// `playbook check examples/no-ads.playbook`, each over `node -e 0` (node's own start, the floor),
// medians of ROUNDS runs, the three interleaved so that a change of machine load hits all alike.
import { spawnSync } from 'node:child_process';

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function timeOnce(args, cwd) {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, args, { cwd, encoding: 'utf8' });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`\`node ${args.join(' ')}\` exited ${r.status}: ${r.stderr}`);
  return ms;
}

export function startupSection(results, log, { root, quick }) {
  const rounds = quick ? 3 : 10;
  const runs = {
    node: ['-e', '0'],
    version: ['bin/playbook.js', '--version'],
    check: ['bin/playbook.js', 'check', 'examples/no-ads.playbook'],
  };
  const times = { node: [], version: [], check: [] };
  for (const k of Object.keys(runs)) timeOnce(runs[k], root); // warm the file cache
  for (let i = 0; i < rounds; i++) for (const k of Object.keys(runs)) times[k].push(timeOnce(runs[k], root));
  const ms = Object.fromEntries(Object.entries(times).map(([k, v]) => [k, Math.round(median(v))]));
  results.startup = { rounds, node_ms: ms.node, version_ms: ms.version, check_ms: ms.check };
  results.ratio_version_startup_node = Number((ms.version / ms.node).toFixed(2));
  results.ratio_check_startup_node = Number((ms.check / ms.node).toFixed(2));
  log(`\nstart-up (medians of ${rounds}): node -e 0 ${ms.node} ms; playbook --version ${ms.version} ms; playbook check (no-ads) ${ms.check} ms`);
}

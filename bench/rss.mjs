// Fallback for machines without /usr/bin/time: `node bench/rss.mjs bin/playbook.js ARGS...` runs
// the CLI in this process and, at exit, writes `peak-rss-kb N` (process.resourceUsage().maxRSS)
// to stderr, the line bench/run.mjs reads from `/usr/bin/time -f 'peak-rss-kb %M'`.
import { pathToFileURL } from 'node:url';

const [entry, ...args] = process.argv.slice(2);
process.argv = [process.argv[0], entry, ...args];
process.on('exit', () => process.stderr.write(`peak-rss-kb ${process.resourceUsage().maxRSS}\n`));
await import(pathToFileURL(entry).href);

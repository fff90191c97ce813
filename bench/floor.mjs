// The I/O floor of `playbook simulate` (issue 20, item 4): `node bench/floor.mjs FILE` does what
// simulate does around the runtime and nothing else. It reads FILE the way simulate does (64 KB
// chunks, lines cut and strictly decoded by the same LineSplitter), JSON.parse's each line and
// writes one JSON.stringify'd action per event to stdout, in 64 KB batches as simulate does; then
// prints `floor: N events` to stderr. simulate's events/s over this one's, both timed end to end
// (process start-up included), is `ratio_simulate_floor` in bench/run.mjs.
import { createReadStream } from 'node:fs';
import { LineSplitter } from '../dist/stdlib/lines.js';

const file = process.argv[2];
if (!file) {
  console.error('usage: node bench/floor.mjs EVENTS.jsonl');
  process.exit(2);
}
let events = 0;
let out = '';
const lines = new LineSplitter(
  {
    line(_lineNo, text) {
      if (text === '') return;
      const e = JSON.parse(text);
      events++;
      // An action of the size and shape simulate writes (points.award, message.delete, ...).
      out +=
        JSON.stringify({ at: e.at, type: 'message.delete', community: e.community, member: e.member, messageId: e.messageId, cause: e.id, source: 'floor' }) +
        '\n';
    },
    bad() {},
  },
  1 << 20,
);
for await (const chunk of createReadStream(file, { highWaterMark: 1 << 16 })) {
  lines.push(chunk);
  if (out.length > 1 << 16) {
    if (!process.stdout.write(out)) await new Promise((resolve) => process.stdout.once('drain', resolve));
    out = '';
  }
}
lines.end();
process.stdout.write(out);
process.stderr.write(`floor: ${events} events\n`);

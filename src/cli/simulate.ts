import { createReadStream, statSync, writeFileSync } from 'node:fs';
import { compile } from '../compiler/compile.js';
import { formatDiagnostic } from '../parser/diagnostics.js';
import { createRuntime, type DispatchResult, type OutputAction } from '../runtime/runtime.js';
import { RememberedIdsFull } from '../runtime/remembered-limits.js';
import type { CommandSpec } from './main.js';
import { durationOption, readPlaybookFile, UsageError } from './io.js';
import { LineSplitter } from '../stdlib/lines.js';
import { MAX_EVENT_LINE_BYTES, MAX_LINE_NOTES } from '../limits.js';
import { renderTable } from './table.js';
import { isoDuration } from '../stdlib/durations.js';
import { FIRST_EVENT_YEAR, LAST_EVENT_YEAR, parseInstant } from '../stdlib/instants.js';
import { Progress } from './progress.js';
import { ReportCollector } from '../report/index.js';

/**
 * Lines longer than this many bytes are reported and skipped rather than parsed; tests lower it
 * to exercise the limit without writing megabytes (docs/cli.md#limits states the real one).
 */
export const simulateLimits = { maxLineBytes: MAX_EVENT_LINE_BYTES };

export const simulateCommand: CommandSpec = {
  help: `Usage: playbook simulate FILE --events F|- [options]

Runs the playbook on a JSON Lines event stream (docs/embedding.md) and prints the actions.

Options:
  --events F|-        the event file, or - for standard input (required)
  --until ISO         after the input, fire every timer due up to this instant
  --format jsonl|table|html  jsonl (default): one action per line on stdout, nothing else;
                      table: a readable per-member summary and timeline;
                      html: one self-contained HTML report (charts, moderation, leaderboard,
                      lifecycle funnel, timeline) written to --out FILE
  --out FILE          where --format html writes the report (required for html)
  --engine generated|fast|reference  generated (default): one generated function per
                      event type; fast: compiled closures (the library's default, and serve's);
                      reference: json-rules-engine and XState's transition() (same results,
                      far slower)
  --seed N            seed of the random number generator (default 1)
  --strict            exit 2 if any input line was skipped: a bad line, a duplicate or a
                      stale event
  --max-skew D        skip (as a bad line) an event whose time is more than D (e.g. 30d)
                      ahead of its community's clock, so one mistyped year cannot fire every
                      deadline at once (default: no bound)
  --horizon D         remember event ids for D of event time and skip as stale an event
                      older than the clock minus D (default: the playbook's horizon, else 7d)

A line that is not valid UTF-8, not JSON or not a valid event, or longer than
${MAX_EVENT_LINE_BYTES} bytes, is skipped with a note naming its line (docs/cli.md#limits), and
so is a duplicate (an event id seen before in its community). Diagnostics, late, bad and
duplicate line notes (at most ${MAX_LINE_NOTES}, then only counted) and the closing summary go to
stderr. Exit codes: 0 ok (also when lines were skipped), 1 playbook errors, 2 usage errors,
unreadable input, or with --strict any skipped line, duplicates included.
`,
  options: {
    events: { type: 'string', short: 'e' },
    until: { type: 'string' },
    format: { type: 'string', short: 'f' },
    seed: { type: 'string' },
    strict: { type: 'boolean' },
    'max-skew': { type: 'string' },
    horizon: { type: 'string' },
    out: { type: 'string', short: 'o' },
    engine: { type: 'string' },
  },
  async run(values, files, io) {
    if (files.length !== 1) throw new UsageError(files.length ? 'simulate takes one playbook file' : 'no playbook file given');
    const eventsPath = values['events'] as string | undefined;
    if (!eventsPath) throw new UsageError('--events F (or - for standard input) is required');
    const format = (values['format'] as string | undefined) ?? 'jsonl';
    if (format !== 'jsonl' && format !== 'table' && format !== 'html') throw new UsageError(`--format must be jsonl, table or html, not ${format}`);
    const outPath = values['out'] as string | undefined;
    if (format === 'html' && !outPath) throw new UsageError('--format html writes a file: add --out FILE, e.g. --out report.html');
    if (format !== 'html' && outPath) throw new UsageError('--out is for --format html; jsonl and table go to standard output');
    // The generated engine is the fastest and needs `new Function`, which Node always allows
    // (docs/runtime.md, "Engines"); all three give the same actions.
    const engine = (values['engine'] as string | undefined) ?? 'generated';
    if (engine !== 'fast' && engine !== 'generated' && engine !== 'reference')
      throw new UsageError(`--engine must be fast, generated or reference, not ${engine}`);
    let until: number | undefined;
    if (values['until'] !== undefined) {
      const u = values['until'] as string;
      until = parseInstant(u);
      if (!Number.isFinite(until))
        throw new UsageError(
          `--until must be an ISO-8601 instant like 2026-03-04T00:00:00+08:00, in years ${FIRST_EVENT_YEAR} to ${LAST_EVENT_YEAR}, not ${u}`,
        );
    }
    const maxSkewMs = durationOption(values['max-skew'], 'max-skew');
    const horizonMs = durationOption(values['horizon'], 'horizon');
    let seed = 1;
    if (values['seed'] !== undefined) {
      seed = Number(values['seed']);
      if (!Number.isInteger(seed)) throw new UsageError(`--seed must be an integer, not ${String(values['seed'])}`);
    }
    const file = files[0]!;
    const source = readPlaybookFile(file);
    const compiled = compile(source, { file });
    for (const d of compiled.diagnostics) io.err(formatDiagnostic(d, source) + '\n\n');
    if (!compiled.ir) return 1;
    const rt = createRuntime(compiled.ir, {
      seed,
      engine,
      ...(maxSkewMs !== undefined ? { maxSkewMs } : {}),
      ...(horizonMs !== undefined ? { horizonMs } : {}),
    });
    const report = format === 'html' ? new ReportCollector(compiled.ir, { file }) : undefined;
    try {
      let input: NodeJS.ReadableStream;
      let totalBytes: number | undefined;
      if (eventsPath === '-') input = process.stdin;
      else {
        const stream = createReadStream(eventsPath, { highWaterMark: 1 << 16 });
        await new Promise<void>((resolve, reject) => {
          stream.once('open', () => {
            resolve();
          });
          stream.once('error', (e) => {
            reject(new UsageError(`${eventsPath}: cannot read: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : e.message}`));
          });
        });
        input = stream;
        try {
          totalBytes = statSync(eventsPath).size;
        } catch {
          totalBytes = undefined;
        }
      }
      const stats = { read: 0, processed: 0, ignored: 0, bad: 0, duplicates: 0, stale: 0, late: 0, actions: 0 };
      const collected: OutputAction[] = [];
      let buffer = '';
      const emit = (actions: OutputAction[]) => {
        stats.actions += actions.length;
        if (report) return; // the collector saw them already
        if (format === 'table') {
          for (const a of actions) collected.push(a);
          return;
        }
        for (const a of actions) buffer += JSON.stringify(a) + '\n';
      };
      let notes = 0;
      // A duplicate is listed here but not in the report, which counts duplicates apart.
      const note = (line: number, text: string, inReport = true) => {
        if (inReport) report?.noteInputProblem(line, text);
        if (notes < MAX_LINE_NOTES) io.err(`${eventsPath === '-' ? '<stdin>' : eventsPath}:${line}: ${text}\n`);
        else if (notes === MAX_LINE_NOTES) io.err('(further line notes suppressed; see the summary)\n');
        notes++;
      };
      const started = Date.now();
      const progress = io.isTTY ? new Progress(io.err, 'events') : undefined;
      let bytesRead = 0;

      const handleLine = (lineNo: number, rawLine: string) => {
        // Most lines need no trimming; checking the ends is cheaper than always trimming.
        let line = rawLine;
        if (line.length > 0 && (line.charCodeAt(0) <= 32 || line.charCodeAt(line.length - 1) <= 32)) line = line.trim();
        if (line === '') return;
        stats.read++;
        let raw: unknown;
        try {
          raw = JSON.parse(line);
        } catch (e) {
          stats.bad++;
          note(lineNo, `skipped: not valid JSON (${(e as Error).message})`);
          return;
        }
        let r: DispatchResult;
        try {
          r = rt.dispatchDetailed(raw);
        } catch (e) {
          // Too many ids within the horizon is the stream's and the horizon's doing, not a bug: said
          // at its line, after the actions of the lines before it.
          if (!(e instanceof RememberedIdsFull)) throw e;
          if (buffer) io.out(buffer);
          throw new UsageError(`${eventsPath === '-' ? '<stdin>' : eventsPath}:${lineNo}: ${e.message}`);
        }
        report?.observeEvent(raw, r.actions, r.status, r.late);
        if (r.status === 'invalid') {
          stats.bad++;
          note(lineNo, `skipped: ${r.reason}`);
          return;
        }
        if (r.status === 'duplicate') {
          stats.duplicates++;
          const { id, community } = raw as { id: string; community: string };
          note(lineNo, `skipped: duplicate: event ${JSON.stringify(id)} was seen before in community ${JSON.stringify(community)}`, false);
          return;
        }
        if (r.status === 'stale') {
          stats.stale++;
          const { id } = raw as { id: string };
          note(lineNo, `skipped: stale: event ${JSON.stringify(id)} is older than the clock minus the horizon (${isoDuration(rt.horizonMs)}); see --horizon`);
          return;
        }
        if (r.status === 'ignored') stats.ignored++;
        else stats.processed++;
        if (r.late) {
          stats.late++;
          note(lineNo, `late: event ${JSON.stringify((raw as { id: string }).id)} is older than the clock; processed at the clock's time`);
        }
        if (r.actions.length) emit(r.actions);
      };

      // Lines are cut from the read chunks by hand: readline's per-line promises cost more than
      // running the playbook on the event. Chunks stay at 64 KB: with 1 MB chunks the burst of
      // objects per chunk outgrew the young generation and peak RSS at 1M events rose by ~150 MB.
      // A line over the limit or not valid UTF-8 is skipped with its number, like a line that is
      // not JSON: one bad line in a month of events should not cost the rest (docs/cli.md#limits).
      const lines = new LineSplitter(
        {
          line: handleLine,
          bad: (lineNo, reason) => {
            stats.read++;
            stats.bad++;
            note(lineNo, `skipped: ${reason}`);
          },
        },
        simulateLimits.maxLineBytes,
      );
      for await (const chunk of input) {
        const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
        bytesRead += bytes.length;
        lines.push(bytes);
        if (buffer.length > 1 << 16) {
          io.out(buffer);
          buffer = '';
          if (io.drain) await io.drain();
        }
        progress?.update(stats.read, totalBytes ? bytesRead / totalBytes : undefined);
      }
      lines.end();
      if (until !== undefined) {
        const due = rt.advance(until);
        report?.observeTimerActions(due, until);
        emit(due);
      }
      progress?.done();
      if (format === 'table') io.out(renderTable(collected, compiled.ir, rt));
      else if (buffer) io.out(buffer);
      if (report) {
        const html = report.render(rt, { ...stats, until, seed });
        try {
          writeFileSync(outPath!, html);
        } catch (e) {
          throw new UsageError(`${outPath}: cannot write the report: ${(e as Error).message}`);
        }
        io.err(`simulate: report written to ${outPath} (${Math.round(Buffer.byteLength(html) / 1024)} KB)\n`);
      }
      const secs = (Date.now() - started) / 1000;
      io.err(
        `simulate: ${stats.read} events read, ${stats.processed} processed, ${stats.ignored} ignored (unknown type), ` +
          `${stats.bad} bad lines skipped, ${stats.duplicates} duplicates, ${stats.stale ? `${stats.stale} stale, ` : ''}${stats.late} late; ${stats.actions} actions in ${secs.toFixed(2)}s (${engine} engine)\n`,
      );
      if (compiled.ir.directMessages) {
        // docs/language.md, "Direct messages": what was held, and what never went out.
        const dm = rt.directMessages();
        io.err(
          `simulate: direct messages: ${dm.held} held (${dm.released} released, ${dm.waiting} still held), ` +
            `${dm.dropped} dropped by the playbook, ${dm.gone} dropped because the member left first\n`,
        );
      }
      if (values['strict'] && stats.bad + stats.duplicates + stats.stale > 0) return 2;
      return 0;
    } finally {
      rt.close();
    }
  },
};

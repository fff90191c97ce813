import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { compile } from '../compiler/compile.js';
import { formatDiagnostic } from '../parser/diagnostics.js';
import { createRuntime, type OutputAction } from '../runtime/runtime.js';
import type { CommandSpec } from './main.js';
import { readPlaybookFile, UsageError, type Io } from './io.js';
import { renderTable } from './table.js';

/** Lines longer than this are reported and skipped rather than parsed. */
export const MAX_LINE_CHARS = 1_000_000;
const MAX_LINE_NOTES = 50;

export const simulateCommand: CommandSpec = {
  help: `Usage: playbook simulate FILE --events F|- [options]

Runs the playbook on a JSON Lines event stream (DESIGN.md section 4) and prints the actions.

Options:
  --events F|-        the event file, or - for standard input (required)
  --until ISO         after the input, fire every timer due up to this instant
  --format jsonl|table  jsonl (default): one action per line on stdout, nothing else;
                      table: a readable per-member summary and timeline
  --seed N            seed of the random number generator (default 1)
  --strict            exit 2 if any input line was skipped

Diagnostics, late/bad line notes and the closing summary go to stderr. Exit codes: 0 ok (also
when bad lines were skipped), 1 playbook errors, 2 usage errors, unreadable input, or with
--strict any skipped line.
`,
  options: {
    events: { type: 'string', short: 'e' },
    until: { type: 'string' },
    format: { type: 'string', short: 'f' },
    seed: { type: 'string' },
    strict: { type: 'boolean' },
    out: { type: 'string', short: 'o' },
  },
  async run(values, files, io) {
    if (files.length !== 1) throw new UsageError(files.length ? 'simulate takes one playbook file' : 'no playbook file given');
    const eventsPath = values['events'] as string | undefined;
    if (!eventsPath) throw new UsageError('--events F (or - for standard input) is required');
    const format = (values['format'] as string | undefined) ?? 'jsonl';
    if (format !== 'jsonl' && format !== 'table') throw new UsageError(`--format must be jsonl or table, not ${format}`);
    let until: number | undefined;
    if (values['until'] !== undefined) {
      const u = values['until'] as string;
      until = /^\d{4}-\d{2}-\d{2}T/.test(u) ? Date.parse(u) : NaN;
      if (!Number.isFinite(until)) throw new UsageError(`--until must be an ISO-8601 instant like 2026-03-04T00:00:00+08:00, not ${u}`);
    }
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
    const rt = createRuntime(compiled.ir, { seed });

    let input: NodeJS.ReadableStream;
    if (eventsPath === '-') input = process.stdin;
    else {
      input = createReadStream(eventsPath);
      await new Promise<void>((resolve, reject) => {
        (input as ReturnType<typeof createReadStream>).once('open', () => resolve());
        (input as ReturnType<typeof createReadStream>).once('error', (e) => reject(new UsageError(`${eventsPath}: cannot read: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : e.message}`)));
      });
    }
    const stats = { read: 0, processed: 0, ignored: 0, bad: 0, duplicates: 0, late: 0, actions: 0 };
    const collected: OutputAction[] = [];
    let buffer = '';
    const emit = (actions: OutputAction[]) => {
      stats.actions += actions.length;
      if (format === 'table') {
        collected.push(...actions);
        return;
      }
      for (const a of actions) buffer += JSON.stringify(a) + '\n';
      if (buffer.length > 1 << 16) {
        io.out(buffer);
        buffer = '';
      }
    };
    let notes = 0;
    const note = (line: number, text: string) => {
      if (notes < MAX_LINE_NOTES) io.err(`${eventsPath === '-' ? '<stdin>' : eventsPath}:${line}: ${text}\n`);
      else if (notes === MAX_LINE_NOTES) io.err('(further line notes suppressed; see the summary)\n');
      notes++;
    };
    const started = Date.now();
    let lastProgress = started;
    const rl = createInterface({ input, crlfDelay: Infinity });
    let lineNo = 0;
    for await (const rawLine of rl) {
      lineNo++;
      const line = rawLine.trim();
      if (line === '') continue;
      stats.read++;
      if (line.length > MAX_LINE_CHARS) {
        stats.bad++;
        note(lineNo, `skipped: line is ${line.length} characters long (limit ${MAX_LINE_CHARS})`);
        continue;
      }
      let raw: unknown;
      try {
        raw = JSON.parse(line);
      } catch (e) {
        stats.bad++;
        note(lineNo, `skipped: not valid JSON (${(e as Error).message})`);
        continue;
      }
      const r = rt.dispatchDetailed(raw);
      if (r.status === 'invalid') {
        stats.bad++;
        note(lineNo, `skipped: ${r.reason}`);
        continue;
      }
      if (r.status === 'duplicate') {
        stats.duplicates++;
        continue;
      }
      if (r.status === 'ignored') stats.ignored++;
      else stats.processed++;
      if (r.late) {
        stats.late++;
        note(lineNo, `late: event ${JSON.stringify((raw as { id: string }).id)} is older than the clock; processed at the clock's time`);
      }
      emit(r.actions);
      if (io.isTTY && stats.read % 10_000 === 0 && Date.now() - lastProgress > 250) {
        lastProgress = Date.now();
        const secs = (lastProgress - started) / 1000;
        io.err(`\r${stats.read.toLocaleString('en')} events, ${Math.round(stats.read / Math.max(secs, 0.001)).toLocaleString('en')}/s`);
      }
    }
    if (until !== undefined) emit(rt.advance(until));
    if (io.isTTY && stats.read >= 10_000) io.err('\r\x1b[K');
    if (format === 'table') io.out(renderTable(collected, compiled.ir, rt));
    else if (buffer) io.out(buffer);
    const secs = (Date.now() - started) / 1000;
    io.err(
      `simulate: ${stats.read} events read, ${stats.processed} processed, ${stats.ignored} ignored (unknown type), ` +
        `${stats.bad} bad lines skipped, ${stats.duplicates} duplicates, ${stats.late} late; ${stats.actions} actions in ${secs.toFixed(2)}s\n`,
    );
    if (values['strict'] && stats.bad > 0) return 2;
    return 0;
  },
};

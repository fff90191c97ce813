import { isoDuration } from '../stdlib/durations.js';
import { isoInZone } from '../stdlib/calendar.js';
import type { IR } from '../ir/schema.js';
import { validateEvent } from '../runtime/events.js';
import { LineSplitter } from '../stdlib/lines.js';
import { MAX_EVENT_LINE_BYTES, MAX_EVENT_PROBLEMS } from '../limits.js';
import { HttpError, utf8 } from './http.js';

/** The wall-clock guard of `parseEvents`: events after `now + maxSkewMs` are bad lines. */
export interface SkewGuard {
  now: number;
  maxSkewMs: number;
  /** The playbook's zone, to show the server's time as the actions show times. */
  zone: string;
}

/**
 * The events of a request body: one JSON object (it may be pretty-printed), or JSON Lines. Every
 * line is checked before any is processed, so a body with a bad line changes nothing and its
 * problems come back with line numbers; the client fixes or drops those lines and sends the
 * body again. Lines are cut by the same reader as `simulate` (src/cli/io.ts): a line over
 * MAX_EVENT_LINE_BYTES or not valid UTF-8 is a problem of its own line, with its number.
 */
export function parseEvents(body: Buffer | string, ir: IR, maxLineBytes = MAX_EVENT_LINE_BYTES, ahead?: SkewGuard): unknown[] {
  const bytes = typeof body === 'string' ? Buffer.from(body) : body;
  const problems: { line: number; message: string }[] = [];
  let events: { line: number; raw: unknown }[] = [];
  let single: unknown;
  let text: string | undefined;
  try {
    text = utf8(bytes);
  } catch {
    text = undefined; // the lines below say which are not UTF-8
  }
  if (text !== undefined) {
    try {
      single = JSON.parse(text);
    } catch {
      single = undefined;
    }
  }
  if (single !== undefined && typeof single === 'object' && single !== null && !Array.isArray(single)) {
    if (bytes.length > maxLineBytes) throw new HttpError(400, `the event is ${bytes.length} bytes long; an event is at most ${maxLineBytes} bytes`);
    events = [{ line: 1, raw: single }];
  } else {
    const lines = new LineSplitter(
      {
        line: (lineNo, raw) => {
          const line = raw.trim();
          if (line === '') return;
          try {
            events.push({ line: lineNo, raw: JSON.parse(line) });
          } catch (e) {
            problems.push({ line: lineNo, message: `not valid JSON: ${(e as Error).message}` });
          }
        },
        bad: (lineNo, reason) => problems.push({ line: lineNo, message: reason }),
      },
      maxLineBytes,
    );
    lines.push(bytes);
    lines.end();
  }
  if (events.length === 0 && problems.length === 0) throw new HttpError(400, 'the request body has no events (send one JSON event or JSON Lines)');
  let aheadOfClock = 0;
  for (const { line, raw } of events) {
    const v = validateEvent(raw, ir.events);
    if (!v.ok) problems.push({ line, message: v.reason });
    else if (ahead && v.event.atMs - ahead.now > ahead.maxSkewMs) {
      aheadOfClock++;
      problems.push({
        line,
        message: `"at" is ${isoDuration(v.event.atMs - ahead.now)} after the server's clock (${isoInZone(ahead.now, ahead.zone)}); this server runs on the wall clock and takes events at most ${isoDuration(ahead.maxSkewMs)} ahead (--max-skew)`,
      });
    }
  }
  if (problems.length > 0) {
    problems.sort((a, b) => a.line - b.line);
    const total = problems.length;
    throw new HttpError(400, `${total} line${total === 1 ? ' is' : 's are'} not valid events; nothing was processed`, {
      problems: problems.slice(0, MAX_EVENT_PROBLEMS),
      ...(total > MAX_EVENT_PROBLEMS ? { moreProblems: total - MAX_EVENT_PROBLEMS } : {}),
      ...(aheadOfClock ? { aheadOfClock } : {}),
    });
  }
  return events.map((e) => e.raw);
}

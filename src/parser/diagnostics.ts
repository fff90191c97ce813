import { isWideCodePoint } from '../stdlib/text-width.js';
import type { Span } from './ast.js';
import type { DiagnosticMessage, Severity } from './diagnostic-codes.js';

export type { Severity } from './diagnostic-codes.js';

export interface Diagnostic {
  severity: Severity;
  /** Stable code, e.g. `E0201`: src/parser/diagnostic-codes.ts, documented in docs/diagnostics.md. */
  code: string;
  message: string;
  file: string;
  line: number;
  column: number;
  /** Length of the underlined span, in characters (at least 1). */
  length: number;
  hint?: string;
}

export function spanOf(text: string, start: number, end: number): Span {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < start && i < text.length; i++) {
    const ch = text.charCodeAt(i);
    // \n, \r\n and a lone \r (old Mac files) each end a line, as the lexer counts them.
    if (ch === 10 || (ch === 13 && text.charCodeAt(i + 1) !== 10)) {
      line++;
      lineStart = i + 1;
    }
  }
  return { start, end, line, column: start - lineStart + 1 };
}

/**
 * `spanOf` for many offsets of one text: line starts are found once, then each span is a binary
 * search (spanOf rescans from the start, which is quadratic over thousands of comments).
 */
export function spanFinder(text: string): (start: number, end: number) => Span {
  const starts = lineStarts(text);
  return (start, end) => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= start) lo = mid;
      else hi = mid - 1;
    }
    return { start, end, line: lo + 1, column: start - starts[lo]! + 1 };
  };
}

export class DiagnosticBag {
  readonly items: Diagnostic[] = [];
  constructor(readonly file: string) {}

  /** Reports a message of the registry at `span`: `bag.report(D.E0201.unknownEvent(name), span, hint)`. */
  report(m: DiagnosticMessage, span: Span, hint?: string): void {
    const d: Diagnostic = {
      severity: m.severity,
      code: m.code,
      message: m.message,
      file: this.file,
      line: span.line,
      column: span.column,
      length: Math.max(1, span.end - span.start),
    };
    if (hint) d.hint = hint;
    this.items.push(d);
  }

  get hasErrors(): boolean {
    return this.items.some((d) => d.severity === 'error');
  }
}

export function sortDiagnostics(list: Diagnostic[]): Diagnostic[] {
  return [...list].sort((a, b) => a.line - b.line || a.column - b.column || a.code.localeCompare(b.code));
}

/**
 * `file:line:col: error[CODE]: message`, then the source line and a caret under the span, then
 * the hint. Tabs in the source line are kept so the caret lines up in a terminal.
 */
export function formatDiagnostic(d: Diagnostic, source: string | undefined): string {
  const head = `${d.file}:${d.line}:${d.column}: ${d.severity}[${d.code}]: ${d.message}`;
  const out = [head];
  if (source !== undefined) {
    const raw = sourceLine(source, d.line);
    if (raw !== undefined) {
      const shown = raw.replace(/\r$/, '');
      const clipped = shown.length > 200 ? shown.slice(0, 200) + '…' : shown;
      const gutter = String(d.line).padStart(4) + ' | ';
      out.push(gutter + clipped);
      const pad = shown.slice(0, Math.min(d.column - 1, 200)).replace(/[^\t]/g, (ch) => (isWide(ch) ? '  ' : ' '));
      const underlineLen = Math.max(1, Math.min(d.length, Math.max(1, shown.length - (d.column - 1)), 120));
      const underline = shown.slice(d.column - 1, d.column - 1 + underlineLen).replace(/./gu, (ch) => (isWide(ch) ? '^^' : '^'));
      out.push(' '.repeat(gutter.length) + pad + (underline || '^'));
    }
  }
  if (d.hint) out.push(`     = hint: ${d.hint}`);
  return out.join('\n');
}

/**
 * Line starts of the source last printed from. Callers print every diagnostic of a file against
 * the same string, so one index serves them all: splitting the source per diagnostic made
 * `check` on a megabyte of garbage take minutes (thousands of diagnostics times the whole text).
 */
let indexed: { source: string; starts: number[] } | undefined;

function sourceLine(source: string, line: number): string | undefined {
  if (indexed?.source !== source) indexed = { source, starts: lineStarts(source) };
  const { starts } = indexed;
  if (line < 1 || line > starts.length) return undefined;
  const start = starts[line - 1]!;
  let end = line < starts.length ? starts[line]! : source.length;
  // Drop the line's terminator (\n, \r\n or a lone \r).
  if (end > start && source.charCodeAt(end - 1) === 10) end--;
  if (end > start && source.charCodeAt(end - 1) === 13) end--;
  return source.slice(start, end);
}

export function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 10 || (ch === 13 && text.charCodeAt(i + 1) !== 10)) starts.push(i + 1);
  }
  return starts;
}

/** East Asian wide characters take two terminal cells; the caret must account for them. */
function isWide(ch: string): boolean {
  return isWideCodePoint(ch.codePointAt(0) ?? 0);
}

/**
 * Reading one line of a test file (src/testing/parser.ts): a cursor over the line's tokens whose
 * `fail` reports the problem and abandons the line (LineError), and the spans and token names
 * the messages use.
 */
import { D, type DiagnosticMessage } from '../parser/diagnostic-codes.js';
import type { Token } from './lexer.js';
import type { Span, TestDiagnostic } from './syntax.js';

/** Thrown to abandon the current line after its error has been reported. */
export class LineError extends Error {}

/** Where a line's problems go. */
export interface DiagnosticSink {
  report(d: TestDiagnostic): void;
}

/** A token as messages name it: `the end of the line`, `the text "…"`, `` `word` ``. */
export const describeToken = (t: Token): string => {
  switch (t.kind) {
    case 'eof':
      return 'the end of the file';
    case 'newline':
      return 'the end of the line';
    case 'string':
      return `the text ${t.text}`;
    case 'word':
      return `\`${t.text}\``;
    default:
      return `\`${t.text}\``;
  }
};

/** From the start of `a` to the end of `b`. */
export const joinSpans = (a: Span, b: Span): Span => ({ start: a.start, end: b.end, line: a.line, column: a.column });

/** Walks the tokens of one line; `fail` reports and abandons the line. */
export class LineCursor {
  private i = 0;
  constructor(
    private readonly tokens: Token[],
    private readonly sink: DiagnosticSink,
  ) {}

  peek(offset = 0): Token | undefined {
    return this.tokens[this.i + offset];
  }

  next(): Token | undefined {
    return this.tokens[this.i++];
  }

  last(): Token {
    return this.tokens[Math.max(0, this.i - 1)]!;
  }

  done(): boolean {
    return this.i >= this.tokens.length;
  }

  /** Values left on the line, a list counting as one. */
  countTerms(): number {
    let n = 0;
    let depth = 0;
    for (let j = this.i; j < this.tokens.length; j++) {
      const k = this.tokens[j]!.kind;
      if (k === 'lbracket') {
        if (depth === 0) n++;
        depth++;
      } else if (k === 'rbracket') depth = Math.max(0, depth - 1);
      else if (depth === 0 && k !== 'comma') n++;
    }
    return n;
  }

  end(): void {
    const t = this.peek();
    if (t) this.fail(t, `unexpected ${this.describe(t)} at the end of the statement`, 'one statement per line (or separate them with `;`)');
  }

  describe(t: Token | undefined): string {
    return t ? describeToken(t) : 'the end of the line';
  }

  /** A plain message is a syntax error (T0003); other problems come from the registry. */
  fail(at: Span | undefined, problem: string | DiagnosticMessage, hint?: string): never {
    const where = at ?? this.endSpan();
    const m = typeof problem === 'string' ? D.T0003.syntax(problem) : problem;
    const d: TestDiagnostic = { severity: m.severity, code: m.code, message: m.message, ...pickSpan(where) };
    if (hint) d.hint = hint;
    this.sink.report(d);
    throw new LineError(m.message);
  }

  private endSpan(): Span {
    const last = this.tokens[this.tokens.length - 1]!;
    return { start: last.end, end: last.end + 1, line: last.line, column: last.column + (last.end - last.start) };
  }
}

/** Just the span of a token or a node. */
export function pickSpan(s: Span): Span {
  return { start: s.start, end: s.end, line: s.line, column: s.column };
}

import { D, type DiagnosticMessage } from '../parser/diagnostic-codes.js';
import { parseDurationText } from '../stdlib/durations.js';
import { lexTestFile, type Token } from './lexer.js';
import { describeToken, joinSpans, LineCursor, LineError, pickSpan, type DiagnosticSink } from './line-cursor.js';
import { parseCompactEvent, parseGenericEvent } from './parse-events.js';
import { parseExpect } from './parse-expect.js';
import type { RepeatSpec, Span, Statement, TestCase, TestDiagnostic, TestFileTree, TimeSpec } from './syntax.js';
import { VERBS } from './vocabulary.js';

/**
 * Test files are line-oriented: a test is `test "name" [for "x.playbook"] { … }` and each line
 * inside is one statement. A syntax error spoils only its own line (the test is then reported as
 * failed, not run), so one run reports every mistake in the file. This file reads the tests and
 * the kind of each line; the lines themselves are read in parse-events.ts, parse-expect.ts and
 * parse-values.ts, over line-cursor.ts.
 */
export function parseTestFile(source: string): { tree: TestFileTree; diagnostics: TestDiagnostic[] } {
  const diagnostics: TestDiagnostic[] = [];
  const tokens = lexTestFile(source, (d) => diagnostics.push(d));
  const parser = new Parser(tokens, diagnostics);
  const tree = parser.file();
  // Lexer errors come before parsing; they break the test they fall in just like parse errors.
  for (const t of tree.tests) {
    if (diagnostics.some((d) => d.severity === 'error' && d.start >= t.span.start && d.start <= t.span.end)) t.broken = true;
  }
  return { tree, diagnostics };
}

/** Repetitions of one line; enough for caps, streaks and goals, small enough to stay a story. */
export const MAX_REPEAT = 1000;

class Parser implements DiagnosticSink {
  private pos = 0;
  constructor(
    private readonly tokens: Token[],
    private readonly diagnostics: TestDiagnostic[],
  ) {}

  private peek(offset = 0): Token {
    return this.tokens[Math.min(this.pos + offset, this.tokens.length - 1)]!;
  }

  private next(): Token {
    const t = this.peek();
    if (t.kind !== 'eof') this.pos++;
    return t;
  }

  /** A plain message is a syntax error (T0003); other problems come from the registry. */
  private error(span: Span, problem: string | DiagnosticMessage, hint?: string): void {
    const m = typeof problem === 'string' ? D.T0003.syntax(problem) : problem;
    const d: TestDiagnostic = { severity: m.severity, code: m.code, message: m.message, ...pickSpan(span) };
    if (hint) d.hint = hint;
    this.diagnostics.push(d);
  }

  file(): TestFileTree {
    const tests: TestCase[] = [];
    for (;;) {
      const t = this.peek();
      if (t.kind === 'eof') break;
      if (t.kind === 'newline') {
        this.next();
        continue;
      }
      if (t.kind === 'word' && t.text === 'test') {
        tests.push(this.test());
        continue;
      }
      this.error(t, `expected a test, found ${describeToken(t)}`, 'a test file is a list of tests: test "what it checks" for "club.playbook" { … }');
      this.skipOutside();
    }
    return { tests };
  }

  /** Recover from junk outside a test: skip the line, and a whole `{ … }` block if one opens. */
  private skipOutside(): void {
    let depth = 0;
    for (;;) {
      const t = this.peek();
      if (t.kind === 'eof') return;
      if (t.kind === 'lbrace') depth++;
      if (t.kind === 'rbrace') depth = Math.max(0, depth - 1);
      this.next();
      if (t.kind === 'newline' && depth === 0) return;
    }
  }

  private test(): TestCase {
    const keyword = this.next();
    const errorsBefore = this.errorCount();
    let name: string;
    let nameSpan: Span = pickSpan(keyword);
    const nameToken = this.peek();
    if (nameToken.kind === 'string') {
      this.next();
      name = String(nameToken.value);
      nameSpan = pickSpan(nameToken);
      if (name.trim() === '') {
        this.error(nameToken, 'a test needs a name', 'say what it checks: test "a second ad removes the poster" { … }');
        name = `(unnamed test at line ${keyword.line})`;
      }
    } else {
      this.error(
        nameToken,
        `expected the test's name in quotes after \`test\`, found ${describeToken(nameToken)}`,
        'test "a second ad removes the poster" { … }',
      );
      name = `(unnamed test at line ${keyword.line})`;
    }
    const tc: TestCase = { name, nameSpan, statements: [], span: pickSpan(keyword), broken: false };
    if (this.peek().kind === 'word' && this.peek().text === 'for') {
      this.next();
      const file = this.peek();
      if (file.kind === 'string') {
        this.next();
        tc.playbook = { path: String(file.value), span: pickSpan(file) };
      } else
        this.error(file, `expected the playbook's file name in quotes after \`for\`, found ${describeToken(file)}`, 'test "…" for "no-ads.playbook" { … }');
    }
    const open = this.peek();
    if (open.kind !== 'lbrace') {
      this.error(open, `expected \`{\` to open the test, found ${describeToken(open)}`, 'the `{` goes on the same line as `test`');
      // Without the brace there is no body to find; resynchronise at the next `test`.
      while (this.peek().kind !== 'eof' && !(this.peek().kind === 'word' && this.peek().text === 'test' && this.atLineStart())) this.next();
      tc.broken = true;
      return tc;
    }
    this.next();
    for (;;) {
      const t = this.peek();
      if (t.kind === 'eof') {
        this.error(keyword, `the test "${name}" has no closing \`}\``, 'end each test with a `}` on its own line');
        break;
      }
      if (t.kind === 'rbrace') {
        this.next();
        tc.span = joinSpans(pickSpan(keyword), t);
        break;
      }
      if (t.kind === 'newline') {
        this.next();
        continue;
      }
      // A `test` at the start of a line inside a test means the previous `}` is missing.
      if (t.kind === 'word' && t.text === 'test' && this.atLineStart() && this.peek(1).kind === 'string') {
        this.error(keyword, `the test "${name}" has no closing \`}\``, 'end each test with a `}` on its own line');
        break;
      }
      const line = this.lineTokens();
      try {
        tc.statements.push(this.statement(line));
      } catch (e) {
        if (!(e instanceof LineError)) throw e;
      }
    }
    tc.broken = this.errorCount() > errorsBefore;
    return tc;
  }

  private errorCount(): number {
    return this.diagnostics.filter((d) => d.severity === 'error').length;
  }

  private atLineStart(): boolean {
    const prev = this.tokens[this.pos - 1];
    return !prev || prev.kind === 'newline';
  }

  /** The tokens of one statement: up to a newline or the `}` that closes the test. */
  private lineTokens(): Token[] {
    const out: Token[] = [];
    let depth = 0;
    for (;;) {
      const t = this.peek();
      if (t.kind === 'eof' || t.kind === 'newline') break;
      if (t.kind === 'rbrace' && depth === 0) break;
      if (t.kind === 'lbracket') depth++;
      if (t.kind === 'rbracket') depth = Math.max(0, depth - 1);
      out.push(this.next());
    }
    return out;
  }

  private statement(line: Token[]): Statement {
    const s: LineCursor = new LineCursor(line, this);
    const first = s.peek()!;
    const second = s.peek(1);
    const isVerbNext = second?.kind === 'word' && second.text in VERBS;
    const span = joinSpans(first, line[line.length - 1]!);
    if (first.kind === 'word' && first.text === 'start' && !isVerbNext) {
      s.next();
      const time = s.peek();
      if (time?.kind !== 'datetime')
        s.fail(
          time,
          `expected a date and time after \`start\`, found ${s.describe(time)}`,
          "start 2026-03-02T10:00 (in the playbook's time zone) or start 2026-03-02T10:00+08:00",
        );
      s.next();
      s.end();
      return { kind: 'start', time: { kind: 'instant', text: time.text, span: pickSpan(time) }, span };
    }
    if (first.kind === 'word' && first.text === 'community' && !isVerbNext) {
      s.next();
      const name = s.peek();
      if (name?.kind !== 'word' && name?.kind !== 'string')
        s.fail(name, `expected the community's id after \`community\`, found ${s.describe(name)}`, 'community "club-1"');
      s.next();
      s.end();
      return { kind: 'community', name: String(name.kind === 'string' ? name.value : name.text), span };
    }
    const step: Statement & { kind: 'step' } = { kind: 'step', span };
    const time = this.time(s);
    if (time) step.time = time;
    if (s.done()) return step;
    let head = s.peek()!;
    let headIsVerbNext = s.peek(1)?.kind === 'word' && s.peek(1)!.text in VERBS;
    if (head.kind === 'word' && head.text === 'repeat' && !headIsVerbNext) {
      step.repeat = this.repeat(s);
      head = s.peek()!;
      headIsVerbNext = s.peek(1)?.kind === 'word' && s.peek(1)!.text in VERBS;
      if (head.kind === 'word' && head.text === 'expect' && !headIsVerbNext)
        s.fail(head, 'only events can be repeated, not expectations', 'repeat 6 every 1s: alice posts "刷屏"');
    }
    if (head.kind === 'word' && head.text === 'expect' && !headIsVerbNext) step.expect = parseExpect(s);
    else if (head.kind === 'word' && head.text === 'event' && !headIsVerbNext) step.event = parseGenericEvent(s);
    else step.event = parseCompactEvent(s);
    return step;
  }

  /** `repeat N [times] [every D]:` before an event. */
  private repeat(s: LineCursor): RepeatSpec {
    const kw = s.next()!;
    const usage = 'repeat 6 every 1s: alice posts "刷屏"';
    const n = s.peek();
    if (n?.kind !== 'number' || !Number.isInteger(n.value) || (n.value as number) < 1)
      s.fail(n, `expected how many times (a whole number from 1), found ${s.describe(n)}`, usage);
    s.next();
    if ((n.value as number) > MAX_REPEAT) s.fail(n, `at most ${MAX_REPEAT} repetitions`, 'a test states a story; large streams belong in `playbook simulate`');
    if (s.peek()?.kind === 'word' && s.peek()!.text === 'times') s.next();
    let everyMs = 0;
    if (s.peek()?.kind === 'word' && s.peek()!.text === 'every') {
      s.next();
      const d = s.peek();
      const ms = d?.kind === 'duration' ? (d.value as number) : d?.kind === 'word' ? parseDurationText(d.text) : undefined;
      if (ms === undefined) s.fail(d, `expected how far apart (like 1s, 10m or 1d), found ${s.describe(d)}`, usage);
      s.next();
      everyMs = ms;
    }
    const colon = s.peek();
    if (colon?.kind !== 'colon') s.fail(colon, `expected \`:\` before the event to repeat, found ${s.describe(colon)}`, usage);
    s.next();
    if (s.done()) s.fail(undefined, 'expected the event to repeat after `:`', usage);
    return { count: n.value as number, everyMs, span: joinSpans(kw, colon) };
  }

  private time(s: LineCursor): TimeSpec | undefined {
    const t = s.peek()!;
    if (t.kind === 'duration') {
      s.next();
      return { kind: 'wait', ms: t.value as number, span: pickSpan(t) };
    }
    if (t.kind === 'datetime') {
      s.next();
      return { kind: 'instant', text: t.text, span: pickSpan(t) };
    }
    if (t.kind === 'clock') {
      s.next();
      const [h, m, sec] = t.text.split(':').map(Number) as [number, number, number | undefined];
      if (h > 23 || m > 59 || (sec ?? 0) > 59) s.fail(t, D.T0005.notATimeOfDay(t.text), 'write hours 00-23 and minutes 00-59, e.g. 19:20');
      return { kind: 'clock', hour: h, minute: m, second: sec ?? 0, span: pickSpan(t) };
    }
    return undefined;
  }

  report(d: TestDiagnostic): void {
    this.diagnostics.push(d);
  }
}

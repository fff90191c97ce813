import { D, type DiagnosticMessage } from '../parser/diagnostic-codes.js';
import { parseDurationText } from '../stdlib/durations.js';
import { closest } from '../stdlib/suggest.js';
import { lexTestFile, type Token } from './lexer.js';
import type {
  EventSpec,
  ExpectSpec,
  FieldSpec,
  MemberRef,
  Span,
  RepeatSpec,
  Statement,
  TestCase,
  TestDiagnostic,
  TestFileTree,
  TimeSpec,
  Value,
} from './syntax.js';
import { ACTION_FIELDS, actionFields, VERB_USAGE, VERBS } from './vocabulary.js';

/**
 * Test files are line-oriented: a test is `test "name" [for "x.playbook"] { … }` and each line
 * inside is one statement. A syntax error spoils only its own line (the test is then reported as
 * failed, not run), so one run reports every mistake in the file.
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

/** Thrown to abandon the current line after its error has been reported. */
class LineError extends Error {}

const describe = (t: Token): string => {
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

const join = (a: Span, b: Span): Span => ({ start: a.start, end: b.end, line: a.line, column: a.column });

class Parser {
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
      this.error(t, `expected a test, found ${describe(t)}`, 'a test file is a list of tests: test "what it checks" for "club.playbook" { … }');
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
    let name = '';
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
      this.error(nameToken, `expected the test's name in quotes after \`test\`, found ${describe(nameToken)}`, 'test "a second ad removes the poster" { … }');
      name = `(unnamed test at line ${keyword.line})`;
    }
    const tc: TestCase = { name, nameSpan, statements: [], span: pickSpan(keyword), broken: false };
    if (this.peek().kind === 'word' && this.peek().text === 'for') {
      this.next();
      const file = this.peek();
      if (file.kind === 'string') {
        this.next();
        tc.playbook = { path: String(file.value), span: pickSpan(file) };
      } else this.error(file, `expected the playbook's file name in quotes after \`for\`, found ${describe(file)}`, 'test "…" for "no-ads.playbook" { … }');
    }
    const open = this.peek();
    if (open.kind !== 'lbrace') {
      this.error(open, `expected \`{\` to open the test, found ${describe(open)}`, 'the `{` goes on the same line as `test`');
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
        tc.span = join(pickSpan(keyword), t);
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
    const span = join(first, line[line.length - 1]!);
    if (first.kind === 'word' && first.text === 'start' && !isVerbNext) {
      s.next();
      const time = s.peek();
      if (time?.kind !== 'datetime') s.fail(time, `expected a date and time after \`start\`, found ${s.describe(time)}`, 'start 2026-03-02T10:00 (in the playbook\'s time zone) or start 2026-03-02T10:00+08:00');
      s.next();
      s.end();
      return { kind: 'start', time: { kind: 'instant', text: time.text, span: pickSpan(time) }, span };
    }
    if (first.kind === 'word' && first.text === 'community' && !isVerbNext) {
      s.next();
      const name = s.peek();
      if (name?.kind !== 'word' && name?.kind !== 'string') s.fail(name, `expected the community's id after \`community\`, found ${s.describe(name)}`, 'community "club-1"');
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
      if (head.kind === 'word' && head.text === 'expect' && !headIsVerbNext) s.fail(head, 'only events can be repeated, not expectations', 'repeat 6 every 1s: alice posts "刷屏"');
    }
    if (head.kind === 'word' && head.text === 'expect' && !headIsVerbNext) step.expect = this.expect(s);
    else if (head.kind === 'word' && head.text === 'event' && !headIsVerbNext) step.event = this.genericEvent(s);
    else step.event = this.compactEvent(s);
    return step;
  }

  /** `repeat N [times] [every D]:` before an event. */
  private repeat(s: LineCursor): RepeatSpec {
    const kw = s.next()!;
    const usage = 'repeat 6 every 1s: alice posts "刷屏"';
    const n = s.peek();
    if (n?.kind !== 'number' || !Number.isInteger(n.value) || (n.value as number) < 1) s.fail(n, `expected how many times (a whole number from 1), found ${s.describe(n)}`, usage);
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
    return { count: n.value as number, everyMs, span: join(kw, colon) };
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

  private member(s: LineCursor, what: string): MemberRef {
    const t = s.peek();
    if (t?.kind === 'word' || t?.kind === 'string' || t?.kind === 'number') {
      s.next();
      return { id: t.kind === 'string' ? String(t.value) : t.text, span: pickSpan(t) };
    }
    return s.fail(t, `expected ${what}, found ${s.describe(t)}`);
  }

  private compactEvent(s: LineCursor): EventSpec {
    const memberTok = s.peek()!;
    if (memberTok.kind !== 'word' && memberTok.kind !== 'string') {
      s.fail(memberTok, `expected a member, \`expect\` or \`event\` at the start of the line, found ${s.describe(memberTok)}`, 'lines look like `+1m alice posts "hello"`, `expect member.warn alice` or `event order.paid bob amount 99`');
    }
    const member = this.member(s, 'a member');
    const verbTok = s.peek();
    if (verbTok?.kind !== 'word' || !(verbTok.text in VERBS)) {
      const guess = verbTok?.kind === 'word' ? closest(verbTok.text, Object.keys(VERBS)) : undefined;
      s.fail(
        verbTok,
        verbTok ? D.T0004.unknownVerb(s.describe(verbTok)) : D.T0004.noVerb(member.id),
        guess ? `did you mean \`${guess}\`? (${VERB_USAGE[guess]})` : `members can: ${Object.keys(VERBS).join(', ')}; for other events write \`event TYPE ${member.id} field value …\``,
      );
    }
    s.next();
    const verb = verbTok.text;
    const ev: EventSpec = { type: VERBS[verb]!, typeSpan: pickSpan(verbTok), verb, member, fields: [], span: join(memberTok, verbTok) };
    const field = (name: string, at: Span, value: Value) => ev.fields.push({ name, nameSpan: at, contains: false, value });
    const usage = VERB_USAGE[verb]!;
    const word = (w: string) => s.peek()?.kind === 'word' && s.peek()!.text === w;
    const expectWord = (w: string) => {
      if (!word(w)) s.fail(s.peek(), `expected \`${w}\`, found ${s.describe(s.peek())}`, usage);
      return s.next()!;
    };
    const idValue = (what: string): Value => {
      const t = s.peek();
      if (t?.kind === 'word' || t?.kind === 'string' || t?.kind === 'number') {
        s.next();
        return { kind: 'text', value: t.kind === 'string' ? String(t.value) : t.text, bare: t.kind !== 'string', span: pickSpan(t) };
      }
      return s.fail(t, `expected ${what}, found ${s.describe(t)}`, usage);
    };
    const numberValue = (what: string): Value => {
      const t = s.peek();
      if (t?.kind !== 'number') s.fail(t, `expected ${what} (a number), found ${s.describe(t)}`, usage);
      s.next();
      return { kind: 'number', value: t.value as number, span: pickSpan(t) };
    };
    const textValue = (what: string): Value => {
      const t = s.peek();
      if (t?.kind !== 'string') s.fail(t, `expected ${what} in quotes, found ${s.describe(t)}`, usage);
      s.next();
      return { kind: 'text', value: String(t.value), bare: false, span: pickSpan(t) };
    };
    switch (verb) {
      case 'joins':
        for (;;) {
          if (word('as')) {
            const kw = s.next()!;
            field('name', kw, textValue('the display name'));
          } else if (word('invited') && s.peek(1)?.text === 'by') {
            const kw = s.next()!;
            s.next();
            field('invitedBy', kw, idValue('who invited them'));
          } else if (word('with') && (s.peek(1)?.text === 'role' || s.peek(1)?.text === 'roles')) {
            const kw = s.next()!;
            s.next();
            const items: Value[] = [idValue('a role')];
            while (s.peek()?.kind === 'comma') {
              s.next();
              items.push(idValue('a role'));
            }
            field('roles', kw, { kind: 'list', items, span: join(items[0]!.span, items[items.length - 1]!.span) });
          } else break;
        }
        break;
      case 'leaves':
        break;
      case 'posts': {
        const text = textValue('the message text');
        field('text', text.span, text);
        if (word('id')) {
          const kw = s.next()!;
          field('messageId', kw, idValue('the message id'));
        }
        break;
      }
      case 'reacts': {
        const emoji = textValue('the emoji');
        field('emoji', emoji.span, emoji);
        const kw = expectWord('to');
        field('messageId', kw, idValue('the message id'));
        break;
      }
      case 'sends': {
        if (word('red') && s.peek(1)?.text === 'packet') s.next();
        else if (!word('redpacket')) expectWord('redpacket');
        s.next();
        const amount = numberValue('the amount');
        field('amount', amount.span, amount);
        expectWord('in');
        const shares = numberValue('the number of shares');
        field('shares', shares.span, shares);
        if (word('shares')) s.next();
        break;
      }
      case 'checks':
        expectWord('in');
        break;
      case 'acknowledges':
        if (word('the')) s.next();
        expectWord('rules');
        break;
      case 'pays': {
        const amount = numberValue('the amount');
        field('amount', amount.span, amount);
        if (word('order')) {
          const kw = s.next()!;
          field('orderId', kw, idValue('the order id'));
        }
        break;
      }
      case 'invites': {
        const invitee = idValue('who accepted the invitation');
        field('invitee', invitee.span, invitee);
        break;
      }
      case 'gets':
      case 'loses': {
        expectWord('role');
        const role = idValue('the role');
        field('role', role.span, role);
        break;
      }
    }
    for (const pair of this.pairs(s, false, usage)) ev.fields.push(pair);
    ev.span = join(memberTok, s.last());
    return ev;
  }

  /** `event TYPE [member] field value …`: with an odd number of terms the first is the member. */
  private genericEvent(s: LineCursor): EventSpec {
    const kw = s.next()!;
    const typeTok = s.peek();
    if (typeTok?.kind !== 'word') s.fail(typeTok, `expected an event type after \`event\`, found ${s.describe(typeTok)}`, 'event order.paid bob amount 99 orderId o1');
    s.next();
    const ev: EventSpec = { type: typeTok.text, typeSpan: pickSpan(typeTok), fields: [], span: join(kw, typeTok) };
    const remaining = s.countTerms();
    if (remaining % 2 === 1) ev.member = this.member(s, 'the member');
    ev.fields = this.pairs(s, false, 'event TYPE member field value …, e.g. event order.paid bob amount 99 orderId o1');
    ev.span = join(kw, s.last());
    return ev;
  }

  private expect(s: LineCursor): ExpectSpec {
    const kw = s.next()!;
    const usage = 'expect [no | exactly N] TYPE [member] [field value …], e.g. expect member.warn alice count 1';
    const spec: ExpectSpec = { mode: 'some', fields: [], span: pickSpan(kw) };
    let t = s.peek();
    if (t?.kind === 'word' && t.text === 'nothing') {
      s.next();
      spec.mode = 'nothing';
      s.end();
      spec.span = join(kw, t);
      return spec;
    }
    if (t?.kind === 'word' && t.text === 'no') {
      s.next();
      spec.mode = 'none';
    } else if ((t?.kind === 'word' && t.text === 'exactly') || t?.kind === 'number') {
      if (t.kind === 'word') s.next();
      const n = s.peek();
      if (n?.kind !== 'number' || !Number.isInteger(n.value) || (n.value as number) < 0) s.fail(n, `expected how many (a whole number), found ${s.describe(n)}`, usage);
      s.next();
      spec.mode = 'exactly';
      spec.count = n.value as number;
    }
    t = s.peek();
    if (t?.kind !== 'word') s.fail(t, `expected an action type after \`expect\`, found ${s.describe(t)}`, usage);
    s.next();
    if (!(t.text in ACTION_FIELDS)) {
      const guess = closest(t.text, Object.keys(ACTION_FIELDS));
      s.fail(t, D.T0104.unknownActionType(t.text), guess ? `did you mean \`${guess}\`?` : `actions are: ${Object.keys(ACTION_FIELDS).join(', ')}`);
    }
    spec.type = t.text;
    spec.typeSpan = pickSpan(t);
    const fields = actionFields(t.text);
    const first = s.peek();
    // The member comes right after the type: a quoted name or a word that is not a field name.
    if (first && (first.kind === 'string' || first.kind === 'number' || (first.kind === 'word' && !fields.includes(first.text)))) {
      const afterFirst = s.peek(1);
      // `expect member.warn cuont 1`: a word followed by a value reads as a misspelt field.
      const guess = first.kind === 'word' && afterFirst && afterFirst.kind !== 'word' ? closest(first.text, fields) : undefined;
      if (guess) s.fail(first, D.T0105.noActionField(t.text, first.text), `did you mean \`${guess}\`? (${t.text} has ${ACTION_FIELDS[t.text]!.join(', ')})`);
      spec.member = this.member(s, 'the member');
    }
    for (const f of this.pairs(s, true, usage, t.text)) {
      if (f.name === 'member') {
        if (f.value.kind !== 'text') s.fail(f.value.span, 'a member is a name or an id', usage);
        if (spec.member) s.fail(f.nameSpan, 'the member is given twice', usage);
        spec.member = { id: f.value.value, span: f.value.span };
      } else spec.fields.push(f);
    }
    spec.span = join(kw, s.last());
    return spec;
  }

  /** `field value` pairs to the end of the line; in expectations also `field contains "text"`. */
  private pairs(s: LineCursor, inExpect: boolean, usage: string, actionType?: string): FieldSpec[] {
    const out: FieldSpec[] = [];
    while (!s.done()) {
      const name = s.peek()!;
      if (name.kind !== 'word') {
        s.fail(name, `expected a field name, found ${s.describe(name)}`, usage);
      }
      s.next();
      if (actionType !== undefined) {
        const fields = actionFields(actionType);
        if (!fields.includes(name.text)) {
          const guess = closest(name.text, fields);
          s.fail(
            name,
            D.T0105.noActionField(actionType, name.text),
            guess ? `did you mean \`${guess}\`? (${actionType} has ${ACTION_FIELDS[actionType]!.join(', ')})` : `${actionType} has ${ACTION_FIELDS[actionType]!.join(', ') || 'no fields of its own'}; the member comes right after the type`,
          );
        }
      }
      let contains = false;
      if (inExpect && s.peek()?.kind === 'word' && s.peek()!.text === 'contains' && s.peek(1) !== undefined) {
        s.next();
        contains = true;
      }
      if (s.done()) s.fail(undefined, `the field \`${name.text}\` has no value`, usage);
      const value = this.value(s);
      if (contains && value.kind !== 'text') s.fail(value.span, '`contains` takes text in quotes', 'text contains "欢迎"');
      out.push({ name: name.text, nameSpan: pickSpan(name), contains, value });
    }
    return out;
  }

  private value(s: LineCursor): Value {
    const t = s.peek();
    switch (t?.kind) {
      case 'string':
        s.next();
        return { kind: 'text', value: String(t.value), bare: false, span: pickSpan(t) };
      case 'word':
      case 'clock':
        s.next();
        return { kind: 'text', value: t.text, bare: true, span: pickSpan(t) };
      case 'number':
        s.next();
        return { kind: 'number', value: t.value as number, span: pickSpan(t) };
      case 'datetime':
        s.next();
        return { kind: 'datetime', value: t.text, span: pickSpan(t) };
      case 'lbracket': {
        s.next();
        const items: Value[] = [];
        while (s.peek()?.kind !== 'rbracket') {
          if (s.done()) s.fail(undefined, 'this list has no closing `]`', 'write lists like [bob, carol]');
          const item = this.value(s);
          if (item.kind === 'list') s.fail(item.span, 'a list cannot contain a list');
          items.push(item);
          if (s.peek()?.kind === 'comma') s.next();
          else if (s.peek()?.kind !== 'rbracket') s.fail(s.peek(), `expected \`,\` or \`]\` in the list, found ${s.describe(s.peek())}`, 'write lists like [bob, carol]');
        }
        const close = s.next()!;
        return { kind: 'list', items, span: join(t, close) };
      }
      default:
        return s.fail(t, `expected a value, found ${s.describe(t)}`, 'values are text in quotes, numbers, names, dates or lists like [a, b]');
    }
  }

  report(d: TestDiagnostic): void {
    this.diagnostics.push(d);
  }
}

/** Walks the tokens of one line; `fail` reports and abandons the line. */
class LineCursor {
  private i = 0;
  constructor(
    private readonly tokens: Token[],
    private readonly parser: Parser,
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
    return t ? describe(t) : 'the end of the line';
  }

  /** A plain message is a syntax error (T0003); other problems come from the registry. */
  fail(at: Span | undefined, problem: string | DiagnosticMessage, hint?: string): never {
    const where = at ?? this.endSpan();
    const m = typeof problem === 'string' ? D.T0003.syntax(problem) : problem;
    const d: TestDiagnostic = { severity: m.severity, code: m.code, message: m.message, ...pickSpan(where) };
    if (hint) d.hint = hint;
    this.parser.report(d);
    throw new LineError(m.message);
  }

  private endSpan(): Span {
    const last = this.tokens[this.tokens.length - 1]!;
    return { start: last.end, end: last.end + 1, line: last.line, column: last.column + (last.end - last.start) };
  }
}

function pickSpan(s: Span): Span {
  return { start: s.start, end: s.end, line: s.line, column: s.column };
}

/**
 * Robustness of the front end (DESIGN.md §7: "No input, however malformed, crashes the parser,
 * compiler or runtime with a stack trace"). Properties feed `compile` arbitrary text and check:
 *   - it never throws, and `formatDiagnostic` never throws on what it returns;
 *   - every diagnostic has line >= 1, column >= 1 and line <= number of lines + 1;
 *   - errors > 0 exactly when there is no IR, and `errors` counts the error diagnostics;
 *   - no internal-error diagnostic (E0097 IR schema, E0098 checker crash, E0099 parser crash);
 *   - the same input compiles to the same diagnostics twice (the parser instance is shared).
 * Set FUZZ_SEED to replay a failure; FUZZ_RUNS to change the number of runs per property.
 */
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compile } from '../src/compiler/compile.js';
import { formatDiagnostic } from '../src/parser/diagnostics.js';
import { keywordWords, PlaybookLexer } from '../src/parser/lexer.js';

const here = dirname(fileURLToPath(import.meta.url));
const sketch = readFileSync(join(here, 'fixtures', 'design-sketch.playbook'), 'utf8');

const RUNS = Number(process.env.FUZZ_RUNS ?? 400);
const params = (numRuns = RUNS): fc.Parameters<[string]> => (process.env.FUZZ_SEED ? { numRuns, seed: Number(process.env.FUZZ_SEED) } : { numRuns });

const INTERNAL = new Set(['E0097', 'E0098', 'E0099']);

/** Lines as the diagnostics count them: \n, \r\n and a lone \r each end a line. */
function lineCount(src: string): number {
  const text = src.replace(/^\uFEFF/, '');
  return text.split(/\r\n|\r|\n/).length;
}

function checkInvariants(src: string): void {
  let r: ReturnType<typeof compile>;
  try {
    r = compile(src, { file: 'fuzz.playbook' });
  } catch (e) {
    throw new Error(`compile threw on ${JSON.stringify(src.slice(0, 500))}: ${(e as Error).stack}`, { cause: e });
  }
  const lines = lineCount(src);
  for (const d of r.diagnostics) {
    const where = `${d.severity}[${d.code}] ${d.line}:${d.column} ${d.message}`;
    if (!(Number.isInteger(d.line) && d.line >= 1 && d.line <= lines + 1)) throw new Error(`line out of range (${lines} lines): ${where}`);
    if (!(Number.isInteger(d.column) && d.column >= 1)) throw new Error(`bad column: ${where}`);
    if (INTERNAL.has(d.code)) throw new Error(`internal error diagnostic: ${where}`);
    const text = formatDiagnostic(d, src);
    if (!text.startsWith(`fuzz.playbook:${d.line}:${d.column}: ${d.severity}[${d.code}]: `)) throw new Error(`bad format: ${text}`);
  }
  const errorDiags = r.diagnostics.filter((d) => d.severity === 'error').length;
  if (r.errors !== errorDiags) throw new Error(`errors=${r.errors} but ${errorDiags} error diagnostics`);
  if (r.errors > 0 !== (r.ir === undefined)) throw new Error(`errors=${r.errors} but ir is ${r.ir ? 'present' : 'absent'}`);
}

function checkDeterministic(src: string): void {
  const a = compile(src, { file: 'fuzz.playbook' }).diagnostics;
  const b = compile(src, { file: 'fuzz.playbook' }).diagnostics;
  if (JSON.stringify(a) !== JSON.stringify(b)) throw new Error('two compiles of the same text disagree');
}

// ------------------------------------------------------------------ generators

const punctuation = [
  '{',
  '}',
  '(',
  ')',
  '[',
  ']',
  ',',
  ';',
  ':',
  '.',
  '?',
  '->',
  '→',
  '>=',
  '<=',
  '!=',
  '==',
  '=',
  '>',
  '<',
  '+',
  '-',
  '*',
  '×',
  ',',
  ';',
  ':',
];
const literals = [
  '"text"',
  '"{member.name}"',
  '"{nope}"',
  '"',
  '""',
  '"\\{x\\}"',
  '/re/',
  '/(a+)+$/',
  '/[/',
  '/',
  '/x/g',
  '2026-11-01',
  '2026-02-30',
  '09:00',
  '25:00',
  '19:20',
  '10m',
  '0s',
  '30d',
  '1h30m',
  '99999w',
  '5',
  '0',
  '-1',
  '1.5',
  'message.posted',
  'member.joined',
  'order.paid',
  'redpacket.sent',
  'nope.event',
  'member',
  'text',
  'amount',
  'mon',
  'mon-fri',
  'fri',
  'day',
  'month',
  'week',
  'weekly',
  'admin',
  'ads',
  'discussion',
  'x2',
  '新人',
  '周一',
  '\n',
  '\n',
  '# comment\n',
  '\t',
  '\u3000',
];
const vocabulary = [...keywordWords, ...punctuation, ...literals];

/** (a) arbitrary Unicode, plus text drawn from the characters that matter to the lexer. */
const unicodeText = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 300 }),
  fc.string({ unit: fc.constantFrom(...'{}()[]"\'/\\#:;,.-+*><=!?\n\r\t 0123456789abcdmswhx好→,'.split('')), maxLength: 300 }),
);

/** (b) sequences of real tokens, so the parser gets deep into its rules. */
const tokenSoup = fc.array(fc.constantFrom(...vocabulary), { maxLength: 80 }).map((t) => t.join(' '));

/** (c) the design sketch with tokens deleted, duplicated, swapped or replaced, maybe truncated. */
const sketchTokens = PlaybookLexer.tokenize(sketch).tokens;
const pieces: string[] = [];
{
  let prev = 0;
  for (const t of sketchTokens) {
    pieces.push(sketch.slice(prev, t.startOffset) + t.image); // keep the whitespace/comments before a token
    prev = (t.endOffset ?? t.startOffset) + 1;
  }
  pieces.push(sketch.slice(prev));
}
type Mutation =
  { op: 'delete'; i: number } | { op: 'duplicate'; i: number } | { op: 'swap'; i: number; j: number } | { op: 'replace'; i: number; token: string };
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constant('delete' as const), i: fc.nat() }),
  fc.record({ op: fc.constant('duplicate' as const), i: fc.nat() }),
  fc.record({ op: fc.constant('swap' as const), i: fc.nat(), j: fc.nat() }),
  fc.record({ op: fc.constant('replace' as const), i: fc.nat(), token: fc.constantFrom(...vocabulary) }),
);
function mutate(ms: Mutation[], cut: number | undefined): string {
  const toks = [...pieces];
  for (const m of ms) {
    const i = m.i % toks.length;
    if (m.op === 'delete') toks.splice(i, 1);
    else if (m.op === 'duplicate') toks.splice(i, 0, toks[i]!);
    else if (m.op === 'swap') {
      const j = m.j % toks.length;
      [toks[i], toks[j]] = [toks[j]!, toks[i]!];
    } else toks[i] = ' ' + m.token;
  }
  const text = toks.join('');
  return cut === undefined ? text : text.slice(0, cut % (text.length + 1));
}
const mutatedSketch = fc
  .tuple(fc.array(mutation, { minLength: 1, maxLength: 6 }), fc.option(fc.nat(), { nil: undefined, freq: 3 }))
  .map(([ms, cut]) => mutate(ms, cut));
const truncatedSketch = fc.nat({ max: sketch.length }).map((n) => sketch.slice(0, n));

/** (d) random bytes read as UTF-8, invalid sequences becoming U+FFFD as a file read would. */
const decoder = new TextDecoder('utf-8', { fatal: false });
const binaryish = fc.oneof(
  fc.uint8Array({ maxLength: 400 }).map((b) => decoder.decode(b)),
  // Mostly-valid playbook bytes with some corrupted: a file saved in the wrong encoding.
  fc.tuple(fc.nat(), fc.uint8Array({ minLength: 1, maxLength: 8 })).map(([at, junk]) => {
    const bytes = new TextEncoder().encode(sketch);
    const i = at % bytes.length;
    const out = new Uint8Array(bytes.length + junk.length);
    out.set(bytes.subarray(0, i));
    out.set(junk, i);
    out.set(bytes.subarray(i), i + junk.length);
    return decoder.decode(out);
  }),
);

// ------------------------------------------------------------------ properties

describe('fuzz: compile never crashes and reports sane positions', () => {
  it('the design sketch itself satisfies the invariants', () => {
    checkInvariants(sketch);
    expect(compile(sketch).errors).toBe(0);
  });

  it('(a) arbitrary unicode strings', () => {
    fc.assert(
      fc.property(unicodeText, (s) => checkInvariants(s)),
      params(),
    );
  });

  it('(b) random sequences of keywords, punctuation and literals', () => {
    fc.assert(
      fc.property(tokenSoup, (s) => checkInvariants(s)),
      params(),
    );
  });

  it('(c) mutations of the design sketch (delete/duplicate/swap/replace tokens, truncation)', () => {
    fc.assert(
      fc.property(mutatedSketch, (s) => {
        checkInvariants(s);
        checkDeterministic(s);
      }),
      params(),
    );
  });

  it('(c) the design sketch truncated at a random offset', () => {
    fc.assert(
      fc.property(truncatedSketch, (s) => checkInvariants(s)),
      params(300),
    );
  });

  it('(d) binary-ish input decoded as UTF-8 with replacement characters', () => {
    fc.assert(
      fc.property(binaryish, (s) => checkInvariants(s)),
      params(),
    );
  });

  it('a 1 MB single-line input does not throw', () => {
    const mb = 1 << 20;
    for (const src of [
      'a'.repeat(mb),
      'every day at 09:00 { say "' + '好'.repeat(mb / 3) + '" }', // 3 bytes each in UTF-8
      '# ' + 'x'.repeat(mb),
      '"' + 'x'.repeat(mb),
    ]) {
      expect(Buffer.byteLength(src, 'utf8')).toBeGreaterThanOrEqual(mb);
      checkInvariants(src);
    }
  });

  it('5000 unbalanced `{` do not throw', () => {
    const braces = '{'.repeat(5000);
    for (const src of [
      braces,
      `playbook "x" ${braces}`,
      `rule a { on message.posted do ${braces}`,
      `lifecycle m { a -> b on message.posted ${braces}`,
      `ritual r { starts on member.joined done ${braces}`,
      `${braces}\n`.repeat(3),
    ]) {
      checkInvariants(src);
    }
  });

  it('5000 unbalanced `(` in a condition do not throw', () => {
    // Does not throw, but today reports E0099 (stack overflow inside the parser); see the todo.
    for (const src of ['rule a { on message.posted when ' + '('.repeat(5000), 'segment s where ' + 'not '.repeat(5000)]) {
      const r = compile(src);
      expect(r.errors).toBeGreaterThan(0);
      expect(r.ir).toBeUndefined();
      for (const d of r.diagnostics) {
        expect(d.line).toBeGreaterThanOrEqual(1);
        expect(d.column).toBeGreaterThanOrEqual(1);
      }
    }
  });

  // Known problems found by these properties, to be fixed in src (see .tmp/diagnostics-findings.md).
  it.todo(
    'deeply nested conditions (1000 × `(` or 2000 × `not`) give a friendly "nested too deeply" error instead of E0099 "the parser gave up: Maximum call stack size exceeded"',
  );
  it.todo(
    'the checker never throws on a recovered tree: `every { }`, `event ) { }`, `points message . ( : }`, `rule { when count ( within cancel > 10m leaderboard ;`; compile() recovers today by checking again without the broken declarations',
  );
});

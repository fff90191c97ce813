import { RE2JS } from 're2js';
import { flagHint, syntaxHint } from './regex-hints.js';
import { MAX_REPEAT, parseRegex, RegexFeatureError, type ClassItem, type PropertyEscape, type RegexNode } from './regex-syntax.js';

/**
 * Playbook regexes run on re2js, an RE2 engine: it matches in time linear in the message
 * whatever the pattern, so no pattern and no message can stall the runtime (issue 13). Operators
 * write JavaScript regex syntax; this module translates it to RE2 syntax so that the pattern
 * means what it means in JavaScript with the `u` flag. The choices, and what RE2 cannot run, are
 * listed in docs/language.md ("Text: matches and contains"):
 *
 * - `\s` / `\S` are JavaScript's (Unicode spaces such as U+3000 included; RE2's are ASCII only);
 * - `.` does not match `\n`, `\r`, U+2028, U+2029 (RE2's `.` excludes only `\n`);
 * - with `m`, `^` and `$` at the start or end of the pattern also see `\r`, U+2028 and U+2029
 *   as line breaks, as JavaScript does (RE2 knows only `\n`);
 * - the text is read by code points, as with `u`: `.` and `[😀]` match a whole emoji;
 * - `\p{…}` is a Unicode property with or without `u`, in the spellings RE2 understands.
 */

export interface RegexProblem {
  kind: 'invalid' | 'backreference' | 'lookaround' | 'unsupported' | 'foreign' | 'backtracking';
  message: string;
  hint?: string;
  /** Where in the source as written (UTF-16 units), when the problem is one construct. */
  at?: number;
  len?: number;
}

export type Prepared = { ok: true; re: RE2JS; pattern: string; body: string; flags: string; offset: number } | { ok: false; problem: RegexProblem };

/** JavaScript's `\s`, as code point ranges (test/regex-linear.test.ts checks it against V8). */
export const JS_SPACES: readonly (readonly [number, number])[] = [
  [0x09, 0x0d],
  [0x20, 0x20],
  [0xa0, 0xa0],
  [0x1680, 0x1680],
  [0x2000, 0x200a],
  [0x2028, 0x2029],
  [0x202f, 0x202f],
  [0x205f, 0x205f],
  [0x3000, 0x3000],
  [0xfeff, 0xfeff],
];

export function complement(ranges: readonly (readonly [number, number])[]): [number, number][] {
  const out: [number, number][] = [];
  let next = 0;
  for (const [lo, hi] of ranges) {
    if (lo > next) out.push([next, lo - 1]);
    next = hi + 1;
  }
  if (next <= 0x10ffff) out.push([next, 0x10ffff]);
  return out;
}

const hex = (cp: number) => `\\x{${cp.toString(16).toUpperCase()}}`;
const rangesBody = (ranges: readonly (readonly [number, number])[]) => ranges.map(([lo, hi]) => (lo === hi ? hex(lo) : `${hex(lo)}-${hex(hi)}`)).join('');
const SPACES = rangesBody(JS_SPACES);
const NOT_SPACES = rangesBody(complement(JS_SPACES));
const ANY = '\\x{0}-\\x{10FFFF}';
const LINE_BREAKS_BUT_LF = '[\\r\\x{2028}\\x{2029}]';

/** One character as an RE2 literal: letters as they are, ASCII punctuation escaped, the rest as `\x{…}`. */
function literal(cp: number): string {
  const ch = String.fromCodePoint(cp);
  if (/^[0-9A-Za-z]$/.test(ch)) return ch;
  if (cp >= 0x21 && cp <= 0x7e) return `\\${ch}`;
  if (cp >= 0xa0 && /^[\p{L}\p{N}\p{P}\p{S}\p{M}]$/u.test(ch)) return ch;
  return hex(cp);
}

/** General categories by their long names (JavaScript accepts both; RE2 only the short ones). */
const CATEGORIES: Record<string, string> = {
  Letter: 'L',
  Cased_Letter: 'LC',
  Uppercase_Letter: 'Lu',
  Lowercase_Letter: 'Ll',
  Titlecase_Letter: 'Lt',
  Modifier_Letter: 'Lm',
  Other_Letter: 'Lo',
  Mark: 'M',
  Combining_Mark: 'M',
  Nonspacing_Mark: 'Mn',
  Spacing_Mark: 'Mc',
  Enclosing_Mark: 'Me',
  Number: 'N',
  Decimal_Number: 'Nd',
  digit: 'Nd',
  Letter_Number: 'Nl',
  Other_Number: 'No',
  Punctuation: 'P',
  punct: 'P',
  Connector_Punctuation: 'Pc',
  Dash_Punctuation: 'Pd',
  Open_Punctuation: 'Ps',
  Close_Punctuation: 'Pe',
  Initial_Punctuation: 'Pi',
  Final_Punctuation: 'Pf',
  Other_Punctuation: 'Po',
  Symbol: 'S',
  Math_Symbol: 'Sm',
  Currency_Symbol: 'Sc',
  Modifier_Symbol: 'Sk',
  Other_Symbol: 'So',
  Separator: 'Z',
  Space_Separator: 'Zs',
  Line_Separator: 'Zl',
  Paragraph_Separator: 'Zp',
  Other: 'C',
  Control: 'Cc',
  cntrl: 'Cc',
  Format: 'Cf',
  Surrogate: 'Cs',
  Private_Use: 'Co',
  Unassigned: 'Cn',
};

/** Four-letter script codes JavaScript accepts (`\p{sc=Hani}`), for the scripts operators use most. */
const SCRIPT_CODES: Record<string, string> = {
  Hani: 'Han',
  Latn: 'Latin',
  Cyrl: 'Cyrillic',
  Grek: 'Greek',
  Arab: 'Arabic',
  Hebr: 'Hebrew',
  Hira: 'Hiragana',
  Kana: 'Katakana',
  Hang: 'Hangul',
  Bopo: 'Bopomofo',
  Thai: 'Thai',
  Deva: 'Devanagari',
  Zyyy: 'Common',
  Zinh: 'Inherited',
  Qaai: 'Inherited',
  Tibt: 'Tibetan',
  Mong: 'Mongolian',
};

const knownToRe2 = new Map<string, boolean>();
function re2Knows(name: string): boolean {
  let known = knownToRe2.get(name);
  if (known === undefined) {
    try {
      RE2JS.compile(`\\p{${name}}`);
      known = true;
    } /* Stryker disable next-line BlockStatement: without `known = false` the answer is undefined, as falsy, and is asked of RE2 again next time */ catch {
      known = false;
    }
    knownToRe2.set(name, known);
  }
  return known;
}

const PROPERTY_HINT = 'RE2 knows general categories (`\\p{L}`, `\\p{Lu}`, `\\p{N}`, `\\p{P}`) and scripts (`\\p{Han}`, `\\p{Latin}`, `\\p{Cyrillic}`)';

/** A property as the inside of an RE2 character class (`\p{Han}`, or ranges). */
function property(p: PropertyEscape): string {
  const written = `\\${p.negate ? 'P' : 'p'}{${p.name}${p.value === undefined ? '' : `=${p.value}`}}`;
  const refuse = (why: string, hint = PROPERTY_HINT): never => {
    throw new RegexFeatureError('unsupported', `RE2 cannot run \`${written}\`: ${why}`, hint, p.at, p.len);
  };
  let name: string;
  if (p.value !== undefined) {
    if (p.name === 'General_Category' || p.name === 'gc') name = CATEGORIES[p.value] ?? p.value;
    else if (p.name === 'Script' || p.name === 'sc') name = SCRIPT_CODES[p.value] ?? p.value;
    else if (p.name === 'Script_Extensions' || p.name === 'scx') {
      return refuse('it has no script extensions', `write \`\\p{Script=${p.value}}\` (or \`\\p{${SCRIPT_CODES[p.value] ?? p.value}}\`) for the script itself`);
    } else return refuse(`it does not know the property \`${p.name}\``);
  } else if (p.name === 'ASCII') {
    return p.negate ? '\\x{80}-\\x{10FFFF}' : '\\x{0}-\\x{7F}';
  } else if (p.name === 'Any') {
    return p.negate ? '' : ANY;
  } else if (p.name === 'Assigned') {
    return p.negate ? '\\p{Cn}' : '\\P{Cn}';
  } else name = CATEGORIES[p.name] ?? p.name;
  if (!/^[A-Za-z_]+$/.test(name) || !re2Knows(name)) refuse(`it does not know the property \`${name}\``);
  return `\\${p.negate ? 'P' : 'p'}{${name}}`;
}

function classItem(item: ClassItem): string {
  switch (item.t) {
    case 'range':
      return item.lo === item.hi ? literal(item.lo) : `${literal(item.lo)}-${literal(item.hi)}`;
    case 'perl':
      if (item.name === 's') return SPACES;
      if (item.name === 'S') return NOT_SPACES;
      return `\\${item.name}`;
    case 'prop':
      return property(item);
  }
}

/** `[…]`, with JavaScript's empty classes: `[]` matches nothing, `[^]` any character. */
function charClass(negate: boolean, body: string): string {
  if (body === '') return negate ? `[${ANY}]` : `[^${ANY}]`;
  return `[${negate ? '^' : ''}${body}]`;
}

interface Flags {
  i: boolean;
  m: boolean;
  s: boolean;
}

/**
 * Whether the node is first (`start`) or last (`end`) in every match of the whole pattern: there
 * a multi-line `^` may consume the `\r` before it and a `$` the `\r` after it, which has the same
 * effect on whether the pattern matches as JavaScript's zero-width test.
 */
interface Place {
  start: boolean;
  end: boolean;
}

function emit(node: RegexNode, f: Flags, place: Place): string {
  switch (node.t) {
    case 'char':
      return literal(node.cp);
    case 'dot':
      return f.s ? '(?s:.)' : '[^\\n\\r\\x{2028}\\x{2029}]';
    case 'class':
      return charClass(node.negate, node.items.map(classItem).join(''));
    case 'perl':
      if (node.name === 's') return `[${SPACES}]`;
      if (node.name === 'S') return `[^${SPACES}]`;
      return `\\${node.name}`;
    case 'prop': {
      const body = property(node);
      return body.startsWith('\\p') || body.startsWith('\\P') ? body : charClass(false, body);
    }
    case 'assert':
      if (node.kind === 'b' || node.kind === 'B') return `\\${node.kind}`;
      if (!f.m) return node.kind;
      if (node.kind === '^') return place.start ? `(?:(?m:^)|${LINE_BREAKS_BUT_LF})` : '(?m:^)';
      return place.end ? `(?:(?m:$)|${LINE_BREAKS_BUT_LF})` : '(?m:$)';
    case 'group': {
      if (!node.flags) return `(?:${emit(node.body, f, place)})`;
      const on = node.flags.on;
      const off = node.flags.off;
      const inner: Flags = {
        i: on.includes('i') ? true : off.includes('i') ? false : f.i,
        m: on.includes('m') ? true : off.includes('m') ? false : f.m,
        s: on.includes('s') ? true : off.includes('s') ? false : f.s,
      };
      const body = emit(node.body, inner, place);
      if (inner.i === f.i) return `(?:${body})`;
      return inner.i ? `(?i:${body})` : `(?-i:${body})`;
    }
    case 'seq':
      return node.items.map((item, k) => emit(item, f, { start: place.start && k === 0, end: place.end && k === node.items.length - 1 })).join('');
    case 'alt':
      return node.branches.map((b) => emit(b, f, place)).join('|');
    case 'repeat': {
      // Only a body matched at most once keeps its place; laziness cannot change whether a
      // pattern matches, so it is dropped.
      // Stryker disable next-line ObjectLiteral: an empty place reads start and end as undefined, as falsy as false
      const body = emit(node.body, f, node.max <= 1 ? place : { start: false, end: false });
      const { min, max } = node;
      const q =
        min === 0 && max === Infinity
          ? '*'
          : min === 1 && max === Infinity
            ? '+'
            : min === 0 && max === 1
              ? '?'
              : max === Infinity
                ? `{${min},}`
                : min === max
                  ? `{${min}}`
                  : `{${min},${max}}`;
      return body + q;
    }
  }
}

/** The pattern in RE2 syntax; throws RegexFeatureError for what RE2 cannot run. */
export function translateRegex(source: string, flags: string): string {
  const tree = parseRegex(source);
  const body = emit(tree, { i: flags.includes('i'), m: flags.includes('m'), s: flags.includes('s') }, { start: true, end: true });
  return flags.includes('i') ? `(?i)${body}` : body;
}

/**
 * A leading `(?i)`, `(?s)`, `(?m)` or `(?ims)`, as RE2, PCRE and Python write flags, is read as
 * the flag; JavaScript has no such syntax, and operators coming from other tools write it.
 */
export function splitInlineFlags(source: string, flags: string): { body: string; flags: string; offset: number } {
  const m = /^\(\?([ims]+)\)/.exec(source);
  if (!m) return { body: source, flags, offset: 0 };
  // eslint-disable-next-line @typescript-eslint/no-misused-spread -- flags are ASCII letters
  const all = [...new Set([...flags, ...m[1]!])].join('');
  return { body: source.slice(m[0].length), flags: all, offset: m[0].length };
}

/**
 * Everything between a playbook's `/…/flags` and a compiled re2js pattern: the flags, the
 * syntax (JavaScript's error message when JavaScript refuses it too), then the translation and
 * RE2's own limits. `offset` is where `body` starts in the source.
 */
export function prepareRegex(source: string, flags: string): Prepared {
  // eslint-disable-next-line @typescript-eslint/no-misused-spread -- one flag per character is the point; a non-ASCII one is reported as unsupported
  const badFlag = [...flags].find((f) => !'imsu'.includes(f));
  if (badFlag) return { ok: false, problem: { kind: 'invalid', message: `unsupported flag \`${badFlag}\` (use i, m, s or u)`, hint: flagHint(badFlag) } };
  if (new Set(flags).size !== flags.length) return { ok: false, problem: { kind: 'invalid', message: 'a flag is repeated', hint: 'write each flag once' } };
  const split = splitInlineFlags(source, flags);
  const syntaxError = jsSyntaxError(split.body, split.flags);
  if (syntaxError) return { ok: false, problem: { kind: 'invalid', message: syntaxError, hint: syntaxHint(split.body, syntaxError) } };
  try {
    const pattern = translateRegex(split.body, split.flags);
    return { ok: true, re: RE2JS.compile(pattern), pattern, ...split };
  } catch (e) {
    if (e instanceof RegexFeatureError) {
      return { ok: false, problem: { kind: e.feature, message: e.message, hint: e.hint, at: e.at + split.offset, len: e.len } };
    }
    const reason = (e as Error).message.replace(/^error parsing regexp: /, '');
    const hint = /repeat count/.test(reason)
      ? `RE2 repeats at most ${MAX_REPEAT} times in all, and nested counts multiply (\`(a{1,100}){1,100}\` is 10,000); use smaller counts or \`+\``
      : /too large|too big/.test(reason)
        ? 'split the pattern into several smaller ones in `matches any [/…/, /…/]`'
        : 'write the pattern with the constructs docs/language.md lists for `matches`';
    return { ok: false, problem: { kind: 'unsupported', message: `RE2 cannot run this pattern: ${reason}`, hint } };
  }
}

/**
 * JavaScript's verdict on the syntax. A pattern valid only with `u` (`[😀-😂]`) is accepted,
 * since playbook regexes are read by code points anyway.
 */
function jsSyntaxError(body: string, flags: string): string | undefined {
  try {
    new RegExp(body, flags);
    return undefined;
  } catch (e) {
    if (!flags.includes('u')) {
      try {
        new RegExp(body, flags + 'u');
        return undefined;
      } catch {
        // keep the first message: it is about the flags the operator wrote
      }
    }
    // Stryker disable next-line Regex: the prefix can only be at the start of V8's message
    return (e as Error).message.replace(/^Invalid regular expression: /, '');
  }
}

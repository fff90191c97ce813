import { complement, JS_SPACES, prepareRegex, type RegexProblem } from './regex-re2.js';
import { parseRegex, type ClassItem, type RegexNode } from './regex-syntax.js';

export type { RegexProblem } from './regex-re2.js';

/**
 * The checker's verdict on an operator-written regular expression: the error that keeps it out
 * of a playbook (regex-re2.ts: invalid syntax, or a construct RE2 cannot run), or else an early
 * warning about its shape.
 *
 * Playbook regexes run on RE2, which matches in linear time whatever the pattern, so the shapes
 * that make a backtracking engine (JavaScript's, PCRE's) take exponential time are harmless
 * here. They still earn a warning: the same pattern copied into another tool (a platform's
 * keyword filter, a script) would let one message stall it, and the nested form usually has a
 * plain equivalent (`(a+)+` is `a+`). The shapes, inside a repetition that may run many times:
 *   - another repetition of varying length (`(a+)+`, `(\w+\s?)*`, `(.*a){12}`, `(a{1,20}){1,20}`):
 *     the engine may split the text between the two in exponentially many ways, unless
 *     a delimiter character marks where each repetition starts or ends (`(@[^@]+){5}`,
 *     five @-mentions: see delimited());
 *   - alternatives that can start with the same character (`(a|ab)*`, `(.|微信)*`) or match
 *     nothing (`(|a)+`): the engine may try every branch at every step.
 * It is a conservative screen (`(ab|ac)*` is flagged though harmless); it decides nothing at run
 * time. Polynomial shapes (`\s+$`, `.*x`) are common and not flagged.
 */
export function checkRegex(source: string, flags: string): RegexProblem | undefined {
  const prepared = prepareRegex(source, flags);
  if (!prepared.ok) return prepared.problem;
  const f = { i: prepared.flags.includes('i'), s: prepared.flags.includes('s') };
  const found = screen(parseRegex(prepared.body), f);
  if (!found) return undefined;
  const text = prepared.body.slice(found.node.at, found.node.at + found.node.len);
  const engines = 'a backtracking engine (JavaScript, PCRE) may take exponential time on it; playbook matches it with RE2 in linear time';
  const problem: RegexProblem = { kind: 'backtracking', message: '', at: found.node.at + prepared.offset, len: found.node.len };
  if (found.why === 'nested') {
    problem.message = `\`${text}\` repeats a repetition: ${engines}`;
    problem.hint =
      'write it without the nesting (`(a+)+` -> `a+`), or keep the character that starts each repetition out of the rest (`(@.+){5}` -> `(@[^@]+){5}`), so the pattern is safe in any engine';
  } else if (found.why === 'overlap') {
    problem.message = `\`${text}\` repeats alternatives that can start with the same character: ${engines}`;
    problem.hint = 'make the alternatives start differently, or merge them (`(\\w|\\d)+` -> `\\w+`), so the pattern is safe in any engine';
  } else {
    problem.message = `\`${text}\` repeats an alternative that can match nothing: ${engines}`;
    problem.hint = 'make every alternative match at least one character, and repeat the group with `*` if it is optional';
  }
  return problem;
}

type Repeat = Extract<RegexNode, { t: 'repeat' }>;
interface Found {
  node: Repeat;
  why: 'nested' | 'overlap' | 'empty';
}
interface ScreenFlags {
  i: boolean;
  s: boolean;
}

/** Repeat counts whose product makes nested bounded repetition worth a warning. */
const NESTED_PRODUCT = 100;
/** A bounded repetition of alternatives repeated this often counts as "many times". */
const MANY = 10;

function screen(node: RegexNode, f: ScreenFlags): Found | undefined {
  if (node.t === 'repeat' && node.max > 1) {
    const inner = longestVariable(node.body);
    const nested = inner === Infinity || (inner >= 2 && (node.max === Infinity || node.max * inner >= NESTED_PRODUCT));
    if (nested && !delimited(node.body, f)) return { node, why: 'nested' };
    if (node.max >= MANY) {
      for (const alt of alternations(node.body)) {
        const firsts = alt.branches.map((b) => first(b, f));
        // Stryker disable next-line StringLiteral: checkRegex words every reason other than nested and overlap as empty
        if (firsts.some((x) => x.nullable)) return { node, why: 'empty' };
        for (let a = 0; a < firsts.length; a++) {
          for (let b = a + 1; b < firsts.length; b++) if (intersects(firsts[a]!.set, firsts[b]!.set)) return { node, why: 'overlap' };
        }
      }
    }
  }
  for (const child of children(node)) {
    const found = screen(child, f);
    if (found) return found;
  }
  return undefined;
}

/**
 * Whether every text the repeated body matches splits into its repetitions, and each repetition
 * into its parts, in one way only, so that a backtracking engine has one split to try at each
 * start: the body begins (or ends) with one character from a set that nothing else in the body
 * can match, so that character marks where each repetition begins (or ends). `(@[^@]+){5}`, five
 * @-mentions, is such a body: every repetition runs from an `@` to the next. Inside one
 * repetition, a part of varying length must take every character it can, because no part after
 * it (up to one that must match, or the next delimiter) can take one of them (`(@\w+\s*)`), or
 * be followed by parts of fixed length only (`(,\d+)`, `(@[^@]+!)`). Parts are single
 * characters, classes, or repetitions of one; anything else (nested groups, alternatives,
 * assertions) is not read as delimited.
 */
function delimited(body: RegexNode, f: ScreenFlags): boolean {
  const items = parts(body);
  if (!items || items.length < 2) return false;
  const atStart = splitsUniquely(items, f);
  return atStart || splitsUniquely([...items].reverse(), f);
}

interface Part {
  set: Ranges;
  /** The number of characters varies (a repetition with min < max). */
  varying: boolean;
  nullable: boolean;
}

/** The body as a sequence of one-character parts, or undefined if it is not one. */
function parts(node: RegexNode): RegexNode[] | undefined {
  if (node.t === 'group') return node.flags ? undefined : parts(node.body);
  const items = node.t === 'seq' ? node.items : [node];
  const flat: RegexNode[] = [];
  for (const item of items) {
    const inner = item.t === 'group' && !item.flags ? parts(item.body) : [item];
    if (!inner) return undefined;
    flat.push(...inner);
  }
  return flat.every((item) => part(item) !== undefined) ? flat : undefined;
}

const ONE_CHARACTER = new Set<RegexNode['t']>(['char', 'dot', 'class', 'perl', 'prop']);

function part(node: RegexNode, f: ScreenFlags = { i: false, s: false }): Part | undefined {
  if (ONE_CHARACTER.has(node.t)) return { set: first(node, f).set, varying: false, nullable: false };
  if (node.t === 'repeat' && ONE_CHARACTER.has(node.body.t)) {
    return { set: first(node.body, f).set, varying: node.min < node.max, nullable: node.min === 0 };
  }
  return undefined;
}

/** The check of delimited() with the delimiter first (call it on the reversed parts for last). */
function splitsUniquely(items: RegexNode[], f: ScreenFlags): boolean {
  const all = items.map((item) => part(item, f)!);
  const delimiter = all[0]!;
  const rest = all.slice(1);
  if (delimiter.varying || delimiter.nullable) return false;
  if (rest.some((p) => intersects(p.set, delimiter.set))) return false;
  return rest.every((p, k) => {
    if (!p.varying) return true;
    // The part takes every character it can when none of the parts after it, up to one that
    // must match (or the next delimiter), can take one of them.
    for (const later of rest.slice(k + 1)) {
      if (intersects(later.set, p.set)) return rest.slice(k + 1).every((x) => !x.varying);
      if (!later.nullable) return true;
    }
    return true;
  });
}

function children(node: RegexNode): RegexNode[] {
  switch (node.t) {
    case 'group':
    case 'repeat':
      return [node.body];
    case 'seq':
      return node.items;
    case 'alt':
      return node.branches;
    default:
      return [];
  }
}

/** The largest count of a repetition of varying length inside the node (0 when there is none). */
function longestVariable(node: RegexNode): number {
  let most = node.t === 'repeat' && node.min < node.max ? node.max : 0;
  for (const child of children(node)) most = Math.max(most, longestVariable(child));
  return most;
}

function alternations(node: RegexNode): Extract<RegexNode, { t: 'alt' }>[] {
  const own = node.t === 'alt' ? [node] : [];
  return own.concat(...children(node).map(alternations));
}

type Ranges = [number, number][];

const ALL: Ranges = [[0, 0x10ffff]];
const DIGITS: Ranges = [[0x30, 0x39]];
const WORD: Ranges = [
  [0x30, 0x39],
  [0x41, 0x5a],
  [0x5f, 0x5f],
  [0x61, 0x7a],
];
const SPACES: Ranges = JS_SPACES.map(([lo, hi]) => [lo, hi]);

function normalize(r: Ranges): Ranges {
  const sorted = [...r].sort((a, b) => a[0] - b[0]);
  const out: Ranges = [];
  for (const [lo, hi] of sorted) {
    // Stryker disable next-line ArithmeticOperator: merging is only tidiness: intersects gives the same answer on sorted ranges that overlap
    const last = out[out.length - 1];
    // Stryker disable next-line ArithmeticOperator: merging is only tidiness: intersects gives the same answer on sorted ranges that overlap
    if (last && lo <= last[1] + 1) last[1] = Math.max(last[1], hi);
    else out.push([lo, hi]);
  }
  return out;
}

function intersects(a: Ranges, b: Ranges): boolean {
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (a[i]![1] < b[j]![0]) i++;
    else if (b[j]![1] < a[i]![0]) j++;
    else return true;
  }
  return false;
}

/** With `i`, a range also stands for the other case of its characters (small ranges only). */
function withCases(r: Ranges, f: ScreenFlags): Ranges {
  if (!f.i) return r;
  const out: Ranges = [...r];
  for (const [lo, hi] of r) {
    for (let cp = lo; cp <= Math.min(hi, lo + 512); cp++) {
      for (const v of [String.fromCodePoint(cp).toLowerCase(), String.fromCodePoint(cp).toUpperCase()]) {
        const c = v.codePointAt(0)!;
        if (String.fromCodePoint(c) === v) out.push([c, c]);
      }
    }
  }
  return normalize(out);
}

function perl(name: 'd' | 'D' | 'w' | 'W' | 's' | 'S'): Ranges {
  const base = name.toLowerCase() === 'd' ? DIGITS : name.toLowerCase() === 'w' ? WORD : SPACES;
  return name === name.toLowerCase() ? base : complement(base);
}

function classItem(item: ClassItem, f: ScreenFlags): Ranges {
  if (item.t === 'range') return withCases([[item.lo, item.hi]], f);
  if (item.t === 'perl') return perl(item.name);
  return ALL; // a Unicode property: assume it may contain anything
}

/** The characters a match of the node can start with, and whether it can match nothing. */
function first(node: RegexNode, f: ScreenFlags): { set: Ranges; nullable: boolean } {
  switch (node.t) {
    case 'char':
      return { set: withCases([[node.cp, node.cp]], f), nullable: false };
    case 'dot':
      return {
        set: f.s
          ? ALL
          : complement([
              [0x0a, 0x0a],
              [0x0d, 0x0d],
              [0x2028, 0x2029],
            ]),
        nullable: false,
      };
    case 'class': {
      const set = normalize(node.items.flatMap((item) => classItem(item, f)));
      return { set: node.negate ? complement(set) : set, nullable: false };
    }
    case 'perl':
      return { set: perl(node.name), nullable: false };
    case 'prop':
      return { set: ALL, nullable: false };
    case 'assert':
      return { set: [], nullable: true };
    case 'group':
      return first(node.body, node.flags ? { ...f, i: node.flags.on.includes('i') || (f.i && !node.flags.off.includes('i')) } : f);
    case 'repeat': {
      const body = first(node.body, f);
      return { set: body.set, nullable: node.min === 0 || body.nullable };
    }
    case 'alt': {
      const all = node.branches.map((b) => first(b, f));
      return { set: normalize(all.flatMap((x) => x.set)), nullable: all.some((x) => x.nullable) };
    }
    case 'seq': {
      const set: Ranges = [];
      for (const item of node.items) {
        const x = first(item, f);
        set.push(...x.set);
        if (!x.nullable) return { set: normalize(set), nullable: false };
      }
      return { set: normalize(set), nullable: true };
    }
  }
}

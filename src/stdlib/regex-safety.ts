/**
 * Static screening of operator-written regular expressions for catastrophic backtracking.
 *
 * JavaScript's regex engine backtracks; a pattern such as `(a+)+$` takes exponential time on
 * "aaaa…b". A moderation rule runs on every message, so one such pattern lets any member stall
 * the bot. Two shapes cause the exponential blow-up and are rejected:
 *   - a quantifier allowing more than one repetition applied to something that itself contains
 *     an unbounded quantifier (`(a+)+`, `(\w+\s?)*`, `(.*a){12}`): "star height" above one;
 *   - an unbounded quantifier over alternatives that can start with the same character
 *     (`(a|ab)*`, `(\w|\d)+`): the engine may split the input between branches in many ways.
 * The check is conservative: a few safe patterns of these shapes are rejected too, with a reason
 * that says how to rewrite them.
 */

type Node =
  | { t: 'atom'; src: string }
  | { t: 'seq'; items: Node[] }
  | { t: 'alt'; branches: Node[] }
  | { t: 'group'; body: Node; lookaround: boolean }
  | { t: 'quant'; body: Node; min: number; max: number; src: string };

export interface RegexProblem {
  kind: 'invalid' | 'unsafe';
  message: string;
}

export function checkRegex(source: string, flags: string): RegexProblem | undefined {
  const badFlag = [...flags].find((f) => !'imsu'.includes(f));
  if (badFlag) return { kind: 'invalid', message: `unsupported flag \`${badFlag}\` (use i, m, s or u)` };
  if (new Set(flags).size !== flags.length) return { kind: 'invalid', message: 'a flag is repeated' };
  try {
    new RegExp(source, flags);
  } catch (e) {
    return { kind: 'invalid', message: (e as Error).message.replace(/^Invalid regular expression: /, '') };
  }
  let tree: Node;
  try {
    tree = new RegexReader(source).parse();
  } catch {
    return undefined; // the engine accepted it; our reader is stricter than needed
  }
  return findUnsafe(tree, source, flags);
}

class RegexReader {
  private pos = 0;
  constructor(private readonly src: string) {}

  parse(): Node {
    const node = this.alternation();
    return node;
  }

  private alternation(): Node {
    const branches: Node[] = [this.sequence()];
    while (this.src[this.pos] === '|') {
      this.pos++;
      branches.push(this.sequence());
    }
    return branches.length === 1 ? branches[0]! : { t: 'alt', branches };
  }

  private sequence(): Node {
    const items: Node[] = [];
    while (this.pos < this.src.length && this.src[this.pos] !== '|' && this.src[this.pos] !== ')') {
      const start = this.pos;
      let atom = this.atom();
      const q = this.quantifier();
      if (q) atom = { t: 'quant', body: atom, min: q.min, max: q.max, src: this.src.slice(start, this.pos) };
      items.push(atom);
    }
    return { t: 'seq', items };
  }

  private atom(): Node {
    const ch = this.src[this.pos]!;
    const start = this.pos;
    if (ch === '(') {
      this.pos++;
      let lookaround = false;
      if (this.src[this.pos] === '?') {
        const rest = this.src.slice(this.pos);
        const m = /^\?(?::|=|!|<=|<!|<[^>]+>)/.exec(rest);
        if (m) {
          lookaround = /^\?(?:=|!|<=|<!)/.test(rest);
          this.pos += m[0].length;
        }
      }
      const body = this.alternation();
      if (this.src[this.pos] !== ')') throw new Error('unbalanced');
      this.pos++;
      return { t: 'group', body, lookaround };
    }
    if (ch === '[') {
      this.pos++;
      if (this.src[this.pos] === '^') this.pos++;
      if (this.src[this.pos] === ']') this.pos++;
      while (this.pos < this.src.length && this.src[this.pos] !== ']') {
        if (this.src[this.pos] === '\\') this.pos++;
        this.pos++;
      }
      this.pos++;
      return { t: 'atom', src: this.src.slice(start, this.pos) };
    }
    if (ch === '\\') {
      this.pos += 2;
      const m = /^(?:u\{[0-9a-fA-F]+\}|u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|c[A-Za-z]|k<[^>]+>|\d+|p\{[^}]+\}|P\{[^}]+\})/.exec(
        this.src.slice(this.pos - 1),
      );
      if (m && m[0].length > 1) this.pos += m[0].length - 1;
      return { t: 'atom', src: this.src.slice(start, this.pos) };
    }
    this.pos++;
    return { t: 'atom', src: ch };
  }

  private quantifier(): { min: number; max: number } | undefined {
    const rest = this.src.slice(this.pos);
    let m: RegExpExecArray | null;
    let q: { min: number; max: number } | undefined;
    if (rest[0] === '*') { q = { min: 0, max: Infinity }; this.pos++; }
    else if (rest[0] === '+') { q = { min: 1, max: Infinity }; this.pos++; }
    else if (rest[0] === '?') { q = { min: 0, max: 1 }; this.pos++; }
    else if ((m = /^\{(\d+)(,(\d*))?\}/.exec(rest))) {
      const min = Number(m[1]);
      const max = m[2] === undefined ? min : m[3] === '' ? Infinity : Number(m[3]);
      q = { min, max };
      this.pos += m[0].length;
    }
    if (q && this.src[this.pos] === '?') this.pos++;
    return q;
  }
}

function containsUnbounded(node: Node): boolean {
  switch (node.t) {
    case 'atom':
      return false;
    case 'quant':
      return node.max === Infinity || containsUnbounded(node.body);
    case 'seq':
      return node.items.some(containsUnbounded);
    case 'alt':
      return node.branches.some(containsUnbounded);
    case 'group':
      return !node.lookaround && containsUnbounded(node.body);
  }
}

function unwrap(node: Node): Node {
  while (node.t === 'group' && !node.lookaround) node = node.body;
  if (node.t === 'seq' && node.items.length === 1) return unwrap(node.items[0]!);
  return node;
}

/** A small alphabet that stands in for "any character" when comparing first characters. */
const SAMPLE = (() => {
  const chars: string[] = [];
  for (let c = 0x20; c < 0x7f; c++) chars.push(String.fromCharCode(c));
  chars.push('\n', '\t', '中', '文', '。', 'é', '\u3000');
  return chars;
})();

function firstChars(node: Node, flags: string): Set<string> | 'empty' {
  const src = render(node);
  let re: RegExp;
  try {
    re = new RegExp(`^(?:${src})`, flags.replace('g', ''));
  } catch {
    return new Set(SAMPLE);
  }
  if (re.test('')) return 'empty';
  const out = new Set<string>();
  for (const ch of SAMPLE) {
    // A branch "starts with" ch when some continuation after ch can match; testing ch followed
    // by each sample char approximates that cheaply for short prefixes.
    if (re.test(ch) || SAMPLE.some((c2) => re.test(ch + c2) || re.test(ch + c2 + c2))) out.add(ch);
  }
  return out;
}

function render(node: Node): string {
  switch (node.t) {
    case 'atom':
      return node.src;
    case 'quant':
      return node.src;
    case 'seq':
      return node.items.map(render).join('');
    case 'alt':
      return node.branches.map(render).join('|');
    case 'group':
      return `(?:${render(node.body)})`;
  }
}

function findUnsafe(node: Node, source: string, flags: string): RegexProblem | undefined {
  const visit = (n: Node): RegexProblem | undefined => {
    // Repeating something that itself repeats without bound is exponential when unbounded and
    // polynomial of degree k for `{k}` (`(.*a){12}` is already hopeless), so both are rejected.
    if (n.t === 'quant' && n.max > 1 && containsUnbounded(n.body)) {
      return {
        kind: 'unsafe',
        message: `nested unbounded quantifiers in \`${n.src}\` can backtrack exponentially`,
      };
    }
    if (n.t === 'quant' && n.max === Infinity) {
      if (containsUnbounded(n.body)) {
        return {
          kind: 'unsafe',
          message: `nested unbounded quantifiers in \`${n.src}\` can backtrack exponentially`,
        };
      }
      const inner = unwrap(n.body);
      if (inner.t === 'alt') {
        const sets = inner.branches.map((b) => firstChars(b, flags));
        if (sets.includes('empty')) {
          return { kind: 'unsafe', message: `an alternative that can match nothing is repeated in \`${n.src}\`` };
        }
        for (let i = 0; i < sets.length; i++) {
          for (let j = i + 1; j < sets.length; j++) {
            const a = sets[i] as Set<string>;
            const b = sets[j] as Set<string>;
            const shared = [...a].find((ch) => b.has(ch));
            if (shared !== undefined) {
              return {
                kind: 'unsafe',
                message: `alternatives that can start with the same character are repeated in \`${n.src}\`, which can backtrack exponentially`,
              };
            }
          }
        }
      }
    }
    switch (n.t) {
      case 'quant':
        return visit(n.body);
      case 'seq':
        for (const item of n.items) {
          const p = visit(item);
          if (p) return p;
        }
        return undefined;
      case 'alt':
        for (const b of n.branches) {
          const p = visit(b);
          if (p) return p;
        }
        return undefined;
      case 'group':
        return visit(n.body);
      default:
        return undefined;
    }
  };
  void source;
  return visit(node);
}

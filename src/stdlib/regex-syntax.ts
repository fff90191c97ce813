/**
 * A reader for the regular expressions operators write in a playbook (`/…/flags`), producing a
 * small syntax tree that regex-re2.ts translates to RE2 syntax.
 *
 * The source has already been accepted by JavaScript's `RegExp` (regex-safety.ts checks that
 * first, for its error messages), so this reader does not re-validate: it decides what each
 * construct means. It reads the text by code points, as JavaScript does with the `u` flag, and
 * also accepts what JavaScript accepts without `u` (a lone `{` or `]` is a character, `\a` is
 * `a`). The constructs RE2 cannot run stop the reading with a RegexFeatureError that says where
 * they are, so the checker can point at them (docs/language.md, "Text: matches and contains").
 */

import { FOREIGN_ANCHORS, POSIX_CLASSES } from './regex-dialects.js';

export type PerlClass = 'd' | 'D' | 'w' | 'W' | 's' | 'S';

/** `\p{…}` / `\P{…}` as written: `name` is the part before `=`, `value` the part after it. */
export interface PropertyEscape {
  t: 'prop';
  negate: boolean;
  name: string;
  value?: string;
  /** Offset (UTF-16 units) and length of the escape in the source, for diagnostics. */
  at: number;
  len: number;
}

export type ClassItem = { t: 'range'; lo: number; hi: number } | { t: 'perl'; name: PerlClass } | PropertyEscape;

/** Flags a group switches on and off: `(?i:…)`, `(?-i:…)`. */
export interface GroupFlags {
  on: string;
  off: string;
}

export type RegexNode =
  | { t: 'char'; cp: number }
  | { t: 'dot' }
  | { t: 'class'; negate: boolean; items: ClassItem[] }
  | { t: 'perl'; name: PerlClass }
  | PropertyEscape
  | { t: 'assert'; kind: '^' | '$' | 'b' | 'B' }
  | { t: 'group'; body: RegexNode; flags?: GroupFlags }
  | { t: 'seq'; items: RegexNode[] }
  | { t: 'alt'; branches: RegexNode[] }
  | { t: 'repeat'; body: RegexNode; min: number; max: number; lazy: boolean; at: number; len: number };

/** RE2 refuses larger repetition counts (docs/language.md). */
export const MAX_REPEAT = 1000;

export type RegexFeature = 'backreference' | 'lookaround' | 'unsupported' | 'foreign';

export class RegexFeatureError extends Error {
  constructor(
    readonly feature: RegexFeature,
    message: string,
    readonly hint: string,
    /** Offset and length in the source (UTF-16 units). */
    readonly at: number,
    readonly len: number,
  ) {
    super(message);
  }
}

const isDigit = (c: string | undefined) => c !== undefined && c >= '0' && c <= '9';
const isHex = (s: string) => /^[0-9a-fA-F]+$/.test(s);

export function parseRegex(source: string): RegexNode {
  return new Reader(source).read();
}

class Reader {
  private pos = 0;
  constructor(private readonly src: string) {}

  read(): RegexNode {
    const node = this.disjunction();
    if (this.pos < this.src.length) throw new Error(`unexpected \`${this.src[this.pos]}\` at ${this.pos}`);
    return node;
  }

  private peek(offset = 0): string | undefined {
    return this.src[this.pos + offset];
  }

  private disjunction(): RegexNode {
    const branches = [this.alternative()];
    while (this.peek() === '|') {
      this.pos++;
      branches.push(this.alternative());
    }
    return branches.length === 1 ? branches[0]! : { t: 'alt', branches };
  }

  private alternative(): RegexNode {
    const items: RegexNode[] = [];
    while (this.pos < this.src.length && this.peek() !== '|' && this.peek() !== ')') {
      const start = this.pos;
      const atom = this.term();
      items.push(this.quantified(atom, start));
    }
    return items.length === 1 ? items[0]! : { t: 'seq', items };
  }

  private quantified(atom: RegexNode, start: number): RegexNode {
    const c = this.peek();
    let min: number;
    let max: number;
    const at = this.pos;
    if (c === '*') [min, max] = [0, Infinity];
    else if (c === '+') [min, max] = [1, Infinity];
    else if (c === '?') [min, max] = [0, 1];
    else if (c === '{') {
      const m = /^\{(\d+)(?:(,)(\d*))?\}/.exec(this.src.slice(this.pos));
      if (!m) return atom; // a `{` that is not a count is a character (read by the next term)
      min = Number(m[1]);
      max = m[2] === undefined ? min : m[3] === '' ? Infinity : Number(m[3]);
      this.pos += m[0].length - 1;
      if (min > MAX_REPEAT || (max !== Infinity && max > MAX_REPEAT)) {
        throw new RegexFeatureError(
          'unsupported',
          `RE2 repeats at most ${MAX_REPEAT} times, and \`${m[0]}\` asks for more`,
          `use a count of at most ${MAX_REPEAT}, or \`+\` / \`{n,}\` for "n or more"`,
          at,
          m[0].length,
        );
      }
    } else return atom;
    this.pos++;
    let lazy = false;
    if (this.peek() === '?') {
      lazy = true;
      this.pos++;
    }
    if (atom.t === 'assert') throw new Error(`nothing to repeat at ${start}`);
    return { t: 'repeat', body: atom, min, max, lazy, at: start, len: this.pos - start };
  }

  private term(): RegexNode {
    const c = this.peek()!;
    switch (c) {
      case '^':
        this.pos++;
        return { t: 'assert', kind: '^' };
      case '$':
        this.pos++;
        return { t: 'assert', kind: '$' };
      case '.':
        this.pos++;
        return { t: 'dot' };
      case '(':
        return this.group();
      case '[':
        return this.charClass();
      case '\\':
        return this.atomEscape();
      case '*':
      case '+':
      case '?':
        throw new Error(`nothing to repeat at ${this.pos}`);
      default:
        return { t: 'char', cp: this.codePoint() };
    }
  }

  /** The code point at the cursor (a surrogate pair is one character), consumed. */
  private codePoint(): number {
    const cp = this.src.codePointAt(this.pos)!;
    this.pos += cp > 0xffff ? 2 : 1;
    return cp;
  }

  private group(): RegexNode {
    const open = this.pos;
    const rest = this.src.slice(this.pos);
    let flags: GroupFlags | undefined;
    if (rest.startsWith('(?=') || rest.startsWith('(?!')) {
      throw new RegexFeatureError(
        'lookaround',
        `RE2 cannot run lookahead \`${rest.slice(0, 3)}…)\``,
        rest.startsWith('(?!')
          ? 'a one-character lookahead can be a class: `a(?!b)` -> `a(?:[^b]|$)`; to leave out some messages, add `unless text matches /…/` to the rule'
          : 'at the end of the pattern it can simply match: `a(?=b)` -> `ab`; elsewhere, add `and text matches /…/` to the condition',
        open,
        3,
      );
    }
    if (rest.startsWith('(?<=') || rest.startsWith('(?<!')) {
      throw new RegexFeatureError(
        'lookaround',
        `RE2 cannot run lookbehind \`${rest.slice(0, 4)}…)\``,
        rest.startsWith('(?<!')
          ? 'a one-character lookbehind can be a class: `(?<!a)b` -> `(?:^|[^a])b`; to leave out some messages, add `unless text matches /…/` to the rule'
          : 'at the start of the pattern it can simply match: `(?<=a)b` -> `ab`; elsewhere, add `and text matches /…/` to the condition',
        open,
        4,
      );
    }
    const named = /^\(\?<[^>]+>/.exec(rest);
    const modifiers = /^\(\?([ims]*)(?:-([ims]*))?:/.exec(rest);
    if (named) this.pos += named[0].length;
    else if (modifiers) {
      if (modifiers[1] || modifiers[2]) flags = { on: modifiers[1] ?? '', off: modifiers[2] ?? '' };
      this.pos += modifiers[0].length;
    } else this.pos++;
    const body = this.disjunction();
    if (this.peek() !== ')') throw new Error(`unterminated group at ${open}`);
    this.pos++;
    return flags ? { t: 'group', body, flags } : { t: 'group', body };
  }

  private atomEscape(): RegexNode {
    const start = this.pos;
    const c = this.src[this.pos + 1];
    if (c === undefined) throw new Error('\\ at end of pattern');
    if (c === 'b' || c === 'B') {
      this.pos += 2;
      return { t: 'assert', kind: c };
    }
    if (c >= '1' && c <= '9') {
      const digits = /^\d+/.exec(this.src.slice(this.pos + 1))![0];
      // `\8` and `\9` have no octal reading to suggest.
      const code = Number.parseInt(digits, 8);
      throw new RegexFeatureError(
        'backreference',
        `RE2 cannot run the backreference \`\\${digits}\` (text repeated from a group)`,
        Number.isNaN(code)
          ? 'match the text without repeating the group'
          : `match the text without repeating the group; for the character with code ${digits}, write \`\\x${code.toString(16).padStart(2, '0')}\``,
        start,
        digits.length + 1,
      );
    }
    const anchor = FOREIGN_ANCHORS[c];
    if (anchor) {
      throw new RegexFeatureError(
        'foreign',
        `\`\\${c}\` is ${anchor.means} in PCRE and Python, but JavaScript reads it as the letter \`${c}\``,
        anchor.instead,
        start,
        2,
      );
    }
    const named = /^\\k<[^>]*>/.exec(this.src.slice(this.pos));
    if (named) {
      throw new RegexFeatureError(
        'backreference',
        `RE2 cannot run the backreference \`${named[0]}\` (text repeated from a named group)`,
        'match the text without repeating the group',
        start,
        named[0].length,
      );
    }
    // Stryker disable next-line BooleanLiteral: outside a class only \b reads differently, and it is handled above
    return this.characterEscape(false);
  }

  /**
   * An escape that stands for one character, a class such as `\d`, or a property; the cursor is
   * on the backslash. Inside `[…]`, `\b` is the backspace and `\1` an octal escape (as in
   * JavaScript without `u`; backreferences cannot occur there).
   */
  private characterEscape(inClass: boolean): { t: 'char'; cp: number } | { t: 'perl'; name: PerlClass } | PropertyEscape {
    const start = this.pos;
    const c = this.src[this.pos + 1]!;
    this.pos += 2;
    const simple: Record<string, number> = { t: 9, n: 10, v: 11, f: 12, r: 13 };
    if (c in simple) return { t: 'char', cp: simple[c]! };
    if ('dDwWsS'.includes(c)) return { t: 'perl', name: c as PerlClass };
    if (inClass && c === 'b') return { t: 'char', cp: 8 };
    if (c === 'p' || c === 'P') {
      const m = /^\{([^}=]*)(?:=([^}]*))?\}/.exec(this.src.slice(this.pos));
      if (m) {
        this.pos += m[0].length;
        const prop: PropertyEscape = { t: 'prop', negate: c === 'P', name: m[1]!, at: start, len: this.pos - start };
        if (m[2] !== undefined) prop.value = m[2];
        return prop;
      }
      return { t: 'char', cp: c.codePointAt(0)! };
    }
    if (c === 'c') {
      const letter = this.src[this.pos];
      if (letter !== undefined && /[A-Za-z]/.test(letter)) {
        this.pos++;
        return { t: 'char', cp: letter.charCodeAt(0) % 32 };
      }
      // Without `u`, `\c` not followed by a letter is a backslash followed by `c`.
      this.pos = start + 1;
      return { t: 'char', cp: 0x5c };
    }
    if (c === 'x') {
      const hex = this.src.slice(this.pos, this.pos + 2);
      if (hex.length === 2 && isHex(hex)) {
        this.pos += 2;
        return { t: 'char', cp: Number.parseInt(hex, 16) };
      }
      return { t: 'char', cp: 0x78 };
    }
    if (c === 'u') return { t: 'char', cp: this.unicodeEscape() };
    if (isDigit(c)) {
      // `\0`, and (without `u`, inside a class) octal escapes such as `\012` or `\1`.
      if (c === '8' || c === '9') return { t: 'char', cp: c.charCodeAt(0) };
      const m = /^[0-7]{0,2}/.exec(this.src.slice(this.pos))![0];
      let digits = c + m;
      if (Number.parseInt(digits, 8) > 0o377) digits = digits.slice(0, 2);
      this.pos = start + 1 + digits.length;
      return { t: 'char', cp: Number.parseInt(digits, 8) };
    }
    // Any other escaped character stands for itself (`\/`, `\.`, and without `u` also `\a`).
    this.pos = start + 1;
    return { t: 'char', cp: this.codePoint() };
  }

  /** After `\u`: `\u{1F600}`, `\uXXXX` (a surrogate pair of two escapes is one character), or `u`. */
  private unicodeEscape(): number {
    const braced = /^\{([0-9a-fA-F]+)\}/.exec(this.src.slice(this.pos));
    if (braced && Number.parseInt(braced[1]!, 16) <= 0x10ffff) {
      this.pos += braced[0].length;
      return Number.parseInt(braced[1]!, 16);
    }
    const hex = this.src.slice(this.pos, this.pos + 4);
    if (hex.length !== 4 || !isHex(hex)) return 0x75;
    this.pos += 4;
    const unit = Number.parseInt(hex, 16);
    const low = /^\\u(d[c-f][0-9a-f]{2})/i.exec(this.src.slice(this.pos));
    if (unit >= 0xd800 && unit <= 0xdbff && low) {
      this.pos += 6;
      return 0x10000 + ((unit - 0xd800) << 10) + (Number.parseInt(low[1]!, 16) - 0xdc00);
    }
    return unit;
  }

  private charClass(): RegexNode {
    const open = this.pos;
    this.pos++;
    let negate = false;
    if (this.peek() === '^') {
      negate = true;
      this.pos++;
    }
    const items: ClassItem[] = [];
    while (this.peek() !== ']') {
      if (this.pos >= this.src.length) throw new Error(`unterminated class at ${open}`);
      const posix = /^\[:(\^?)([a-z]+):\]/.exec(this.src.slice(this.pos));
      const instead = posix ? POSIX_CLASSES[posix[2]!] : undefined;
      if (posix && instead) {
        throw new RegexFeatureError(
          'foreign',
          `\`${posix[0]}\` is a POSIX class in PCRE and RE2, but JavaScript reads it as a choice of the characters \`[\`, \`:\` and the letters of \`${posix[2]}\`, ending the class at its first \`]\``,
          `write ${posix[1] ? `the negation of ${instead}` : instead} for \`${posix[0]}\``,
          this.pos,
          posix[0].length,
        );
      }
      const first = this.classAtom();
      if (this.peek() === '-' && this.peek(1) !== ']' && this.peek(1) !== undefined) {
        this.pos++;
        const second = this.classAtom();
        if (first.t === 'char' && second.t === 'char') {
          items.push({ t: 'range', lo: first.cp, hi: second.cp });
          continue;
        }
        // Without `u`, `[\d-z]` is `\d`, `-` and `z`.
        items.push(toItem(first), { t: 'range', lo: 0x2d, hi: 0x2d }, toItem(second));
        continue;
      }
      items.push(toItem(first));
    }
    this.pos++;
    return { t: 'class', negate, items };
  }

  private classAtom(): { t: 'char'; cp: number } | { t: 'perl'; name: PerlClass } | PropertyEscape {
    if (this.peek() === '\\') {
      // `\-` is a dash; `\B` inside a class is `B` without `u`.
      return this.characterEscape(true);
    }
    return { t: 'char', cp: this.codePoint() };
  }
}

function toItem(a: { t: 'char'; cp: number } | { t: 'perl'; name: PerlClass } | PropertyEscape): ClassItem {
  return a.t === 'char' ? { t: 'range', lo: a.cp, hi: a.cp } : a;
}

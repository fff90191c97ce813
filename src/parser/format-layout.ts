import type { IToken, TokenType } from 'chevrotain';
import {
  Arrow,
  Colon,
  Comma,
  DateLiteral,
  Dot,
  DurationLiteral,
  EqEq,
  Greater,
  GreaterEq,
  Identifier,
  Kw,
  LBrace,
  LBracket,
  Less,
  LessEq,
  LParen,
  Minus,
  NotEq,
  NumberLiteral,
  Plus,
  Question,
  RBrace,
  RBracket,
  RegexLiteral,
  RParen,
  Semicolon,
  Star,
  StringLiteral,
  TimeLiteral,
} from './lexer.js';
import { canonicalStringLiteral, displayWidth } from '../format/text.js';

/**
 * The layout half of the formatter: a recursive-descent walk over the token stream that mirrors
 * grammar.ts rule by rule and decides where lines break. It runs only on input that chevrotain
 * parsed without errors, so it trusts the shape of the input and throws FormatBug the moment it
 * sees something the grammar would not have accepted.
 *
 * Working on tokens rather than on the AST keeps every word as the author wrote it (`周一`,
 * `alltime`, `deduct`, `mute member for`), which the AST has already normalised away.
 */

/** One piece of an output line: canonical text, the source token it came from (if any). */
export interface Piece {
  text: string;
  /** Index into the token array; absent for punctuation the formatter adds (`{` of a block it opens). */
  tok?: number;
  /** A space separates this piece from the previous one on the same line. */
  space: boolean;
}

export type Frag = Piece[];

export interface Line {
  indent: number;
  pieces: Piece[];
  /** The line is a block's closing brace: comments just before it belong inside the block. */
  closes: boolean;
  /** Which top-level item the line belongs to (for the blank lines between items). */
  item: number;
  /** Lines of a lifecycle body, for lining up its transitions (see alignTransitions). */
  align?: Align;
}

/**
 * A lifecycle's transition heads line up in columns while no blank line or other statement comes
 * between them; the lines of a transition's actions do not interrupt a run.
 */
export interface Align {
  group: number;
  role: 'head' | 'body' | 'break';
  from?: Piece;
  to?: Piece;
}

/** The input is not what the grammar accepts: a formatter bug, reported without touching the file. */
export class FormatBug extends Error {}

/** Valid input whose layout the formatter cannot reproduce without changing its meaning. */
export class FormatRefusal extends Error {
  constructor(message: string, readonly line: number) {
    super(message);
  }
}

export interface Actions {
  list: Frag[];
  open?: Piece;
  close?: Piece;
  colon?: Piece;
}

type Stmt = (
  | { k: 'line'; frag: Frag }
  | {
      k: 'block';
      head: Frag;
      open: Piece;
      close: Piece;
      body: Stmt[];
      /** What an empty block without comments becomes: `head {}` or just `head`. */
      whenEmpty: 'braces' | 'omit';
      /** Short lists (event fields, levels) may sit on one line, joined by this separator. */
      collapseWith?: ',' | ';';
    }
  | {
      k: 'actions';
      head: Frag;
      acts: Actions;
      /** `head: a; b`, `head { a; b }` (lifecycle transitions) or `do a; b` (rules). */
      style: 'colon' | 'brace' | 'do';
      /** The actions may be left out altogether when there are none (badges, goals, transitions). */
      optional: boolean;
    }
) & { align?: Align };

export interface LayoutOptions {
  /** Longest line, in terminal columns, that short lists are joined into. */
  maxWidth: number;
  /** Most actions kept on one line; longer lists are always broken one per line. */
  maxInlineActions: number;
}

const ACTION_STARTS = new Set<TokenType>([
  Kw.say, Kw.notify, Kw.delete, Kw.warn, Kw.mute, Kw.remove, Kw.tag, Kw.untag, Kw.award, Kw.deduct,
]);
const KEYWORD_TYPES = new Set<TokenType>(Object.values(Kw));
const COMPARE_TEXT = new Map<TokenType, string>([
  [GreaterEq, '>='], [LessEq, '<='], [NotEq, '!='], [EqEq, '=='], [Greater, '>'], [Less, '<'],
]);
/** Canonical spelling of punctuation that has a full-width or Unicode twin. */
const PUNCT_TEXT = new Map<TokenType, string>([
  [Comma, ','], [Semicolon, ';'], [Colon, ':'], [Arrow, '->'], [Star, '*'], ...COMPARE_TEXT,
]);

export function isNameToken(t: IToken): boolean {
  return t.tokenType === Identifier || KEYWORD_TYPES.has(t.tokenType);
}

function canonicalText(t: IToken): string {
  if (t.tokenType === StringLiteral) return canonicalStringLiteral(t.image);
  return PUNCT_TEXT.get(t.tokenType) ?? t.image;
}

const glue = (p: Piece): Piece => ({ ...p, space: false });
const gluedFirst = (f: Frag): Frag => (f.length ? [glue(f[0]!), ...f.slice(1)] : f);
const added = (text: string, space = true): Piece => ({ text, space });

export function renderPieces(pieces: Piece[]): string {
  let out = '';
  pieces.forEach((p, j) => {
    out += (j > 0 && p.space ? ' ' : '') + p.text;
  });
  return out;
}

export class Layout {
  private i = 0;
  private item = -1;
  private lifecycles = 0;
  readonly lines: Line[] = [];

  constructor(
    private readonly toks: IToken[],
    /** Start offsets of the comments, ascending: a comment inside a list keeps it broken. */
    private readonly commentStarts: number[],
    private readonly options: LayoutOptions,
  ) {}

  run(): Line[] {
    while (this.i < this.toks.length) {
      if (this.is(Semicolon)) {
        this.i++;
        continue;
      }
      this.item++;
      for (const s of this.topLevelItem()) this.render(s, 0);
    }
    return this.lines;
  }

  // ---------------------------------------------------------------- token cursor

  private la(k = 0): IToken | undefined {
    return this.toks[this.i + k];
  }

  private is(type: TokenType, k = 0): boolean {
    return this.la(k)?.tokenType === type;
  }

  private isName(k = 0): boolean {
    const t = this.la(k);
    return t !== undefined && isNameToken(t);
  }

  private bug(what: string): never {
    const t = this.la();
    throw new FormatBug(`${what} ${t ? `at line ${t.startLine}, \`${t.image}\`` : 'at the end of the file'}`);
  }

  /** Consume one token (of `type`, or any name when `type` is 'name') and return its piece. */
  private take(type?: TokenType | 'name'): Piece {
    const t = this.la();
    const wanted = type === 'name' ? 'a name' : (type?.name ?? 'a token');
    if (!t) this.bug(`expected ${wanted}`);
    if (type === 'name' ? !isNameToken(t) : type !== undefined && t.tokenType !== type) this.bug(`expected ${wanted}`);
    return { text: canonicalText(t), tok: this.i++, space: true };
  }

  /** The token is dropped from the output (a separator the layout makes redundant). */
  private skip(): void {
    this.i++;
  }

  // ---------------------------------------------------------------- rendering

  private emit(indent: number, pieces: Frag, closes = false): void {
    this.lines.push({ indent, pieces, closes, item: this.item });
  }

  private fits(indent: number, frag: Frag): boolean {
    return indent * 2 + displayWidth(renderPieces(frag)) <= this.options.maxWidth;
  }

  /** Is any comment strictly between these two source offsets? */
  private commentsBetween(from: number, to: number): boolean {
    const starts = this.commentStarts;
    let lo = 0;
    let hi = starts.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (starts[mid]! <= from) lo = mid + 1;
      else hi = mid;
    }
    return lo < starts.length && starts[lo]! < to;
  }

  private startOf(p: Piece): number {
    return p.tok === undefined ? -1 : this.toks[p.tok]!.startOffset;
  }

  private endOf(p: Piece): number {
    return p.tok === undefined ? -1 : (this.toks[p.tok]!.endOffset ?? this.toks[p.tok]!.startOffset);
  }

  private commentsInside(open: Piece | undefined, close: Piece | undefined): boolean {
    if (open?.tok === undefined || close?.tok === undefined) return false;
    return this.commentsBetween(this.endOf(open), this.startOf(close));
  }

  private render(s: Stmt, indent: number): void {
    const first = this.lines.length;
    if (s.k === 'line') this.emit(indent, s.frag);
    else if (s.k === 'block') this.renderBlock(s, indent);
    else this.renderActions(s, indent);
    if (s.align) {
      for (let k = first; k < this.lines.length; k++) {
        this.lines[k]!.align = k === first ? s.align : { group: s.align.group, role: 'body' };
      }
    }
  }

  private renderBlock(s: Extract<Stmt, { k: 'block' }>, indent: number): void {
    const inner = this.commentsInside(s.open, s.close);
    if (s.body.length === 0 && !inner) {
      if (s.whenEmpty === 'omit') return this.emit(indent, s.head);
      return this.emit(indent, [...s.head, s.open, glue(s.close)]);
    }
    if (s.collapseWith && !inner && s.body.every((b) => b.k === 'line')) {
      const items = s.body.map((b) => (b as { frag: Frag }).frag);
      const frag: Frag = [...s.head, s.open];
      items.forEach((it, j) => {
        if (j > 0) frag.push(added(s.collapseWith!, false));
        frag.push(...it);
      });
      frag.push(s.close);
      if (this.fits(indent, frag)) return this.emit(indent, frag);
    }
    this.emit(indent, [...s.head, s.open]);
    for (const b of s.body) this.render(b, indent + 1);
    this.emit(indent, [s.close], true);
  }

  private renderActions(s: Extract<Stmt, { k: 'actions' }>, indent: number): void {
    const { list } = s.acts;
    const open = s.acts.open ?? added('{');
    const close = s.acts.close ?? added('}');
    let inner: boolean;
    if (s.acts.open) inner = this.commentsInside(s.acts.open, s.acts.close);
    else if (list.length > 0) {
      const first = list[0]![0]!;
      const lastFrag = list[list.length - 1]!;
      inner = this.commentsBetween(this.startOf(first), this.endOf(lastFrag[lastFrag.length - 1]!));
    } else inner = false;

    if (list.length === 0 && !inner) {
      if (s.optional) return this.emit(indent, s.head);
      return this.emit(indent, [...s.head, open, glue(close)]);
    }
    if (!inner && list.length <= this.options.maxInlineActions) {
      const joined: Frag = [];
      list.forEach((a, j) => {
        if (j > 0) joined.push(added(';', false));
        joined.push(...a);
      });
      let frag: Frag;
      if (s.style === 'colon') frag = [...s.head, glue(s.acts.colon ?? added(':')), ...joined];
      else if (s.style === 'brace') frag = [...s.head, open, ...joined, close];
      else frag = [...s.head, ...joined];
      if (this.fits(indent, frag)) return this.emit(indent, frag);
    }
    this.emit(indent, [...s.head, open]);
    for (const a of list) this.emit(indent + 1, a);
    this.emit(indent, [close], true);
  }

  // ---------------------------------------------------------------- top level

  private topLevelItem(): Stmt[] {
    const t = this.la()!;
    switch (t.tokenType) {
      case Kw.playbook: return [this.header()];
      case Kw.roles: return [this.roles()];
      case Kw.event: return [this.eventDecl()];
      case Kw.template: return [this.templateDecl()];
      case Kw.segment: return [this.segmentDecl()];
      case Kw.ritual: return [this.ritual()];
      case Kw.rule: return [this.rule()];
      case Kw.ladder: return [this.ladder()];
      case Kw.points: return [this.pointsBlock()];
      case Kw.levels: return [this.levelsBlock()];
      case Kw.badge: return [this.badge()];
      case Kw.leaderboard: return [this.leaderboard()];
      case Kw.lifecycle: return [this.lifecycle()];
      case Kw.schedule: return [this.schedule()];
      case Kw.job:
      case Kw.every: return [this.job()];
      case Kw.campaign: return [this.campaign()];
      default: return this.bug('unexpected token at the top level');
    }
  }

  private header(): Stmt {
    const head = [this.take(Kw.playbook), this.take(StringLiteral)];
    if (!this.is(LBrace)) return { k: 'line', frag: head };
    const open = this.take(LBrace);
    const body: Stmt[] = [];
    while (!this.is(RBrace)) {
      if (this.is(Semicolon)) this.skip();
      else if (this.is(Kw.timezone) || this.is(Kw.locale) || this.is(Kw.description)) {
        body.push({ k: 'line', frag: [this.take(), this.take(StringLiteral)] });
      } else this.bug('unexpected token in the header');
    }
    return { k: 'block', head, open, close: this.take(RBrace), body, whenEmpty: 'omit' };
  }

  private roles(): Stmt {
    const frag = [this.take(Kw.roles), this.take('name')];
    while (this.is(Comma)) frag.push(glue(this.take(Comma)), this.take('name'));
    return { k: 'line', frag };
  }

  private dotted(): Frag {
    const frag = [this.take('name')];
    while (this.is(Dot)) frag.push(glue(this.take(Dot)), glue(this.take('name')));
    return frag;
  }

  private eventDecl(): Stmt {
    const head = [this.take(Kw.event), ...this.dotted()];
    const open = this.take(LBrace);
    const body: Stmt[] = [];
    while (!this.is(RBrace)) {
      if (this.is(Comma) || this.is(Semicolon)) this.skip();
      else body.push({ k: 'line', frag: this.fieldDecl() });
    }
    return { k: 'block', head, open, close: this.take(RBrace), body, whenEmpty: 'braces', collapseWith: ',' };
  }

  /** `name?: type[]`: one `?`, after the name, however many the author wrote and wherever. */
  private fieldDecl(): Frag {
    const name = this.take('name');
    const before = this.is(Question) ? this.take(Question) : undefined;
    const colon = this.take(Colon);
    const type = this.take('name');
    const list = this.is(LBracket) ? [glue(this.take(LBracket)), glue(this.take(RBracket))] : [];
    const after = this.is(Question) ? this.take(Question) : undefined;
    const mark = before ?? after;
    return [name, ...(mark ? [glue(mark)] : []), glue(colon), type, ...list];
  }

  private templateDecl(): Stmt {
    const frag = [this.take(Kw.template), this.take('name')];
    if (this.is(Colon) || this.is(EqEq)) this.skip();
    frag.push(this.take(StringLiteral));
    return { k: 'line', frag };
  }

  private segmentDecl(): Stmt {
    const frag = [this.take(Kw.segment), this.take('name')];
    if (this.is(Kw.where)) frag.push(this.take());
    else if (this.is(EqEq) || this.is(Colon)) frag.push({ ...this.take(), text: 'where' });
    else this.bug('expected `where`');
    frag.push(...this.condition());
    return { k: 'line', frag };
  }

  private eventPattern(): Frag {
    const frag = this.dotted();
    if (this.is(Kw.where)) frag.push(this.take(), ...this.condition());
    return frag;
  }

  // ---------------------------------------------------------------- rituals, rules, ladders

  private ritual(): Stmt {
    const head = [this.take(Kw.ritual), this.take('name')];
    const open = this.take(LBrace);
    const body: Stmt[] = [];
    while (!this.is(RBrace)) {
      const t = this.la();
      if (!t) this.bug('unclosed ritual');
      switch (t.tokenType) {
        case Semicolon: this.skip(); break;
        case Kw.starts:
        case Kw.cancel:
          body.push({ k: 'line', frag: [this.take(), this.take(Kw.on), ...this.eventPattern()] });
          break;
        case Kw.step: {
          const frag = [this.take(), this.take('name')];
          if (this.is(StringLiteral)) frag.push(this.take());
          frag.push(glue(this.take(Colon)), ...this.eventPattern());
          body.push({ k: 'line', frag });
          break;
        }
        case Kw.remind:
          body.push(this.actionsAfter([this.take(), this.take(Kw.after), this.take(DurationLiteral)]));
          break;
        case Kw.deadline:
          body.push(this.actionsAfter([this.take(), this.take(DurationLiteral)]));
          break;
        case Kw.done:
          body.push(this.actionsAfter([this.take()]));
          break;
        default:
          if (!ACTION_STARTS.has(t.tokenType)) this.bug('unexpected token in a ritual');
          body.push({ k: 'line', frag: this.action() });
      }
    }
    return { k: 'block', head, open, close: this.take(RBrace), body, whenEmpty: 'braces' };
  }

  private actionsAfter(head: Frag, optional = false): Stmt {
    return { k: 'actions', head, acts: this.actionBlock(), style: 'colon', optional };
  }

  /** `{ actions }`, `: actions to the end of the line`, or `: { actions }`. */
  private actionBlock(): Actions {
    if (this.is(LBrace)) {
      const open = this.take(LBrace);
      const list = this.actionList();
      return { list, open, close: this.take(RBrace) };
    }
    const colonTok = this.la();
    const colon = this.take(Colon);
    const acts: Actions = { list: [], colon };
    if (this.is(LBrace)) {
      acts.open = this.take(LBrace);
      acts.list = this.actionList();
      acts.close = this.take(RBrace);
    }
    if (this.isActionStart()) {
      if (acts.open) {
        // The grammar keeps only the actions after the braces; printing both would add actions.
        throw new FormatRefusal(
          'an action follows `: { … }`, and the parser then keeps only the actions after the braces; remove the `:` before `{`',
          colonTok!.startLine ?? 1,
        );
      }
      acts.list = this.lineActions();
    }
    return acts;
  }

  private isActionStart(k = 0): boolean {
    const t = this.la(k);
    return t !== undefined && ACTION_STARTS.has(t.tokenType);
  }

  /** Actions after `:` run to the end of the line; a `;` at the end of a line continues it. */
  private lineActions(): Frag[] {
    const list = [this.action()];
    for (;;) {
      const prev = this.toks[this.i - 1]!;
      const next = this.la();
      if (!next) break;
      const sameLine = prev.tokenType === Semicolon || next.startLine === (prev.endLine ?? prev.startLine);
      if (!sameLine) break;
      if (this.is(Semicolon)) this.skip();
      else if (this.isActionStart()) list.push(this.action());
      else break;
    }
    return list;
  }

  private actionList(): Frag[] {
    const list: Frag[] = [];
    for (;;) {
      if (this.is(Semicolon)) this.skip();
      else if (this.isActionStart()) list.push(this.action());
      else return list;
    }
  }

  private rule(): Stmt {
    const head = [this.take(Kw.rule), this.take('name')];
    const open = this.take(LBrace);
    const body: Stmt[] = [];
    while (!this.is(RBrace)) {
      const t = this.la();
      if (!t) this.bug('unclosed rule');
      switch (t.tokenType) {
        case Semicolon: this.skip(); break;
        case Kw.on: {
          const frag = [this.take(), ...this.eventPattern()];
          while (this.is(Comma)) frag.push(glue(this.take()), ...this.eventPattern());
          body.push({ k: 'line', frag });
          break;
        }
        case Kw.when:
        case Kw.unless:
          body.push({ k: 'line', frag: [this.take(), ...this.condition()] });
          break;
        case Kw.priority:
          body.push({ k: 'line', frag: [this.take(), ...this.signedNumber()] });
          break;
        case Kw.once:
          body.push({ k: 'line', frag: [this.take(), this.take(Kw.per), this.take('name')] });
          break;
        case Kw.do: {
          const head2 = [this.take()];
          let acts: Actions;
          if (this.is(LBrace)) {
            const o = this.take(LBrace);
            const list = this.actionList();
            acts = { list, open: o, close: this.take(RBrace) };
          } else acts = { list: this.actionList() };
          body.push({ k: 'actions', head: head2, acts, style: 'do', optional: false });
          break;
        }
        default: this.bug('unexpected token in a rule');
      }
    }
    return { k: 'block', head, open, close: this.take(RBrace), body, whenEmpty: 'braces' };
  }

  /** `-3`, `+5`, `7`: the sign sticks to the number. */
  private signedNumber(): Frag {
    if (this.is(Plus) || this.is(Minus)) return [this.take(), glue(this.take(NumberLiteral))];
    return [this.take(NumberLiteral)];
  }

  private ladder(): Stmt {
    const head = [this.take(Kw.ladder), this.take('name')];
    const open = this.take(LBrace);
    const body: Stmt[] = [];
    while (!this.is(RBrace)) {
      if (this.is(Semicolon)) this.skip();
      else if (this.is(Kw.expire)) body.push({ k: 'line', frag: [this.take(), this.take(DurationLiteral)] });
      else if (this.is(NumberLiteral)) body.push(this.actionsAfter([this.take()]));
      else this.bug('unexpected token in a ladder');
    }
    return { k: 'block', head, open, close: this.take(RBrace), body, whenEmpty: 'braces' };
  }

  // ---------------------------------------------------------------- points, levels, badges, boards

  private pointsBlock(): Stmt {
    const head = [this.take(Kw.points)];
    const open = this.take(LBrace);
    const body: Stmt[] = [];
    while (!this.is(RBrace)) {
      if (this.is(Semicolon) || this.is(Comma)) this.skip();
      else body.push({ k: 'line', frag: this.pointsEntry() });
    }
    return { k: 'block', head, open, close: this.take(RBrace), body, whenEmpty: 'braces' };
  }

  private pointsEntry(): Frag {
    const frag = [...this.eventPattern(), glue(this.take(Colon)), ...this.signedNumber()];
    if (this.is(Kw.points)) frag.push(this.take());
    for (;;) {
      if (this.is(Kw.cooldown)) frag.push(this.take(), this.take(DurationLiteral));
      else if (this.is(Kw.cap)) {
        frag.push(this.take(), this.take(NumberLiteral));
        if (this.is(Kw.points)) frag.push(this.take());
        frag.push(this.take(Kw.per), this.take('name'));
      } else if (this.is(Kw.reason)) frag.push(this.take(), this.take(StringLiteral));
      else return frag;
    }
  }

  private levelsBlock(): Stmt {
    const head = [this.take(Kw.levels)];
    const open = this.take(LBrace);
    const body: Stmt[] = [];
    while (!this.is(RBrace)) {
      if (this.is(Semicolon) || this.is(Comma)) this.skip();
      else {
        const frag = [this.take('name'), this.take(Kw.at), this.take(NumberLiteral)];
        if (this.is(Kw.points)) frag.push(this.take());
        body.push({ k: 'line', frag });
      }
    }
    return { k: 'block', head, open, close: this.take(RBrace), body, whenEmpty: 'braces', collapseWith: ';' };
  }

  private badge(): Stmt {
    const head = [this.take(Kw.badge), this.take('name')];
    if (this.is(Kw.when)) head.push(this.take(), ...this.condition());
    else if (this.is(Kw.streak)) {
      head.push(this.take(), this.take(NumberLiteral), this.take(Kw.days), this.take(Kw.of), ...this.dotted());
    } else this.bug('expected `when` or `streak`');
    if (this.is(LBrace) || this.is(Colon)) return this.actionsAfter(head, true);
    return { k: 'line', frag: head };
  }

  private leaderboard(): Stmt {
    const head = [this.take(Kw.leaderboard)];
    while (!this.is(Kw.top)) head.push(this.take('name'));
    head.push(this.take(Kw.top), this.take(NumberLiteral), this.take(Kw.by), this.take(Kw.points), this.take(Kw.every));
    head.push(...this.calendar());
    return this.actionsAfter(head);
  }

  // ---------------------------------------------------------------- lifecycles

  private lifecycle(): Stmt {
    const head = [this.take(Kw.lifecycle), this.take('name')];
    const open = this.take(LBrace);
    const body: Stmt[] = [];
    const group = ++this.lifecycles;
    while (!this.is(RBrace)) {
      if (this.is(Semicolon)) this.skip();
      else if (this.is(Kw.initial) && !this.is(Arrow, 1)) {
        body.push({ k: 'line', frag: [this.take(), this.take('name')], align: { group, role: 'break' } });
      } else body.push(this.transition(group));
    }
    return { k: 'block', head, open, close: this.take(RBrace), body, whenEmpty: 'braces' };
  }

  private transition(group: number): Stmt {
    const from = this.take('name');
    const arrow = this.take(Arrow);
    const to = this.take('name');
    const head = [from, arrow, to];
    const align: Align = { group, role: 'head', from, to };
    if (this.is(Kw.on)) head.push(this.take(), ...this.eventPattern());
    else if (this.is(Kw.when)) head.push(this.take(), ...this.condition());
    else if (this.is(Kw.after)) {
      head.push(this.take(), this.take(DurationLiteral));
      if (this.is(Kw.without)) head.push(this.take(), ...this.dotted());
    } else this.bug('expected `on`, `when` or `after`');
    if (!this.is(LBrace)) return { k: 'line', frag: head, align };
    const open = this.take(LBrace);
    const list = this.actionList();
    return { k: 'actions', head, acts: { list, open, close: this.take(RBrace) }, style: 'brace', optional: true, align };
  }

  // ---------------------------------------------------------------- calendars, schedules, jobs

  private calendar(): Frag {
    const first = this.la();
    const frag: Frag = [];
    if (first?.image === 'month') {
      frag.push(this.take('name'), this.take(Kw.on), this.take(NumberLiteral));
      while (this.is(Comma)) frag.push(glue(this.take()), this.take(NumberLiteral));
    } else if (first?.image === 'week') {
      frag.push(this.take('name'), this.take(Kw.on), ...this.weekdays());
    } else if (first?.image === 'day') {
      frag.push(this.take('name'));
    } else frag.push(...this.weekdays());
    if (this.is(Kw.at)) frag.push(this.take());
    frag.push(this.take(TimeLiteral));
    while (this.is(Comma)) frag.push(glue(this.take()), this.take(TimeLiteral));
    return frag;
  }

  /** `mon-fri, sun`: a range is written without spaces. */
  private weekdays(): Frag {
    const frag: Frag = [];
    for (;;) {
      frag.push(this.take('name'));
      if (this.is(Minus)) frag.push(glue(this.take()), glue(this.take('name')));
      if (!this.is(Comma)) return frag;
      frag.push(glue(this.take()));
    }
  }

  private schedule(): Stmt {
    const head = [this.take(Kw.schedule), this.take('name'), this.take(Kw.every), ...this.calendar()];
    if (this.is(Kw.until)) head.push(this.take(), this.take(TimeLiteral));
    if (this.is(Kw.attendance)) {
      head.push(this.take());
      if (this.is(Kw.by)) head.push(this.take());
      head.push(...this.dotted());
    }
    const open = this.take(LBrace);
    const body: Stmt[] = [];
    while (!this.is(RBrace)) {
      if (this.is(Semicolon)) this.skip();
      else if (this.is(Kw.at)) {
        const hook = [this.take(), this.is(Kw.start) ? this.take() : this.take(Kw.end)];
        if (this.is(Plus) || this.is(Minus)) hook.push(this.take(), this.take(DurationLiteral));
        body.push(this.actionsAfter(hook));
      } else this.bug('unexpected token in a schedule');
    }
    return { k: 'block', head, open, close: this.take(RBrace), body, whenEmpty: 'braces' };
  }

  private job(): Stmt {
    const head: Frag = [];
    if (this.is(Kw.job)) head.push(this.take(), this.take('name'));
    head.push(this.take(Kw.every), ...this.calendar());
    return this.actionsAfter(head);
  }

  // ---------------------------------------------------------------- campaigns

  private campaign(): Stmt {
    const head = [this.take(Kw.campaign), this.take('name')];
    const open = this.take(LBrace);
    const body: Stmt[] = [];
    while (!this.is(RBrace)) {
      if (this.is(Semicolon)) this.skip();
      else if (this.is(Kw.stage)) body.push(this.stage());
      else if (this.is(Kw.goal)) {
        const goal = [this.take(), this.take('name'), this.take(Kw.when), ...this.condition()];
        if (this.is(LBrace) || this.is(Colon)) body.push(this.actionsAfter(goal, true));
        else body.push({ k: 'line', frag: goal });
      } else this.bug('unexpected token in a campaign');
    }
    return { k: 'block', head, open, close: this.take(RBrace), body, whenEmpty: 'braces' };
  }

  private stage(): Stmt {
    const head = [this.take(Kw.stage), this.take('name'), this.take(Kw.from), this.take(DateLiteral)];
    if (this.is(Kw.to)) head.push(this.take(), this.take(DateLiteral));
    if (!this.is(LBrace)) return { k: 'line', frag: head };
    const open = this.take(LBrace);
    const body: Stmt[] = [];
    while (!this.is(RBrace)) {
      if (this.is(Semicolon)) this.skip();
      else if (this.is(Kw.points) && (this.is(Star, 1) || this.is(Identifier, 1))) {
        const frag = [this.take()];
        if (this.is(Star)) frag.push(this.take(), this.take(NumberLiteral));
        else frag.push(this.take(Identifier));
        body.push({ k: 'line', frag });
      } else if (this.is(Kw.on) && (this.is(Kw.enter, 1) || this.is(Kw.exit, 1))) {
        const hook = [this.take(), this.take()];
        if (this.is(LBrace) || this.is(Colon)) body.push(this.actionsAfter(hook));
        else body.push({ k: 'actions', head: hook, acts: { list: this.lineActions() }, style: 'colon', optional: false });
      } else if (this.is(Kw.rule) && this.isName(1) && this.is(LBrace, 2)) body.push(this.rule());
      else body.push({ k: 'line', frag: this.pointsEntry() });
    }
    return { k: 'block', head, open, close: this.take(RBrace), body, whenEmpty: 'omit' };
  }

  // ---------------------------------------------------------------- conditions

  private condition(): Frag {
    const frag = this.andCondition();
    while (this.is(Kw.or)) frag.push(this.take(), ...this.andCondition());
    return frag;
  }

  private andCondition(): Frag {
    const frag = this.notCondition();
    while (this.is(Kw.and)) frag.push(this.take(), ...this.notCondition());
    return frag;
  }

  private notCondition(): Frag {
    if (this.is(Kw.not) && this.notIsOperator()) return [this.take(), ...this.notCondition()];
    return this.atomCondition();
  }

  /**
   * `not` is also a name, so `not == "x"` compares a field called `not`. The grammar looks ahead:
   * `not` negates only when a condition can start after it.
   */
  private notIsOperator(): boolean {
    const next = this.la(1);
    if (!next || next.tokenType === Dot || COMPARE_TEXT.has(next.tokenType)) return false;
    if (next.tokenType === Kw.matches || next.tokenType === Kw.contains) {
      const after = this.la(2)?.tokenType;
      if (after === StringLiteral || after === RegexLiteral || after === LBracket || after === Kw.any) return false;
    }
    const t = next.tokenType;
    return t === LParen || t === Minus || t === NumberLiteral || t === StringLiteral || t === DurationLiteral || isNameToken(next);
  }

  private atomCondition(): Frag {
    if (this.is(LParen)) {
      const open = this.take();
      const inner = gluedFirst(this.condition());
      return [open, ...inner, glue(this.take(RParen))];
    }
    if (this.is(Kw.member) && this.is(Kw.has, 1)) {
      const frag = [this.take(), this.take()];
      if (this.is(Kw.role)) frag.push(this.take(), this.take('name'));
      else frag.push(this.take(Kw.tag), this.take(StringLiteral));
      return frag;
    }
    if (this.is(Kw.member) && this.is(Kw.tagged, 1)) return [this.take(), this.take(), this.take(StringLiteral)];
    if (this.is(Kw.member) && this.is(Kw.in, 1)) return [this.take(), this.take(), ...this.segmentRef()];
    if (this.is(Kw.in) && this.is(Kw.stage, 1)) {
      const frag = [this.take(), this.take(), this.take('name')];
      if (this.is(Dot)) frag.push(glue(this.take()), glue(this.take('name')));
      return frag;
    }
    return this.predicate();
  }

  /** `[segment] NAME` after `in`: the word `segment` is optional, and may itself be the name. */
  private segmentRef(): Frag {
    if (this.is(Kw.segment) && this.isName(1)) return [this.take(), this.take('name')];
    return [this.take('name')];
  }

  private predicate(): Frag {
    const frag = this.operand();
    const op = this.la() && COMPARE_TEXT.has(this.la()!.tokenType);
    if (op) frag.push(this.take(), ...this.operand());
    else if (this.is(Kw.matches)) {
      frag.push(this.take());
      if (this.is(Kw.any)) frag.push(this.take());
      if (this.is(LBracket)) {
        frag.push(this.take());
        let first = true;
        while (!this.is(RBracket)) {
          if (this.is(Comma)) frag.push(glue(this.take()));
          else {
            const p = this.pattern();
            frag.push(first ? glue(p) : p);
            first = false;
          }
        }
        frag.push(glue(this.take(RBracket)));
      } else frag.push(this.pattern());
    } else if (this.is(Kw.contains)) frag.push(this.take(), this.take(StringLiteral));
    return frag;
  }

  private pattern(): Piece {
    if (this.is(RegexLiteral)) return this.take();
    return this.take(StringLiteral);
  }

  private operand(): Frag {
    const t = this.la();
    if (!t) this.bug('expected a value');
    switch (t.tokenType) {
      case NumberLiteral:
      case StringLiteral:
      case DurationLiteral:
        return [this.take()];
      case Minus:
        return [this.take(), glue(this.take(NumberLiteral))];
    }
    if (this.is(Kw.count) && this.is(LParen, 1)) {
      const frag = [this.take(), glue(this.take()), ...gluedFirst(this.dotted())];
      if (this.is(Kw.by)) frag.push(this.take(), this.take(Kw.member));
      if (this.is(Kw.within)) frag.push(this.take(), this.take(DurationLiteral));
      frag.push(glue(this.take(RParen)));
      return frag;
    }
    if ((this.is(Kw.absences) || this.is(Kw.attended)) && this.is(LParen, 1)) {
      const frag = [this.take(), glue(this.take()), glue(this.take('name'))];
      if (this.is(Comma)) frag.push(glue(this.take()), this.take(DurationLiteral));
      frag.push(glue(this.take(RParen)));
      return frag;
    }
    return this.dotted();
  }

  // ---------------------------------------------------------------- actions

  private action(): Frag {
    const t = this.la()!;
    const frag = [this.take()];
    switch (t.tokenType) {
      case Kw.say:
        if (this.is(Kw.to)) frag.push(this.take(), ...this.audience());
        frag.push(this.messageText());
        return frag;
      case Kw.notify:
        frag.push(this.take(Kw.admins), this.messageText());
        return frag;
      case Kw.delete:
        frag.push(this.take(Kw.message));
        return frag;
      case Kw.warn:
        frag.push(this.take(Kw.member));
        if (this.is(StringLiteral) || this.is(Identifier)) frag.push(this.messageText());
        frag.push(this.take(Kw.on), this.take(Kw.ladder), this.take('name'));
        return frag;
      case Kw.mute:
        frag.push(this.take(Kw.member));
        if (this.isName()) frag.push(this.take());
        frag.push(this.take(DurationLiteral));
        this.reason(frag);
        return frag;
      case Kw.remove:
        if (this.is(Kw.member)) frag.push(this.take());
        else {
          if (this.is(Kw.silent)) frag.push(this.take());
          frag.push(this.take(Kw.members), ...this.memberFilters());
        }
        this.reason(frag);
        return frag;
      case Kw.tag:
      case Kw.untag:
        frag.push(this.take(Kw.member), this.take(StringLiteral));
        return frag;
      case Kw.award:
      case Kw.deduct:
        frag.push(...this.signedNumber(), this.take(Kw.points));
        for (;;) {
          if (this.is(Kw.reason)) frag.push(this.take(), this.take(StringLiteral));
          else if (this.is(Kw.unmultiplied)) frag.push(this.take());
          else return frag;
        }
      default:
        return this.bug('expected an action');
    }
  }

  private reason(frag: Frag): void {
    if (this.is(Kw.reason)) frag.push(this.take(), this.take(StringLiteral));
  }

  private audience(): Frag {
    if (this.is(Kw.member) || this.is(Kw.admins)) return [this.take()];
    if (this.is(Kw.channel)) return [this.take(), this.take(StringLiteral)];
    if (this.is(Kw.silent) || this.is(Kw.members)) {
      const frag: Frag = [];
      if (this.is(Kw.silent)) frag.push(this.take());
      frag.push(this.take(Kw.members), ...this.memberFilters());
      return frag;
    }
    return [this.take(Identifier)];
  }

  private memberFilters(): Frag {
    const frag: Frag = [];
    for (;;) {
      if (this.is(Kw.tagged)) frag.push(this.take(), this.take(StringLiteral));
      else if (this.is(Kw.in)) frag.push(this.take(), ...this.segmentRef());
      else if (this.is(Kw.where) || this.is(Kw.unless)) frag.push(this.take(), ...this.condition());
      else return frag;
    }
  }

  private messageText(): Piece {
    if (this.is(StringLiteral)) return this.take();
    return this.take(Identifier);
  }
}

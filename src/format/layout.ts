import { displayWidth } from './text.js';
import type { Source } from './source.js';

/**
 * What the printers build and how it becomes lines: statements (`Stmt`) made of pieces of text,
 * and the rules that decide whether a block or a list of actions fits on one line
 * (docs/formatting.md, "Blocks", "Short lists on one line" and "Actions").
 */

/** One piece of an output line: canonical text, and the source token it came from (if any). */
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
  /** Lines of a lifecycle body, for lining up its transitions (see weave.ts, alignTransitions). */
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

/** Actions of a clause, with the punctuation that introduced them in the source. */
export interface Actions {
  list: Frag[];
  open?: Piece;
  close?: Piece;
  colon?: Piece;
}

export type Stmt = (
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

/** The printed text would not be what the parser read: a formatter bug, reported without touching the file. */
export class FormatBug extends Error {}

/** Valid input whose layout the formatter cannot reproduce without changing its meaning. */
export class FormatRefusal extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(message);
  }
}

export const glue = (p: Piece): Piece => ({ ...p, space: false });
export const added = (text: string, space = true): Piece => ({ text, space });

export function renderPieces(pieces: Piece[]): string {
  let out = '';
  pieces.forEach((p, j) => {
    out += (j > 0 && p.space ? ' ' : '') + p.text;
  });
  return out;
}

/** Turns statements into lines, one top-level item at a time. */
export class LineWriter {
  readonly lines: Line[] = [];
  private itemIndex = -1;

  constructor(
    private readonly src: Source,
    private readonly options: LayoutOptions,
  ) {}

  /** Write one top-level item. */
  item(s: Stmt): void {
    this.itemIndex++;
    this.render(s, 0);
  }

  private emit(indent: number, pieces: Frag, closes = false): void {
    this.lines.push({ indent, pieces, closes, item: this.itemIndex });
  }

  private fits(indent: number, frag: Frag): boolean {
    return indent * 2 + displayWidth(renderPieces(frag)) <= this.options.maxWidth;
  }

  private startOf(p: Piece): number {
    return p.tok === undefined ? -1 : this.src.start(p.tok);
  }

  /** Offset of the last character of the piece's token. */
  private endOf(p: Piece): number {
    return p.tok === undefined ? -1 : this.src.end(p.tok) - 1;
  }

  private commentsInside(open: Piece | undefined, close: Piece | undefined): boolean {
    if (open?.tok === undefined || close?.tok === undefined) return false;
    return this.src.commentsBetween(this.endOf(open), this.startOf(close));
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
      if (s.whenEmpty === 'omit') {
        this.emit(indent, s.head);
        return;
      }
      this.emit(indent, [...s.head, s.open, glue(s.close)]);
      return;
    }
    if (s.collapseWith && !inner && s.body.every((b) => b.k === 'line')) {
      const frag: Frag = [...s.head, s.open];
      s.body.forEach((b, j) => {
        if (j > 0) frag.push(added(s.collapseWith!, false));
        frag.push(...(b as { frag: Frag }).frag);
      });
      frag.push(s.close);
      if (this.fits(indent, frag)) {
        this.emit(indent, frag);
        return;
      }
    }
    this.emit(indent, [...s.head, s.open]);
    for (const b of s.body) this.render(b, indent + 1);
    this.emit(indent, [s.close], true);
  }

  private renderActions(s: Extract<Stmt, { k: 'actions' }>, indent: number): void {
    const { list } = s.acts;
    const open = s.acts.open ?? added('{');
    const close = s.acts.close ?? added('}');
    let inner = false;
    if (s.acts.open) inner = this.commentsInside(s.acts.open, s.acts.close);
    else if (list.length > 0) {
      const lastFrag = list[list.length - 1]!;
      inner = this.src.commentsBetween(this.startOf(list[0]![0]!), this.endOf(lastFrag[lastFrag.length - 1]!));
    }

    if (list.length === 0 && !inner) {
      if (s.optional) {
        this.emit(indent, s.head);
        return;
      }
      this.emit(indent, [...s.head, open, glue(close)]);
      return;
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
      if (this.fits(indent, frag)) {
        this.emit(indent, frag);
        return;
      }
    }
    this.emit(indent, [...s.head, open]);
    for (const a of list) this.emit(indent + 1, a);
    this.emit(indent, [close], true);
  }
}

import type { Playbook, Span } from '../parser/ast.js';
import type { Diagnostic } from '../parser/diagnostics.js';
import { emptyAst } from '../parser/empty-ast.js';
import { parsePlaybook, type ParseResult } from '../parser/parse.js';
import { scanStarts } from './chunks.js';
import type { LineIndex } from './positions.js';

/**
 * Parsing a document one top-level item at a time (chunks.ts), each item's tree kept between
 * versions: an edit re-splits and re-parses only the items it touches, and moves the positions of
 * the items after it. The joined tree is what the whole text parses to (test/language-service.test.ts
 * compares them on every example); the checker then runs on it (document.ts).
 */

/** One item's parse; its spans and diagnostics are at `offset` and `line` (0-based) of the document. */
interface Piece {
  text: string;
  result: ParseResult;
  offset: number;
  line: number;
  /** Every span of the tree, found once, so that moving the piece is one loop. */
  spans: Span[];
}

export interface ParsedText {
  ast: Playbook;
  /** The parser's diagnostics, at document positions. */
  diagnostics: Diagnostic[];
  /** Start offsets of the items (first is 0). */
  starts: number[];
  /** Each item's own tree, in order (the same objects from version to version while an item is unchanged). */
  trees: Playbook[];
  /** Items parsed anew for this version (the rest were kept). */
  reparsed: number;
}

const LIST_KEYS = [
  'roles',
  'events',
  'templates',
  'segments',
  'rituals',
  'rules',
  'ladders',
  'points',
  'levels',
  'badges',
  'leaderboards',
  'lifecycles',
  'schedules',
  'jobs',
  'campaigns',
  'agendas',
  'directMessages',
  'endpoints',
  'comments',
  'clauses',
] as const;

export class IncrementalParser {
  private text = '';
  private lineCount = 1;
  private starts: number[] = [];
  private pieces: Piece[] = [];

  constructor(readonly file: string) {}

  parse(text: string, lines: LineIndex): ParsedText {
    const old = this.text;
    // The edit, as the span of `text` that differs from the last version.
    const limit = Math.min(old.length, text.length);
    let prefix = 0;
    while (prefix < limit && old.charCodeAt(prefix) === text.charCodeAt(prefix)) prefix++;
    let suffix = 0;
    while (suffix < limit - prefix && old.charCodeAt(old.length - 1 - suffix) === text.charCodeAt(text.length - 1 - suffix)) suffix++;
    const oldEnd = old.length - suffix;
    const newEnd = text.length - suffix;
    const delta = text.length - old.length;
    const lineDelta = lines.lineCount - this.lineCount;

    // Items before the one the edit starts in are kept as they are, but for the one just before
    // it: an edit inside an item's first word (`rule` to `rul`) may join that item to the one before.
    let first = 0;
    while (first + 1 < this.starts.length && this.starts[first + 1]! < prefix) first++;
    first = Math.max(0, first - 1);
    const from = this.pieces.length === 0 ? 0 : this.starts[first]!;
    const oldIndex = new Map<number, number>();
    for (let i = first; i < this.starts.length; i++) oldIndex.set(this.starts[i]!, i);
    let resume = this.starts.length;
    const scan = scanStarts(text, from, (at) => {
      if (at < newEnd || this.pieces.length === 0) return false;
      const j = oldIndex.get(at - delta);
      if (j === undefined || at - delta < oldEnd) return false;
      resume = j;
      return true;
    });
    const middleStarts = [from, ...scan.starts];
    if (scan.stoppedAt === undefined) resume = this.starts.length;

    // Pieces of the replaced items, by text, for the new items that read the same (a moved rule).
    const pool = new Map<string, Piece[]>();
    for (let i = first; i < resume; i++) {
      const p = this.pieces[i];
      if (!p) continue;
      const list = pool.get(p.text);
      if (list) list.push(p);
      else pool.set(p.text, [p]);
    }
    let reparsed = 0;
    const middle: Piece[] = [];
    // Opening a document: one parse of the whole text is several times faster than one per item.
    // Without a single diagnostic its tree splits into the items' trees exactly (every node lies
    // within its item); with any, each item is parsed on its own, as after an edit.
    const opened = this.pieces.length === 0 ? splitWhole(text, middleStarts, lines, this.file) : undefined;
    if (opened) {
      for (const p of opened) middle.push(p);
      reparsed = opened.length;
    } else
      for (let i = 0; i < middleStarts.length; i++) {
        const start = middleStarts[i]!;
        const end = middleStarts[i + 1] ?? scan.stoppedAt ?? text.length;
        const slice = text.slice(start, end);
        let piece = pool.get(slice)?.shift();
        if (!piece) {
          piece = newPiece(slice, this.file);
          reparsed++;
        }
        move(piece, start, lines.position(start).line);
        middle.push(piece);
      }
    const after = this.pieces.slice(resume);
    for (const p of after) move(p, p.offset + delta, p.line + lineDelta);

    this.pieces = [...this.pieces.slice(0, first), ...middle, ...after];
    this.starts = [...this.starts.slice(0, first), ...middleStarts, ...this.starts.slice(resume).map((s) => s + delta)];
    this.text = text;
    this.lineCount = lines.lineCount;

    const ast = emptyAst();
    const diagnostics: Diagnostic[] = [];
    for (const p of this.pieces) {
      join(ast, p.result.ast);
      for (const d of p.result.diagnostics) diagnostics.push(d);
    }
    return { ast, diagnostics, starts: this.starts, trees: this.pieces.map((p) => p.result.ast), reparsed };
  }
}

/** The pieces of a whole-text parse without diagnostics, split at `starts`; undefined when it has any. */
function splitWhole(text: string, starts: readonly number[], lines: LineIndex, file: string): Piece[] | undefined {
  const whole = parsePlaybook(text, file);
  if (whole.diagnostics.length > 0) return undefined;
  const pieces: Piece[] = starts.map((start, i) => ({
    text: text.slice(start, starts[i + 1] ?? text.length),
    result: { ast: emptyAst(), diagnostics: [] },
    offset: start,
    line: lines.position(start).line,
    spans: [],
  }));
  const pieceAt = (offset: number): Piece => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return pieces[lo]!;
  };
  const startOf = (node: unknown): number => {
    const n = node as { span?: Span; name?: { span?: Span }; start?: number };
    return n.span?.start ?? n.name?.span?.start ?? n.start ?? 0;
  };
  if (whole.ast.header) pieceAt(whole.ast.header.span.start).result.ast.header = whole.ast.header;
  for (const key of LIST_KEYS) {
    for (const node of whole.ast[key] as unknown[]) (pieceAt(startOf(node)).result.ast[key] as unknown[]).push(node);
  }
  for (const p of pieces) p.spans = spansOf(p.result.ast);
  return pieces;
}

function newPiece(text: string, file: string): Piece {
  const result = parsePlaybook(text, file);
  return { text, result, offset: 0, line: 0, spans: spansOf(result.ast) };
}

/** Every span object of a tree, each once. */
function spansOf(ast: Playbook): Span[] {
  const spans: Span[] = [];
  const seen = new Set<object>();
  const stack: unknown[] = [ast];
  while (stack.length > 0) {
    const node = stack.pop();
    if (node === null || typeof node !== 'object' || seen.has(node)) continue;
    seen.add(node);
    if (Array.isArray(node)) {
      for (const x of node) if (x !== null && typeof x === 'object') stack.push(x);
      continue;
    }
    const o = node as Record<string, unknown>;
    if (typeof o['start'] === 'number' && typeof o['end'] === 'number' && typeof o['line'] === 'number' && typeof o['column'] === 'number') {
      spans.push(o as unknown as Span);
      continue;
    }
    for (const k in o) {
      const x = o[k];
      if (x !== null && typeof x === 'object') stack.push(x);
    }
  }
  return spans;
}

function join(into: Playbook, from: Playbook): void {
  if (from.header) into.header = from.header;
  for (const key of LIST_KEYS) {
    const target = into[key] as unknown[];
    for (const item of from[key] as unknown[]) target.push(item);
  }
}

/** Moves a piece to a new place in the document (items start at a line start, so columns stay). */
function move(piece: Piece, offset: number, line: number): void {
  const dOffset = offset - piece.offset;
  const dLine = line - piece.line;
  if (dOffset === 0 && dLine === 0) return;
  piece.offset = offset;
  piece.line = line;
  for (const d of piece.result.diagnostics) d.line += dLine;
  for (const s of piece.spans) {
    s.start += dOffset;
    s.end += dOffset;
    s.line += dLine;
  }
  if (dLine !== 0) renameByLine(piece.result.ast);
}

/** Unnamed jobs and one-off dates are named after their line (`every_line_12`): the document's line, not the item's. */
function renameByLine(ast: Playbook): void {
  if (ast.jobs.length === 0 && ast.agendas.length === 0 && ast.campaigns.length === 0) return;
  const stages = ast.campaigns.flatMap((c) => c.stages);
  for (const j of [...ast.jobs, ...stages.flatMap((s) => s.jobs)]) {
    if (j.name.span.start === j.span.start && /^every_line_\d+$/.test(j.name.name)) j.name.name = `every_line_${j.span.line}`;
  }
  for (const a of [...ast.agendas, ...stages.flatMap((s) => s.agendas)]) if (a.oneOff) a.name.name = `on_line_${a.span.line}`;
}

import type { IToken } from 'chevrotain';
import { renderPieces, type Line } from './layout.js';
import { displayWidth } from './text.js';

/**
 * Comments and blank lines woven into the printed lines, then the text itself
 * (docs/formatting.md, "Comments", "Blank lines" and "Lifecycles").
 */

/**
 * Pad the names of lifecycle transitions so that, within a run, the arrows and the triggers line
 * up. A run ends at a blank line and at any line of the lifecycle that is not part of a
 * transition (`initial`); comment lines and the action lines of a transition do not end it.
 */
function alignTransitions(sequence: (Line | 'blank' | 'comment')[]): void {
  let run: Line[] = [];
  let group = -1;
  const flush = () => {
    if (run.length > 1) {
      const widest = (pick: (a: NonNullable<Line['align']>) => string) => run.reduce((w, l) => Math.max(w, displayWidth(pick(l.align!))), 0);
      const fromWidth = widest((a) => a.from!.text);
      const toWidth = widest((a) => a.to!.text);
      for (const l of run) {
        l.align!.from!.text += ' '.repeat(fromWidth - displayWidth(l.align!.from!.text));
        l.align!.to!.text += ' '.repeat(toWidth - displayWidth(l.align!.to!.text));
      }
    }
    run = [];
  };
  for (const entry of sequence) {
    if (entry === 'comment') continue;
    if (entry === 'blank' || !entry.align || entry.align.group !== group || entry.align.role === 'break') {
      flush();
      group = entry !== 'blank' && entry.align ? entry.align.group : -1;
    }
    if (entry !== 'blank' && entry.align?.role === 'head') run.push(entry);
  }
  flush();
}

/** A blank line in the source just before this element (a token or a comment)? */
function blankLinesBefore(tokens: IToken[], comments: IToken[]): { token: boolean[]; comment: boolean[] } {
  const token = new Array<boolean>(tokens.length).fill(false);
  const comment = new Array<boolean>(comments.length).fill(false);
  let prevEndLine: number | undefined;
  let ti = 0;
  let ci = 0;
  while (ti < tokens.length || ci < comments.length) {
    const takeComment = ci < comments.length && (ti >= tokens.length || comments[ci]!.startOffset < tokens[ti]!.startOffset);
    const el = takeComment ? comments[ci]! : tokens[ti]!;
    const line = el.startLine ?? 1;
    const blank = prevEndLine !== undefined && line - prevEndLine >= 2;
    if (takeComment) comment[ci++] = blank;
    else token[ti++] = blank;
    prevEndLine = el.endLine ?? line;
  }
  return { token, comment };
}

interface Placed {
  text: string;
  offset: number;
  blank: boolean;
}

/**
 * Put the comments back. A comment on the same line as the token before it stays at the end of
 * that token's output line; any other comment goes on its own line before the line holding the
 * next token. Comments that would end up in the middle of a line, or a second one at the end of
 * the same line, move up to their own lines just before it, in their original order.
 */
export function weave(lines: Line[], tokens: IToken[], comments: IToken[]): string {
  const lineOfToken = new Int32Array(tokens.length).fill(-1);
  lines.forEach((line, li) => {
    for (const p of line.pieces) if (p.tok !== undefined) lineOfToken[p.tok] = li;
  });
  const blanks = blankLinesBefore(tokens, comments);

  const before: Placed[][] = lines.map(() => []);
  const trailing: Placed[][] = lines.map(() => []);
  const atEnd: Placed[] = [];

  const lineStartOffset = (li: number) => {
    const first = lines[li]!.pieces[0]?.tok;
    return first === undefined ? Infinity : tokens[first]!.startOffset;
  };
  // The nearest printed token at or before / at or after each index (separators are not printed).
  const lastEmitted = new Int32Array(tokens.length);
  const nextEmitted = new Int32Array(tokens.length + 1);
  for (let k = 0, last = -1; k < tokens.length; k++) lastEmitted[k] = last = lineOfToken[k]! >= 0 ? k : last;
  nextEmitted[tokens.length] = -1;
  for (let k = tokens.length - 1; k >= 0; k--) nextEmitted[k] = lineOfToken[k]! >= 0 ? k : nextEmitted[k + 1]!;
  const emittedBefore = (ti: number) => (ti > 0 ? lastEmitted[ti - 1]! : -1);
  const emittedFrom = (ti: number) => nextEmitted[ti]!;
  // Comments must come out in their source order. Order key of a place: 3 × line, +0 before the
  // line, +1 inside it or at its end (sorted there by offset); the end of the file comes last.
  let lastKey = -1;
  let ti = 0; // first token after the current comment
  comments.forEach((c, ci) => {
    while (ti < tokens.length && tokens[ti]!.startOffset < c.startOffset) ti++;
    const placed: Placed = { text: c.image.trimEnd(), offset: c.startOffset, blank: blanks.comment[ci]! };
    const prev = tokens[ti - 1];
    const anchorBefore = emittedBefore(ti);
    if (prev && (prev.endLine ?? prev.startLine) === c.startLine && anchorBefore >= 0) {
      const li = lineOfToken[anchorBefore]!;
      if (3 * li + 1 >= lastKey) {
        trailing[li]!.push(placed);
        lastKey = 3 * li + 1;
        return;
      }
    }
    const anchorAfter = emittedFrom(ti);
    if (anchorAfter < 0) {
      atEnd.push(placed);
      lastKey = Infinity;
      return;
    }
    const li = lineOfToken[anchorAfter]!;
    before[li]!.push(placed);
    lastKey = 3 * li + (placed.offset < lineStartOffset(li) ? 0 : 1);
  });

  // Lines per top-level item, so items that take several lines get a blank line around them.
  const itemLines = new Map<number, number>();
  for (const l of lines) itemLines.set(l.item, (itemLines.get(l.item) ?? 0) + 1);

  // First decide every line and blank line, then line up transitions, then render: whether
  // transitions belong to one run depends on the blank lines the output ends up with.
  type Entry = { blank: true } | { text: string; indent: number } | { line: Line; trailing?: string };
  const entries: Entry[] = [];
  let afterOpen = true; // at the start of the file or just after a `{`: no blank line
  const push = (entry: Entry, blank: boolean) => {
    if (blank && !afterOpen) entries.push({ blank: true });
    entries.push(entry);
    afterOpen = false;
  };

  lines.forEach((line, li) => {
    const firstTok = line.pieces[0]?.tok;
    const lineStart = firstTok === undefined ? Infinity : tokens[firstTok]!.startOffset;
    const ownBlank = firstTok === undefined ? false : blanks.token[firstTok]!;
    const leading = before[li]!.filter((c) => c.offset < lineStart);
    // Comments from inside the line, in source order: the last one may stay at the end of the
    // line if it was a trailing comment; the others move up, so their order never changes.
    const inside = [...before[li]!.filter((c) => c.offset >= lineStart), ...trailing[li]!].sort((a, b) => a.offset - b.offset);
    const last = inside.length > 0 && trailing[li]!.includes(inside[inside.length - 1]!) ? inside.pop() : undefined;
    const hoisted = inside.map((c) => ({ ...c, blank: false }));
    // Comments moved up from inside the line take over the blank line that preceded it.
    let lineBlank = ownBlank;
    if (leading.length === 0 && hoisted.length > 0) {
      hoisted[0]!.blank = ownBlank;
      lineBlank = false;
    }
    const ordered = [...leading, ...hoisted];
    const prevItem = li > 0 ? lines[li - 1]!.item : undefined;
    const itemStart = li > 0 && prevItem !== line.item;
    const forced = itemStart && ((itemLines.get(prevItem!) ?? 0) > 1 || (itemLines.get(line.item) ?? 0) > 1);

    const commentIndent = line.closes ? line.indent + 1 : line.indent;
    ordered.forEach((c, j) => {
      push({ text: c.text, indent: commentIndent }, c.blank || (forced && j === 0));
    });
    push(last ? { line, trailing: last.text } : { line }, !line.closes && (lineBlank || (forced && ordered.length === 0)));
    afterOpen = line.pieces[line.pieces.length - 1]?.text === '{';
  });
  atEnd.forEach((c) => {
    push({ text: c.text, indent: 0 }, c.blank);
  });

  alignTransitions(entries.map((e) => ('blank' in e ? 'blank' : 'line' in e ? e.line : 'comment')));

  const out = entries.map((e) => {
    if ('blank' in e) return '';
    if ('line' in e) return '  '.repeat(e.line.indent) + renderPieces(e.line.pieces) + (e.trailing ? ' ' + e.trailing : '');
    return '  '.repeat(e.indent) + e.text;
  });
  return out.length ? out.join('\n') + '\n' : '';
}

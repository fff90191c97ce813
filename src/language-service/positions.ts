/**
 * Positions as the Language Server Protocol counts them: a 0-based line and a 0-based character
 * offset in UTF-16 code units. JavaScript strings are UTF-16 too, so a character offset is a string
 * index: a Chinese character is one unit, an astral one (😀, 𠀀) two, and no conversion through
 * code points is needed. Lines end at \n, \r\n or a lone \r, as the lexer counts them.
 */

export interface Position {
  line: number;
  character: number;
}

export interface Range {
  start: Position;
  end: Position;
}

/** Line starts of one text, for offset ↔ position in O(log lines). */
export class LineIndex {
  readonly starts: number[];

  constructor(readonly text: string) {
    const starts = [0];
    for (let i = 0; i < text.length; i++) {
      const ch = text.charCodeAt(i);
      if (ch === 10 || (ch === 13 && text.charCodeAt(i + 1) !== 10)) starts.push(i + 1);
    }
    this.starts = starts;
  }

  get lineCount(): number {
    return this.starts.length;
  }

  /** The position of a string index; indexes past the end clamp to the end. */
  position(offset: number): Position {
    const at = Math.max(0, Math.min(offset, this.text.length));
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= at) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo, character: at - this.starts[lo]! };
  }

  /** The string index of a position; a character past the line's end clamps to it (as LSP asks). */
  offset(p: Position): number {
    if (p.line < 0) return 0;
    if (p.line >= this.starts.length) return this.text.length;
    const start = this.starts[p.line]!;
    return Math.min(start + Math.max(0, p.character), this.lineEnd(p.line));
  }

  /** The index just past the line's last character, before its line break. */
  lineEnd(line: number): number {
    let end = line + 1 < this.starts.length ? this.starts[line + 1]! : this.text.length;
    if (end > this.starts[line]! && this.text.charCodeAt(end - 1) === 10) end--;
    if (end > this.starts[line]! && this.text.charCodeAt(end - 1) === 13) end--;
    return end;
  }

  range(start: number, end: number): Range {
    return { start: this.position(start), end: this.position(end) };
  }

  /** The string index of a diagnostic's 1-based line and column (a UTF-16 column, as spans count). */
  offsetOfLineColumn(line: number, column: number): number {
    const start = this.starts[Math.min(Math.max(0, line - 1), this.starts.length - 1)]!;
    return Math.min(start + Math.max(0, column - 1), this.text.length);
  }
}

export function comparePositions(a: Position, b: Position): number {
  return a.line - b.line || a.character - b.character;
}

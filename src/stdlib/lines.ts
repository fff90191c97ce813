/** Where a LineSplitter sends what it cuts. */
export interface LineSink {
  /** A complete line (without its newline), decoded. */
  line(lineNo: number, text: string): void;
  /** A line that was skipped: too long, or not valid UTF-8. */
  bad(lineNo: number, reason: string): void;
}

const NL = 0x0a;
const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Cuts a byte stream into lines, the way `simulate` and `POST /events` read JSON Lines
 * (docs/cli.md#limits). Lines are cut on bytes, before decoding, so that
 * - a line longer than `maxLineBytes` is dropped as it streams in: memory holds at most the
 *   limit plus one chunk, however long the line (a 100 MB line without a newline included);
 * - a line that is not valid UTF-8 is reported on its own, with its number, and the lines around
 *   it are read normally (0x0A never occurs inside a multi-byte UTF-8 sequence, so a cut on it
 *   cannot split a character).
 * The common case costs one strict decode per chunk: only a chunk with a bad line is decoded
 * again line by line to find it. A byte-order mark at the very start is dropped.
 */
export class LineSplitter {
  /** Number of the last line handed to the sink (blank lines count). */
  lineNo = 0;
  /** The start of a line whose end has not been read yet. */
  private parts: Buffer[] = [];
  private partBytes = 0;
  /** The current line passed the limit: its bytes are counted, not kept. */
  private skipping = false;
  private skippedBytes = 0;

  constructor(
    private readonly sink: LineSink,
    readonly maxLineBytes: number,
  ) {}

  push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    let start = 0;
    const first = chunk.indexOf(NL);
    if (first === -1) {
      this.keep(chunk, 0, chunk.length);
      return;
    }
    if (this.partBytes > 0 || this.skipping) {
      this.keep(chunk, 0, first);
      this.finish();
      start = first + 1;
    }
    const last = chunk.lastIndexOf(NL);
    if (last >= start) this.region(chunk, start, last);
    if (last + 1 < chunk.length) this.keep(chunk, last + 1, chunk.length);
  }

  /** The input ended: a last line without a newline is still a line. */
  end(): void {
    if (this.partBytes > 0 || this.skipping) this.finish();
  }

  /** Hold bytes of an unfinished line, or only count them once the line is over the limit. */
  private keep(chunk: Buffer, from: number, to: number): void {
    const n = to - from;
    if (n === 0) return;
    if (this.skipping) {
      this.skippedBytes += n;
      return;
    }
    if (this.partBytes + n > this.maxLineBytes) {
      this.skipping = true;
      this.skippedBytes = this.partBytes + n;
      this.parts = [];
      this.partBytes = 0;
      return;
    }
    this.parts.push(chunk.subarray(from, to));
    this.partBytes += n;
  }

  /** The held line is complete. */
  private finish(): void {
    if (this.skipping) {
      this.lineNo++;
      this.sink.bad(this.lineNo, tooLong(this.skippedBytes, this.maxLineBytes));
      this.skipping = false;
      this.skippedBytes = 0;
      return;
    }
    const bytes = this.parts.length === 1 ? this.parts[0]! : Buffer.concat(this.parts, this.partBytes);
    this.parts = [];
    this.partBytes = 0;
    this.one(bytes, 0, bytes.length);
  }

  /** Complete lines: chunk[from, to) where `to` is the last newline (excluded). */
  private region(chunk: Buffer, from: number, to: number): void {
    // Stryker disable next-line ArithmeticOperator: to + from only asks anyTooLong more often, which answers the same
    if (to - from <= this.maxLineBytes || !this.anyTooLong(chunk, from, to)) {
      let text: string | undefined;
      try {
        text = strictUtf8.decode(chunk.subarray(from, to));
      } /* Stryker disable next-line BlockStatement: text is undefined either way, and the slow path reports the same lines */ catch {
        text = undefined;
      }
      if (text !== undefined) {
        let s = 0;
        if (this.lineNo === 0 && text.charCodeAt(0) === 0xfeff) s = 1;
        for (let nl = text.indexOf('\n', s); nl !== -1; nl = text.indexOf('\n', s)) {
          this.sink.line(++this.lineNo, text.slice(s, nl));
          s = nl + 1;
        }
        this.sink.line(++this.lineNo, s === 0 ? text : text.slice(s));
        return;
      }
    }
    // Slow path: some line is too long or not UTF-8; find which, one line at a time.
    let s = from;
    for (let nl = chunk.indexOf(NL, s); nl !== -1 && nl <= to; nl = chunk.indexOf(NL, s)) {
      this.one(chunk, s, nl);
      s = nl + 1;
    }
  }

  private anyTooLong(chunk: Buffer, from: number, to: number): boolean {
    let s = from;
    for (let nl = chunk.indexOf(NL, s); nl !== -1 && nl <= to; nl = chunk.indexOf(NL, s)) {
      if (nl - s > this.maxLineBytes) return true;
      s = nl + 1;
    }
    return false;
  }

  private one(chunk: Buffer, from: number, to: number): void {
    const lineNo = ++this.lineNo;
    if (to - from > this.maxLineBytes) {
      this.sink.bad(lineNo, tooLong(to - from, this.maxLineBytes));
      return;
    }
    let text: string;
    try {
      text = strictUtf8.decode(chunk.subarray(from, to));
    } catch {
      this.sink.bad(lineNo, 'not valid UTF-8');
      return;
    }
    this.sink.line(lineNo, lineNo === 1 && text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  }
}

function tooLong(bytes: number, limit: number): string {
  return `line is ${bytes} bytes long (the limit is ${limit})`;
}

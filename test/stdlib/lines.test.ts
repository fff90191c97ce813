import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { LineSplitter } from '../../src/stdlib/lines.js';

type Event = ['line' | 'bad', number, string];

/** Feed the chunks to a splitter and collect what it reports. */
function split(chunks: Buffer[], max: number): { events: Event[]; lineNo: number } {
  const events: Event[] = [];
  const splitter = new LineSplitter({ line: (n, text) => events.push(['line', n, text]), bad: (n, reason) => events.push(['bad', n, reason]) }, max);
  for (const c of chunks) splitter.push(c);
  splitter.end();
  return { events, lineNo: splitter.lineNo };
}

/** The same, worked out on the whole input at once. */
function reference(bytes: Buffer, max: number): Event[] {
  const pieces: Buffer[] = [];
  let s = 0;
  for (let nl = bytes.indexOf(0x0a); nl !== -1; nl = bytes.indexOf(0x0a, s)) {
    pieces.push(bytes.subarray(s, nl));
    s = nl + 1;
  }
  if (s < bytes.length) pieces.push(bytes.subarray(s));
  const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  return pieces.map((p, i): Event => {
    if (p.length > max) return ['bad', i + 1, `line is ${p.length} bytes long (the limit is ${max})`];
    let text: string;
    try {
      text = decoder.decode(p);
    } catch {
      return ['bad', i + 1, 'not valid UTF-8'];
    }
    return ['line', i + 1, i === 0 && text.startsWith('\uFEFF') ? text.slice(1) : text];
  });
}

/** Cut bytes at the given offsets (sorted, deduplicated, inside the buffer). */
function cut(bytes: Buffer, at: number[]): Buffer[] {
  const points = [...new Set(at.map((a) => a % (bytes.length + 1)))].sort((a, b) => a - b);
  const out: Buffer[] = [];
  let prev = 0;
  for (const p of points) {
    out.push(bytes.subarray(prev, p));
    prev = p;
  }
  out.push(bytes.subarray(prev));
  return out;
}

const b = (s: string) => Buffer.from(s, 'utf8');

describe('LineSplitter', () => {
  it('cuts lines on newlines, counting blank ones, with or without a last newline', () => {
    expect(split([b('a\nbc\n\nd')], 10).events).toEqual([
      ['line', 1, 'a'],
      ['line', 2, 'bc'],
      ['line', 3, ''],
      ['line', 4, 'd'],
    ]);
    expect(split([b('a\n')], 10)).toEqual({ events: [['line', 1, 'a']], lineNo: 1 });
    expect(split([b('\n\n')], 10).events).toEqual([
      ['line', 1, ''],
      ['line', 2, ''],
    ]);
    expect(split([], 10)).toEqual({ events: [], lineNo: 0 });
    expect(split([b('')], 10)).toEqual({ events: [], lineNo: 0 });
  });

  it('joins a line cut across chunks', () => {
    expect(split([b('ab'), b('c'), b('d\ne'), b('f')], 10).events).toEqual([
      ['line', 1, 'abcd'],
      ['line', 2, 'ef'],
    ]);
    expect(split([b('ab'), b('\n'), b('\n')], 10).events).toEqual([
      ['line', 1, 'ab'],
      ['line', 2, ''],
    ]);
  });

  it('reports a line over the limit with its length, and reads the next one', () => {
    expect(split([b('abcd\nok\n')], 3).events).toEqual([
      ['bad', 1, 'line is 4 bytes long (the limit is 3)'],
      ['line', 2, 'ok'],
    ]);
    expect(split([b('abc\n')], 3).events).toEqual([['line', 1, 'abc']]);
    expect(split([b('ab'), b('cd'), b('ef\nok')], 3).events).toEqual([
      ['bad', 1, 'line is 6 bytes long (the limit is 3)'],
      ['line', 2, 'ok'],
    ]);
    expect(split([b('ab'), b('cdef')], 3).events).toEqual([['bad', 1, 'line is 6 bytes long (the limit is 3)']]);
    expect(split([b('ok\nabcdefgh\nyes\n')], 3).events).toEqual([
      ['line', 1, 'ok'],
      ['bad', 2, 'line is 8 bytes long (the limit is 3)'],
      ['line', 3, 'yes'],
    ]);
  });

  it('does not hold the bytes of a line over the limit', () => {
    const events: Event[] = [];
    const splitter = new LineSplitter({ line: (n, t) => events.push(['line', n, t]), bad: (n, r) => events.push(['bad', n, r]) }, 4);
    splitter.push(b('abc'));
    splitter.push(Buffer.alloc(1_000_000, 0x61));
    splitter.push(b('\nx\n'));
    expect(events).toEqual([
      ['bad', 1, 'line is 1000003 bytes long (the limit is 4)'],
      ['line', 2, 'x'],
    ]);
    expect(splitter.maxLineBytes).toBe(4);
  });

  it('reports a line that is not UTF-8 on its own', () => {
    const bad = Buffer.concat([b('ok\n'), Buffer.from([0x61, 0xff]), b('\nyes\n')]);
    expect(split([bad], 10).events).toEqual([
      ['line', 1, 'ok'],
      ['bad', 2, 'not valid UTF-8'],
      ['line', 3, 'yes'],
    ]);
    expect(split([Buffer.from([0xc3]), b('\n')], 10).events).toEqual([['bad', 1, 'not valid UTF-8']]);
    expect(split([Buffer.from([0xc3]), Buffer.from([0xa9, 0x0a])], 10).events).toEqual([['line', 1, 'é']]);
  });

  it('drops a byte-order mark at the very start only', () => {
    expect(split([b('\uFEFFa\n\uFEFFb\n')], 10).events).toEqual([
      ['line', 1, 'a'],
      ['line', 2, '\uFEFFb'],
    ]);
    expect(split([b('\uFEFFa')], 10).events).toEqual([['line', 1, 'a']]);
    expect(split([b('x\n'), b('\uFEFFb\n')], 10).events).toEqual([
      ['line', 1, 'x'],
      ['line', 2, '\uFEFFb'],
    ]);
    const withBadLine = Buffer.concat([b('\uFEFFa\n'), Buffer.from([0xff]), b('\n')]);
    expect(split([withBadLine], 10).events).toEqual([
      ['line', 1, 'a'],
      ['bad', 2, 'not valid UTF-8'],
    ]);
  });

  it('checks each line of a chunk whose lines are short but long together', () => {
    expect(split([b('ab\ncd\nef\n')], 2).events).toEqual([
      ['line', 1, 'ab'],
      ['line', 2, 'cd'],
      ['line', 3, 'ef'],
    ]);
    const withBadLine = Buffer.concat([b('ab\n'), Buffer.from([0xff]), b('\nef\n')]);
    expect(split([withBadLine], 2).events).toEqual([
      ['line', 1, 'ab'],
      ['bad', 2, 'not valid UTF-8'],
      ['line', 3, 'ef'],
    ]);
  });

  it('holds at most the limit of an unfinished line (docs/cli.md#limits)', () => {
    const splitter = new LineSplitter({ line: () => undefined, bad: () => undefined }, 4);
    const held = () => (splitter['parts'] as Buffer[]).reduce((n, p) => n + p.length, 0);
    splitter.push(b('abc'));
    expect(held()).toBe(3);
    splitter.push(b('de'));
    expect(held()).toBe(0);
    splitter.push(b('fgh'));
    expect(held()).toBe(0);
    splitter.push(b('\nxy'));
    expect(held()).toBe(2);
  });

  it('decodes a chunk of good lines at once: one strict decode per chunk in the common case', () => {
    const decode = vi.spyOn(TextDecoder.prototype, 'decode');
    try {
      // Lines of exactly the limit, longer than it together.
      expect(split([b('ab\ncd\nef\n')], 2).events).toHaveLength(3);
      expect(decode).toHaveBeenCalledTimes(1);
      decode.mockClear();
      expect(split([b('ab\ncd\n')], 10).events).toHaveLength(2);
      expect(decode).toHaveBeenCalledTimes(1);
      decode.mockClear();
      // A line begun in an earlier chunk is decoded on its own, the rest of the chunk at once.
      expect(split([b('x'), b('y\nab\ncd\n')], 10).events).toHaveLength(3);
      expect(decode).toHaveBeenCalledTimes(2);
    } finally {
      decode.mockRestore();
    }
  });

  it('reads any input cut anywhere as the whole input read at once', () => {
    const piece = fc.constantFrom(b('a'), b('\n'), b('é'), b('😀'), b('\uFEFF'), Buffer.from([0xff]), Buffer.from([0xc3]), b('xyz'));
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 30 }), fc.array(fc.nat(), { maxLength: 8 }), fc.integer({ min: 0, max: 8 }), (pieces, at, max) => {
        const bytes = Buffer.concat(pieces);
        const { events, lineNo } = split(cut(bytes, at), max);
        const expected = reference(bytes, max);
        expect(events).toEqual(expected);
        expect(lineNo).toBe(expected.length);
      }),
      { numRuns: 300 },
    );
  });
});

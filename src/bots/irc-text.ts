/**
 * Text on the IRC wire: a line is at most 512 bytes including the CR LF and the prefix the
 * server puts in front when it relays it, so long messages must be cut, and cut between
 * characters (a UTF-8 sequence split across two lines shows as garbage on both). Pure
 * functions, no connection.
 */

/** Every IRC line, CR LF included, fits in this many bytes (RFC 1459, 2.3). */
export const IRC_LINE_BYTES = 512;

export function utf8Bytes(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/**
 * Pieces of at most `maxBytes` UTF-8 bytes whose concatenation is `line`. Cuts fall between
 * user-perceived characters where possible (a flag or an accented letter stays whole), else
 * between code points (a single cluster longer than the budget), never inside one. A cut
 * prefers the last space of the piece when that keeps the piece at least half full, so words
 * stay whole; the space stays at the end of the earlier piece.
 */
export function splitLine(line: string, maxBytes: number): string[] {
  if (!Number.isInteger(maxBytes) || maxBytes < 4) throw new RangeError(`a line budget must be at least 4 bytes (one code point), got ${maxBytes}`);
  if (utf8Bytes(line) <= maxBytes) return line === '' ? [] : [line];
  const units: string[] = [];
  for (const { segment } of graphemes.segment(line)) {
    if (utf8Bytes(segment) <= maxBytes) units.push(segment);
    else for (const cp of segment) units.push(cp);
  }
  const pieces: string[] = [];
  let current: string[] = [];
  let bytes = 0;
  let lastSpace = -1;
  for (const unit of units) {
    const size = utf8Bytes(unit);
    // A cut at a space leaves the words after it in `current`; they may still not fit beside `unit`.
    while (bytes + size > maxBytes) {
      let cut = current.length;
      if (lastSpace >= 0) {
        const head = current.slice(0, lastSpace + 1).join('');
        if (utf8Bytes(head) * 2 >= maxBytes) cut = lastSpace + 1;
      }
      pieces.push(current.slice(0, cut).join(''));
      current = current.slice(cut);
      bytes = utf8Bytes(current.join(''));
      lastSpace = current.lastIndexOf(' ');
    }
    current.push(unit);
    bytes += size;
    if (unit === ' ') lastSpace = current.length - 1;
  }
  if (current.length > 0) pieces.push(current.join(''));
  return pieces;
}

/**
 * The lines to send for a message: one per line of `text` (IRC has no multi-line message;
 * CR and LF would end the command), each cut to `maxBytes`. Empty lines are dropped because
 * servers refuse an empty PRIVMSG (412), and NUL is dropped because it cannot be sent.
 */
export function splitText(text: string, maxBytes: number): string[] {
  const out: string[] = [];
  for (const line of text.replace(/\0/g, '').split(/\r\n|\r|\n/)) {
    if (line === '') continue;
    for (const piece of splitLine(line, maxBytes)) out.push(piece);
  }
  return out;
}

/** Who the server says a message comes from, as it prefixes relayed lines. */
export interface Source {
  nick: string;
  user: string;
  host: string;
}

/**
 * Bytes left for the text of `COMMAND target :text` once the server has put `:nick!user@host `
 * in front and CR LF after it. Message tags have their own budget and do not count.
 */
export function textBudget(source: Source, command: string, target: string): number {
  const overhead = utf8Bytes(`:${source.nick}!${source.user}@${source.host} ${command} ${target} :`) + 2;
  return IRC_LINE_BYTES - overhead;
}

/** Lower-cases a nick or channel the way the server compares them (ISUPPORT CASEMAPPING). */
export function caseFold(s: string, casemapping: string): string {
  const ascii = s.replace(/[A-Z]/g, (c) => c.toLowerCase());
  switch (casemapping.toLowerCase()) {
    case 'ascii':
      return ascii;
    case 'strict-rfc1459':
      return ascii.replace(/[[\]\\]/g, (c) => ({ '[': '{', ']': '}', '\\': '|' })[c]!);
    case 'rfc1459':
      return ascii.replace(/[[\]\\~]/g, (c) => ({ '[': '{', ']': '}', '\\': '|', '~': '^' })[c]!);
    default:
      // rfc7613 / utf-8 casemappings fold beyond ASCII.
      return s.toLowerCase();
  }
}

/**
 * The ban mask for a member: `*!*@host` (a new nick or ident does not escape it), or
 * `nick!*@*` when the host is unknown.
 */
export function banMask(member: { nick: string; host?: string | undefined }): string {
  return member.host ? `*!*@${member.host}` : `${member.nick}!*@*`;
}

/** Seconds of an ISO-8601 duration like PT10M or P1DT2H (years and months are not used by mutes). */
export function isoDurationSeconds(duration: string): number | undefined {
  const m = /^P(?:(\d+(?:\.\d+)?)W)?(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/.exec(duration);
  if (!m || duration === 'P' || duration.endsWith('T')) return undefined;
  const [w, d, h, min, s] = m.slice(1).map((v: string | undefined) => (v === undefined ? 0 : Number(v)));
  return w! * 604800 + d! * 86400 + h! * 3600 + min! * 60 + s!;
}

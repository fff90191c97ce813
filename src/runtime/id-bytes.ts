/**
 * How one remembered id is laid out in the byte arena of `RememberedIds` (remembered-ids.ts;
 * docs/performance.md, "Memory and simulate floor"), hashed and compared without making a string:
 * a length header, then its UTF-16 code units, one byte each when all are below 256 ("narrow"),
 * else two, low byte first ("wide").
 *
 * The header is the length times two, plus one if wide: one byte below LONG, else LONG then the
 * header in four bytes, low byte first.
 */

/** A header below this is one byte; this byte says four more bytes hold it. */
export const LONG = 255;

/** FNV-1a over the code units, seeded per table, with a final mix so the low bits use them all. */
export function hashOf(id: string, seed: number): number {
  let h = seed;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 0x01000193);
  return mix(h);
}

function mix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x45d9f3b);
  return h ^ (h >>> 16);
}

/** The header `id` is stored with. */
export function headerFor(id: string): number {
  const n = id.length;
  let wide = 0;
  for (let i = 0; i < n; i++) if (id.charCodeAt(i) > 0xff) wide = 1;
  return n * 2 + wide;
}

/** How many bytes a header takes. */
export function headerBytes(header: number): number {
  return header < LONG ? 1 : 5;
}

/** Writes the header and the code units of `id` at `p` (room for them is reserved); returns the end. */
export function writeId(bytes: Uint8Array, p: number, header: number, id: string): number {
  const n = id.length;
  if (header < LONG) bytes[p++] = header;
  else {
    bytes[p] = LONG;
    bytes[p + 1] = header & 0xff;
    bytes[p + 2] = (header >>> 8) & 0xff;
    bytes[p + 3] = (header >>> 16) & 0xff;
    bytes[p + 4] = header >>> 24;
    p += 5;
  }
  if ((header & 1) === 0) for (let i = 0; i < n; i++) bytes[p++] = id.charCodeAt(i);
  else
    for (let i = 0; i < n; i++) {
      const c = id.charCodeAt(i);
      bytes[p++] = c & 0xff;
      bytes[p++] = c >>> 8;
    }
  return p;
}

/** The header stored at `at`. */
export function readHeader(bytes: Uint8Array, at: number): number {
  const header = bytes[at]!;
  if (header !== LONG) return header;
  return bytes[at + 1]! | (bytes[at + 2]! << 8) | (bytes[at + 3]! << 16) | (bytes[at + 4]! << 24);
}

/** Whether the code units at `body` are those of `id` (of the header's length), compared from the last (ids often share a prefix). */
export function sameUnits(bytes: Uint8Array, body: number, header: number, id: string): boolean {
  const n = id.length;
  if ((header & 1) === 0) {
    for (let i = n - 1; i >= 0; i--) if (bytes[body + i] !== id.charCodeAt(i)) return false;
  } else {
    for (let i = n - 1; i >= 0; i--) if ((bytes[body + 2 * i]! | (bytes[body + 2 * i + 1]! << 8)) !== id.charCodeAt(i)) return false;
  }
  return true;
}

/** `hashOf` of the id whose code units are at `body`. */
export function hashUnits(bytes: Uint8Array, body: number, header: number, seed: number): number {
  const n = header >>> 1;
  let h = seed;
  if ((header & 1) === 0) for (let i = 0; i < n; i++) h = Math.imul(h ^ bytes[body + i]!, 0x01000193);
  else for (let i = 0; i < n; i++) h = Math.imul(h ^ (bytes[body + 2 * i]! | (bytes[body + 2 * i + 1]! << 8)), 0x01000193);
  return mix(h);
}

/** The id whose code units are at `body`. */
export function readUnits(bytes: Uint8Array, body: number, header: number): string {
  const n = header >>> 1;
  // One call for a short narrow id (an argument list is fine at this size), else code unit by code unit.
  if ((header & 1) === 0 && n <= 1024) return String.fromCharCode.apply(null, bytes.subarray(body, body + n) as unknown as number[]);
  let out = '';
  const step = (header & 1) + 1;
  for (let i = 0; i < n; i++) out += String.fromCharCode(step === 1 ? bytes[body + i]! : bytes[body + 2 * i]! | (bytes[body + 2 * i + 1]! << 8));
  return out;
}

/**
 * Terminal cells of text: East Asian wide characters and emoji take two. Used wherever output is
 * aligned under source text (carets, failure underlines, the formatter's column limit).
 */
export function isWideCodePoint(cp: number): boolean {
  return (
    (cp >= 0x1100 && cp <= 0x115f) ||
    (cp >= 0x2e80 && cp <= 0xa4cf && cp !== 0x303f) ||
    (cp >= 0xac00 && cp <= 0xd7a3) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0xfe30 && cp <= 0xfe4f) ||
    (cp >= 0xff00 && cp <= 0xff60) ||
    (cp >= 0xffe0 && cp <= 0xffe6) ||
    (cp >= 0x1f300 && cp <= 0x1faff) ||
    (cp >= 0x20000 && cp <= 0x3fffd)
  );
}

export function displayWidth(text: string): number {
  let w = 0;
  for (const ch of text) w += isWideCodePoint(ch.codePointAt(0)!) ? 2 : 1;
  return w;
}

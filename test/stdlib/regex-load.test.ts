import { expect, it } from 'vitest';

// Imported inside the test, so that a module that fails to load (its tables are built when it
// loads) fails a test rather than the whole file.
it("regex-re2.ts loads, with JavaScript's \\s and \\S", async () => {
  const { translateRegex } = await import('../../src/stdlib/regex-re2.js');
  const spaces = '\\x{9}-\\x{D}\\x{20}\\x{A0}\\x{1680}\\x{2000}-\\x{200A}\\x{2028}-\\x{2029}\\x{202F}\\x{205F}\\x{3000}\\x{FEFF}';
  const others =
    '\\x{0}-\\x{8}\\x{E}-\\x{1F}\\x{21}-\\x{9F}\\x{A1}-\\x{167F}\\x{1681}-\\x{1FFF}\\x{200B}-\\x{2027}\\x{202A}-\\x{202E}\\x{2030}-\\x{205E}\\x{2060}-\\x{2FFF}\\x{3001}-\\x{FEFE}\\x{FF00}-\\x{10FFFF}';
  expect(translateRegex('\\s', '')).toBe(`[${spaces}]`);
  expect(translateRegex('[\\S]', '')).toBe(`[${others}]`);
});

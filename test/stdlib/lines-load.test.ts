import { expect, it } from 'vitest';

// Imported inside the test, so that a module that fails to load fails a test (a static import
// would fail the whole file before any test runs).
it('lines.ts loads, with a strict UTF-8 decoder', async () => {
  const { LineSplitter } = await import('../../src/stdlib/lines.js');
  const seen: string[] = [];
  const splitter = new LineSplitter({ line: (_n, t) => seen.push(t), bad: (_n, r) => seen.push(`bad: ${r}`) }, 10);
  splitter.push(Buffer.from([0xc3, 0xa9, 0x0a, 0xff, 0x0a]));
  expect(seen).toEqual(['é', 'bad: not valid UTF-8']);
});

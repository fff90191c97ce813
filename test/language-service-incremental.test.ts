import fc from 'fast-check';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compile } from '../src/compiler/compile.js';
import { treeKey } from '../src/format/index.js';
import { parsePlaybook } from '../src/parser/parse.js';
import { chunkStarts } from '../src/language-service/chunks.js';
import { IncrementalParser } from '../src/language-service/incremental.js';
import { LanguageService } from '../src/language-service/index.js';
import { LineIndex } from '../src/language-service/positions.js';
// @ts-expect-error -- a plain ES module without types
import { OUT, render } from '../scripts/language-docs.mjs';

/**
 * The language service parses a document item by item and keeps the items an edit leaves alone
 * (src/language-service/incremental.ts). These tests hold it to the parser and the checker:
 * the same tree and diagnostics as `playbook check`, whatever the edits.
 */

const examples = readdirSync('examples')
  .filter((f) => f.endsWith('.playbook') && !f.endsWith('.test.playbook'))
  .map((f) => ({ file: `examples/${f}`, text: readFileSync(`examples/${f}`, 'utf8') }));

const shape = (ds: { line: number; column: number; length: number; code: string; message: string; hint?: string }[]) =>
  ds.map((d) => `${d.line}:${d.column}+${d.length} ${d.code} ${d.message} ${d.hint ?? ''}`);

describe('positions in UTF-16 code units', () => {
  it('maps offsets and positions both ways across Chinese, astral characters and every line ending', () => {
    const pieces = fc.constantFrom('a', '汉', '😀', '𠀀', '\n', '\r\n', '\r', ' ', '"', '\t');
    fc.assert(
      fc.property(fc.array(pieces, { maxLength: 80 }), (parts) => {
        const text = parts.join('');
        const ix = new LineIndex(text);
        const lines = text.split(/\r\n|\r|\n/);
        expect(ix.lineCount).toBe(lines.length);
        for (let offset = 0; offset <= text.length; offset++) {
          const p = ix.position(offset);
          // Between the \r and \n of one line break is no position of its own: it maps to the line's end.
          const insideBreak = text[offset - 1] === '\r' && text[offset] === '\n';
          expect(ix.offset(p)).toBe(insideBreak ? offset - 1 : offset);
          const lineStart = ix.starts[p.line]!;
          expect(p.character).toBe(offset - lineStart);
        }
      }),
      { numRuns: 300, seed: 19 },
    );
  });

  it('puts a diagnostic after astral characters and Chinese at the UTF-16 character LSP counts', () => {
    const text = [
      'playbook "位置" { timezone "Asia/Shanghai" }',
      'ladder 𠀀𠀁 { 1: say to member "警告" }',
      'rule r { on message.posted do say "😀😀 你好"; warn member "x" on ladder 𠀀𠀂 }',
      '',
    ].join('\n');
    const ls = new LanguageService();
    const doc = ls.open('file:///x.playbook', text, 1);
    const d = doc.diagnostics.find((x) => x.code === 'E0213');
    expect(d, JSON.stringify(doc.diagnostics)).toBeDefined();
    const line = text.split('\n')[2]!;
    const character = line.indexOf('𠀀𠀂');
    expect(character).toBe(line.length - '𠀀𠀂 }'.length);
    expect(d!.range).toEqual({ start: { line: 2, character }, end: { line: 2, character: character + 4 } });
    expect(d!.data?.suggestion).toBe('𠀀𠀁');
  });
});

describe('item by item parsing', () => {
  it('splits at top-level items only, not at words inside strings, comments, patterns or blocks', () => {
    const text = ['rule a {', 'rule x', '}', '# rule y', 'ladder l { 1: say "}" }', 'segment s where text matches /{/', 'rule b { on x.y }', ''].join('\n');
    expect(chunkStarts(text).map((s) => text.slice(s, s + 7))).toEqual(['rule a ', 'ladder ', 'segment', 'rule b ']);
  });

  it('gives every example the tree and the diagnostics of the whole-file parse and check', () => {
    for (const { file, text } of examples) {
      const ls = new LanguageService();
      const doc = ls.open(file, text, 1);
      const whole = parsePlaybook(text, file);
      expect(treeKey(doc.parsed.ast), file).toBe(treeKey(whole.ast));
      expect(JSON.stringify(doc.parsed.ast.clauses), file).toBe(JSON.stringify(whole.ast.clauses));
      const compiled = compile(text, { file });
      expect(shape(doc.checked.diagnostics), file).toEqual(shape(compiled.diagnostics));
      expect(JSON.stringify(doc.checked.ir), file).toBe(JSON.stringify(compiled.ir));
    }
  });

  it('after any edits, keeps the tree and diagnostics a fresh parse of the text gives', () => {
    const edit = fc.record({
      at: fc.double({ min: 0, max: 1, noNaN: true }),
      remove: fc.integer({ min: 0, max: 12 }),
      insert: fc.constantFrom('', '{', '}', 'x', 'rule', '\nrule r { on message.posted do delete message }\n', '"', '#', ' ', '\n', '/', 'on ', '汉😀'),
    });
    fc.assert(
      fc.property(fc.integer({ min: 0, max: examples.length - 1 }), fc.array(edit, { minLength: 1, maxLength: 8 }), (which, edits) => {
        const { file, text: original } = examples[which]!;
        let text = original;
        const incremental = new IncrementalParser(file);
        incremental.parse(text, new LineIndex(text));
        for (const e of edits) {
          const at = Math.floor(e.at * text.length);
          text = text.slice(0, at) + e.insert + text.slice(at + e.remove);
          const got = incremental.parse(text, new LineIndex(text));
          const fresh = new IncrementalParser(file).parse(text, new LineIndex(text));
          expect(got.starts).toEqual(fresh.starts);
          expect(JSON.stringify(got.ast)).toBe(JSON.stringify(fresh.ast));
          expect(shape(got.diagnostics)).toEqual(shape(fresh.diagnostics));
          expect(got.starts).toEqual(chunkStarts(text));
        }
        // Without syntax errors, the pieces join to exactly the whole-file parse.
        const whole = parsePlaybook(text, file);
        if (!whole.diagnostics.some((d) => d.severity === 'error')) {
          const got = incremental.parse(text, new LineIndex(text));
          expect(treeKey(got.ast)).toBe(treeKey(whole.ast));
          expect(shape(got.diagnostics)).toEqual(shape(whole.diagnostics));
        }
      }),
      { numRuns: 60, seed: 1919 },
    );
  });

  it('re-parses only the edited item of a large file', () => {
    const rules = Array.from({ length: 200 }, (_, i) => `rule r${i} { on message.posted when text contains "w${i}" do delete message }`);
    let text = ['playbook "P" { timezone "Asia/Shanghai" }', ...rules, ''].join('\n');
    const ls = new LanguageService();
    const doc = ls.open('file:///big.playbook', text, 1);
    expect(doc.parsed.reparsed).toBe(201);
    const at = text.indexOf('"w100"') + 2;
    text = text.slice(0, at) + 'x' + text.slice(at);
    ls.change(doc.uri, [{ range: doc.lines.range(at, at), text: 'x' }], 2);
    expect(doc.text).toBe(text);
    expect(doc.parsed.reparsed).toBe(1);
    expect(doc.diagnostics).toEqual([]);
    const line = doc.lines.position(text.indexOf('r150 ')).line;
    expect(doc.parsed.ast.rules[150]!.name.span.line).toBe(line + 1);
  });
});

describe('hover texts', () => {
  it('are the current text of docs/language.md (run `node scripts/language-docs.mjs` after editing it)', async () => {
    expect(readFileSync(OUT as string, 'utf8')).toBe(await (render as () => Promise<string>)());
  });
});

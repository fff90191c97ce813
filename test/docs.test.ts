import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { compile } from '../src/compiler/compile.js';

/**
 * The docs are part of the product: every ```playbook example in docs/language.md must compile
 * with no errors, and docs/diagnostics.md must list exactly the diagnostic codes the source can
 * emit.
 */

const root = fileURLToPath(new URL('..', import.meta.url));
const read = (rel: string) => readFileSync(join(root, rel), 'utf8');

interface Block {
  line: number;
  source: string;
}

function playbookBlocks(markdown: string): Block[] {
  const out: Block[] = [];
  const re = /^```playbook[^\n]*\n([\s\S]*?)^```[ \t]*$/gm;
  for (const m of markdown.matchAll(re)) {
    out.push({ line: markdown.slice(0, m.index).split('\n').length, source: m[1]! });
  }
  return out;
}

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...sourceFiles(path));
    else if (/\.(?:ts|mts|js|mjs)$/.test(name) && !name.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

describe('docs/language.md', () => {
  const markdown = read('docs/language.md');
  const blocks = playbookBlocks(markdown);

  it('has playbook examples and balanced code fences', () => {
    expect(blocks.length).toBeGreaterThan(20);
    expect((markdown.match(/^```/gm) ?? []).length % 2).toBe(0);
  });

  it.each(blocks.map((b) => [b.line, b] as const))('example at line %i compiles with no errors', (_line, block) => {
    const result = compile(block.source, { file: `docs/language.md:${block.line}` });
    const errors = result.diagnostics
      .filter((d) => d.severity === 'error')
      .map((d) => `${block.line + d.line}:${d.column} ${d.code} ${d.message}`);
    expect(errors).toEqual([]);
    expect(result.ir).toBeDefined();
  });
});

describe('docs/diagnostics.md', () => {
  const markdown = read('docs/diagnostics.md');
  const documented = [...markdown.matchAll(/^\|\s*`?([EW]\d{4})`?\s*\|/gm)].map((m) => m[1]!);

  const emitted = new Set<string>();
  for (const file of sourceFiles(join(root, 'src'))) {
    for (const m of readFileSync(file, 'utf8').matchAll(/['"]([EW]\d{4})['"]/g)) emitted.add(m[1]!);
  }

  it('lists each code once', () => {
    const dupes = documented.filter((c, i) => documented.indexOf(c) !== i);
    expect(dupes).toEqual([]);
    expect(documented.length).toBeGreaterThan(0);
  });

  it('documents every code the source can emit', () => {
    const missing = [...emitted].filter((c) => !documented.includes(c)).sort();
    expect(missing).toEqual([]);
  });

  it('documents no code the source does not emit', () => {
    const stale = documented.filter((c) => !emitted.has(c)).sort();
    expect(stale).toEqual([]);
  });

  it('gives every code a severity that matches its letter', () => {
    for (const m of markdown.matchAll(/^\|\s*`?([EW])\d{4}`?\s*\|\s*(\w+)\s*\|/gm)) {
      expect(m[2]).toBe(m[1] === 'E' ? 'error' : 'warning');
    }
  });
});

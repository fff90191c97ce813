import { describe, expect, it } from 'vitest';
import { compile } from '../src/compiler/compile.js';
import { formatDiagnostic } from '../src/parser/diagnostics.js';
import { MAX_SYNTAX_ERRORS, parsePlaybook } from '../src/parser/parse.js';
import { mulberry32 } from './fixtures/random.js';

/** Random bytes decoded as a file would be: replacement characters, control codes, stray tokens. */
function garbage(bytes: number, seed: number): string {
  const rand = mulberry32(seed);
  const buf = Buffer.alloc(bytes);
  for (let i = 0; i < bytes; i++) buf[i] = Math.floor(rand() * 256);
  return buf.toString('utf8');
}

/** Printable garbage: tokens the lexer accepts, in an order the grammar never does. */
function tokenSoup(words: number, seed: number): string {
  const rand = mulberry32(seed);
  const vocabulary = [
    'rule',
    'on',
    'when',
    '{',
    '}',
    'do',
    'say',
    '"x"',
    '10m',
    '->',
    'ladder',
    ':',
    ';',
    'warn',
    'member',
    '5',
    'and',
    '(',
    ')',
    'points',
    '\n',
  ];
  const out: string[] = [];
  for (let i = 0; i < words; i++) out.push(vocabulary[Math.floor(rand() * vocabulary.length)]!);
  return out.join(' ');
}

// Issue 13, item 4: `check` on 1 MB of random bytes ran over 120 s, because each diagnostic
// rescanned the source (for its line) and each syntax error's recovery scanned ahead again.
describe('diagnostics on large garbage stay bounded', () => {
  it('1 MB of random bytes: lexer errors one per line at most, syntax errors stop after the bound', () => {
    const text = garbage(1 << 20, 13);
    const { diagnostics } = parsePlaybook(text, 'noise.playbook');
    const syntax = diagnostics.filter((d) => d.code === 'E0010');
    expect(syntax.length).toBeLessThanOrEqual(MAX_SYNTAX_ERRORS);
    expect(diagnostics.filter((d) => d.code === 'E0011')).toHaveLength(1);
    expect(diagnostics.some((d) => d.code === 'E0002')).toBe(true);
    const lines = new Set(diagnostics.filter((d) => d.code === 'E0005').map((d) => d.line));
    expect(lines.size).toBe(diagnostics.filter((d) => d.code === 'E0005').length);
    // Every diagnostic prints with its own source line and a caret (one line index serves all).
    const printed = diagnostics.map((d) => formatDiagnostic(d, text));
    expect(printed.every((p, i) => p.startsWith(`noise.playbook:${diagnostics[i]!.line}:${diagnostics[i]!.column}: error[`))).toBe(true);
    expect(printed.every((p, i) => p.split('\n')[1]!.startsWith(`${String(diagnostics[i]!.line).padStart(4)} | `))).toBe(true);
  }, 60_000);

  it('a large token soup compiles to a bounded list of syntax errors, the last one saying the parser stopped', () => {
    const text = tokenSoup(200_000, 7);
    const { diagnostics, ir } = compile(text, { file: 'soup.playbook' });
    expect(ir).toBeUndefined();
    expect(diagnostics.filter((d) => d.code === 'E0010').length).toBeLessThanOrEqual(MAX_SYNTAX_ERRORS);
    const stop = diagnostics.find((d) => d.code === 'E0011');
    expect(stop?.message).toMatch(/too many syntax errors \(more than 100\)/);
  }, 60_000);

  it('a file with a few errors reports each of them, and no stop', () => {
    const text = 'playbook "x" { timezone "UTC" }\nrule a { on message.posted do say "hi" }\nrule b { on }\n';
    const { diagnostics } = parsePlaybook(text, 'few.playbook');
    expect(diagnostics.filter((d) => d.code === 'E0010').map((d) => d.line)).toEqual([3]);
    expect(diagnostics.some((d) => d.code === 'E0011')).toBe(false);
  });

  it('formatDiagnostic shows the right line when several sources are printed in turn', () => {
    const a = 'line one\nline two\r\nline three\rline four';
    const b = 'other\nsource';
    const d = (line: number, column: number) => ({ severity: 'error' as const, code: 'E0010', message: 'm', file: 'f', line, column, length: 2 });
    expect(formatDiagnostic(d(3, 6), a).split('\n')[1]).toBe('   3 | line three');
    expect(formatDiagnostic(d(2, 1), b).split('\n')[1]).toBe('   2 | source');
    expect(formatDiagnostic(d(4, 1), a).split('\n')[1]).toBe('   4 | line four');
    expect(formatDiagnostic(d(2, 1), a).split('\n')[1]).toBe('   2 | line two');
    expect(formatDiagnostic(d(9, 1), a).split('\n')).toHaveLength(1);
    expect(formatDiagnostic(d(3, 6), a).split('\n')[2]).toBe('            ^^');
  });
});

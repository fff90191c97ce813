/**
 * The diagnostics registry (src/parser/diagnostic-codes/, issue 14 item 4) is the one place a
 * code is spelled: this scan fails on a quoted `E0…`/`W0…`/`T0…` code anywhere else in src/, and
 * on a registry code that nothing reports. docs/diagnostics.md is checked against the registry's
 * E and W codes in test/diagnostics.test.ts, docs/testing.md against its T codes here.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CODES, D, isCode, type Code } from '../src/parser/diagnostic-codes.js';
import { DiagnosticBag } from '../src/parser/diagnostics.js';

const root = fileURLToPath(new URL('..', import.meta.url));
/** The registry's code tables: src/parser/diagnostic-codes.ts joins them. */
const REGISTRY = 'src/parser/diagnostic-codes/';

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...sourceFiles(path));
    else if (/\.(?:ts|mts|js|mjs)$/.test(name)) out.push(path);
  }
  return out;
}

/** Comments blanked out (same length, newlines kept): a code named in a comment is fine. */
function withoutComments(text: string): string {
  const blank = (m: string) => m.replace(/[^\n]/g, ' ');
  return text.replace(/\/\*[\s\S]*?\*\//g, blank).replace(/(^|\s)\/\/.*$/gm, (m, before: string) => before + blank(m.slice(before.length)));
}

const files = sourceFiles(join(root, 'src'))
  .map((path) => ({ rel: relative(root, path).split(sep).join('/'), text: readFileSync(path, 'utf8') }))
  .filter((f) => !f.rel.startsWith(REGISTRY));

describe('the diagnostics registry', () => {
  it('is the only file in src/ that spells a code as a string', () => {
    const found: string[] = [];
    for (const f of files) {
      const lines = f.text.split('\n');
      withoutComments(f.text)
        .split('\n')
        .forEach((line, i) => {
          for (const m of line.matchAll(/['"`]([EWT]0\d{3})\b/g)) found.push(`${f.rel}:${i + 1}: ${m[1]} in ${lines[i]!.trim()}`);
        });
    }
    expect(found, 'report through the registry: bag.report(D.E0201.unknownEvent(name), span)').toEqual([]);
  });

  it('has only codes that something in src/ reports', () => {
    const used = new Set<string>();
    for (const f of files) for (const m of f.text.matchAll(/\bD\.([EWT]\d{4})\b/g)) used.add(m[1]!);
    expect(CODES.map((c) => c.code).filter((c) => !used.has(c))).toEqual([]);
    expect([...used].filter((c) => !isCode(c))).toEqual([]);
  });

  it("lists each code once, in order, an E or W code's severity matching its letter", () => {
    const codes = CODES.map((c) => c.code);
    expect(new Set(codes).size).toBe(codes.length);
    expect(codes).toEqual([...codes].sort());
    expect(codes.filter((c) => c.startsWith('E') || c.startsWith('W')).length).toBe(133);
    expect(codes.filter((c) => c.startsWith('T')).length).toBe(16);
    for (const c of CODES) {
      expect(c.code).toMatch(/^[EWT]0\d{3}$/);
      if (!c.code.startsWith('T')) expect(c.severity, c.code).toBe(c.code.startsWith('E') ? 'error' : 'warning');
      expect(c.title.length, c.code).toBeGreaterThan(0);
      expect(D[c.code].code).toBe(c.code);
      expect(D[c.code].severity).toBe(c.severity);
    }
  });

  it('builds messages that carry their code and severity', () => {
    const m = D.E0201.unknownEvent('mesage.posted');
    expect(m).toEqual({ code: 'E0201', severity: 'error', message: 'unknown event `mesage.posted`' });
    expect(D.W0101.noHeader()).toEqual({
      code: 'W0101',
      severity: 'warning',
      message: 'no `playbook "…" { timezone "…" }` header; calendar logic will use UTC',
    });
    expect(D.E0212.unknownPlaceholder('member.name', 'a schedule').message).toBe('unknown placeholder `{member.name}` (a schedule has no single member)');
    expect(D.E0212.unknownPlaceholder('nme', undefined).message).toBe('unknown placeholder `{nme}`');
    expect(D.E0005.unexpectedCharacters('@', false).message).toBe('unexpected character `@`');
    expect(D.E0005.unexpectedCharacters('@@', true).message).toBe('unexpected characters `@@`');
    expect(Object.isFrozen(D) && Object.isFrozen(D.E0201)).toBe(true);
  });

  it('is what DiagnosticBag.report places', () => {
    const bag = new DiagnosticBag('club.playbook');
    bag.report(D.W0404.removeEveryone(), { start: 10, end: 24, line: 3, column: 5 }, 'add `where …`');
    bag.report(D.E0410.emptyTag(), { start: 30, end: 30, line: 4, column: 1 });
    expect(bag.items).toEqual([
      {
        severity: 'warning',
        code: 'W0404',
        message: '`remove members` with no filter removes everyone',
        file: 'club.playbook',
        line: 3,
        column: 5,
        length: 14,
        hint: 'add `where …`',
      },
      { severity: 'error', code: 'E0410', message: 'a tag cannot be empty', file: 'club.playbook', line: 4, column: 1, length: 1 },
    ]);
    expect(bag.hasErrors).toBe(true);
  });

  it('has one row in docs/testing.md per T code, with its severity, and no other', () => {
    const markdown = readFileSync(join(root, 'docs/testing.md'), 'utf8');
    const rows = [...markdown.matchAll(/^\|\s*`?(T\d{4})`?\s*\|\s*(\w+)\s*\|/gm)].map((m) => `${m[1]} ${m[2]}`);
    const registry = CODES.filter((c) => c.code.startsWith('T')).map((c) => `${c.code} ${c.severity}`);
    expect(rows).toEqual(registry);
  });

  it('types its codes', () => {
    const code: Code = 'E0001';
    expect(isCode(code)).toBe(true);
    expect(isCode('E9999')).toBe(false);
    expect(isCode('__proto__')).toBe(false);
    expect(isCode('toString')).toBe(false);
  });
});

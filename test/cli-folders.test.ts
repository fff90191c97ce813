import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCli as cli } from './helpers/cli.js';

// `check`, `test` and `fmt` given folders (docs/cli.md#folders).

const root = fileURLToPath(new URL('..', import.meta.url));
const BROKEN = 'rule r { on message.postd do delete message }\n';
const UNFORMATTED = 'playbook "x" { timezone "Asia/Shanghai" }\nrule r {   on message.posted   do delete message }\n';

/** A tree: two playbooks with a test file, and broken playbooks where no command may look. */
function tree(): string {
  const dir = mkdtempSync(join(tmpdir(), 'playbook-folders-'));
  mkdirSync(join(dir, 'b', 'deep'), { recursive: true });
  mkdirSync(join(dir, 'node_modules', 'pkg'), { recursive: true });
  mkdirSync(join(dir, '.git'), { recursive: true });
  copyFileSync(join(root, 'examples', 'flood.playbook'), join(dir, 'b', 'deep', 'flood.playbook'));
  copyFileSync(join(root, 'examples', 'flood.test.playbook'), join(dir, 'b', 'deep', 'flood.test.playbook'));
  copyFileSync(join(root, 'examples', 'no-ads.playbook'), join(dir, 'a.playbook'));
  writeFileSync(join(dir, 'node_modules', 'pkg', 'x.playbook'), BROKEN);
  writeFileSync(join(dir, 'node_modules', 'pkg', 'x.test.playbook'), 'test "x" { expect bogus }\n');
  writeFileSync(join(dir, '.git', 'y.playbook'), BROKEN);
  writeFileSync(join(dir, 'notes.txt'), BROKEN);
  return dir;
}

describe('check with folders', () => {
  it('checks every playbook and test file under the folder, skipping node_modules and dot-folders', async () => {
    const dir = tree();
    const r = await cli(['check', dir]);
    expect(r.err).toContain('checked 3 files: 0 errors, 0 warnings');
    expect(r.code).toBe(0);
  });

  it('reports in sorted path order, folders and files mixed with explicit files', async () => {
    const dir = tree();
    writeFileSync(join(dir, 'b', 'c.playbook'), BROKEN);
    writeFileSync(join(dir, 'b', 'a.playbook'), BROKEN);
    const r = await cli(['check', join(dir, 'b'), join(dir, 'a.playbook'), '--format', 'json']);
    expect(r.code).toBe(1);
    const files = (JSON.parse(r.out) as { file: string }[]).map((d) => d.file).filter((f, i, a) => a.indexOf(f) === i);
    expect(files).toEqual([join(dir, 'b', 'a.playbook'), join(dir, 'b', 'c.playbook')]);
  });

  it('refuses a folder with no playbook as a usage error', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'playbook-empty-'));
    mkdirSync(join(dir, 'node_modules'));
    writeFileSync(join(dir, 'node_modules', 'x.playbook'), BROKEN);
    const r = await cli(['check', dir]);
    expect(r.code).toBe(2);
    expect(r.err).toContain(`${dir}: this folder holds no playbook or test file (*.playbook)`);
  });
});

describe('test with folders', () => {
  it('runs every .test.playbook under the folder', async () => {
    const dir = tree();
    const r = await cli(['test', dir]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^PASS six messages in ten seconds/m);
    expect(r.out).toMatch(/\d+ passed, 0 failed\n$/);
  });

  it('runs every example test with `test examples`', async () => {
    const r = await cli(['test', join(root, 'examples')]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/ passed, 0 failed\n/);
  });

  it('refuses a folder with playbooks but no test file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'playbook-notests-'));
    writeFileSync(join(dir, 'a.playbook'), BROKEN);
    const r = await cli(['test', dir]);
    expect(r.code).toBe(2);
    expect(r.err).toContain('this folder holds no test file (*.test.playbook)');
  });
});

describe('fmt with folders', () => {
  it('formats the playbooks under the folder, never a test file', async () => {
    const dir = tree();
    writeFileSync(join(dir, 'b', 'messy.playbook'), UNFORMATTED);
    const testBefore = readFileSync(join(dir, 'b', 'deep', 'flood.test.playbook'), 'utf8');
    const check = await cli(['fmt', '--check', dir]);
    expect(check.code).toBe(1);
    expect(check.out).toBe(`${join(dir, 'b', 'messy.playbook')}\n`);
    const r = await cli(['fmt', dir]);
    expect(r.code).toBe(0);
    expect(r.out).toBe(`${join(dir, 'b', 'messy.playbook')}\n`);
    expect((await cli(['fmt', '--check', dir])).code).toBe(0);
    expect(readFileSync(join(dir, 'b', 'deep', 'flood.test.playbook'), 'utf8')).toBe(testBefore);
    expect(readFileSync(join(dir, 'node_modules', 'pkg', 'x.playbook'), 'utf8')).toBe(BROKEN);
  });

  it('refuses a folder holding only test files', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'playbook-onlytests-'));
    writeFileSync(join(dir, 'a.test.playbook'), 'test "x" {}\n');
    const r = await cli(['fmt', dir]);
    expect(r.code).toBe(2);
    expect(r.err).toContain('this folder holds no playbook (*.playbook) file');
  });
});

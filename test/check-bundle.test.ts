/**
 * `playbook check` runs from its own CommonJS bundle with V8's code cache (bin/check-bundle.js,
 * docs/performance.md "Start-up"). Needs a build (`npm run build`), like the other tests of bin/.
 * It must answer exactly as the ES module bundle every other command runs from, and a cache made
 * for another bundle must not be used, even one V8 would take (same length).
 */
import { describe, it, expect } from 'vitest';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// @ts-expect-error -- bin/ is plain JavaScript without types
import { checkBundle, loadCheckBundle } from '../bin/check-bundle.js';

type Bundle = { run(argv: string[], io: unknown): Promise<number>; cacheUsed: boolean };
const load = loadCheckBundle as (bundle?: string, cache?: string) => Bundle;

function viaBin(args: string[]) {
  const r = spawnSync(process.execPath, ['bin/playbook.js', ...args], { encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function viaModuleBundle(args: string[]) {
  const code = `const { run } = await import(${JSON.stringify(join(process.cwd(), 'dist/cli-bundle/main.js'))}); process.exitCode = await run(process.argv.slice(1));`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', code, ...args], { encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

async function runQuiet(bundle: Bundle, args: string[]) {
  let out = '';
  const status = await bundle.run(args, { out: (t: string) => (out += t), err: (t: string) => (out += t), isTTY: false });
  return { status, out };
}

describe('check bundle', () => {
  it.each([
    ['check', 'test/diagnostics'],
    ['check', '--format', 'json', 'test/diagnostics'],
    ['check', 'examples'],
    ['check', 'examples/no-ads.playbook', 'no-such-file.playbook'],
    ['check', '--bogus'],
  ])('answers %s %s … as the module bundle does', (...args) => {
    const fromCheckBundle = viaBin(args);
    expect(fromCheckBundle.stdout + fromCheckBundle.stderr).not.toBe('');
    expect(fromCheckBundle).toEqual(viaModuleBundle(args));
  });

  it('uses the code cache the build wrote', () => {
    expect(load().cacheUsed).toBe(true);
  });

  it('ignores a cache made for another bundle, even of the same length', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'check-bundle-'));
    const bundle = join(dir, 'check.cjs');
    copyFileSync(`${checkBundle as string}.cache`, `${bundle}.cache`);
    const source = readFileSync(checkBundle as string, 'latin1');
    expect(source).toContain('`checked ${');
    // Same length, other code: V8 alone would take the cache (it checks the length, not the text).
    writeFileSync(bundle, source.replace('`checked ${', '`CHECKED ${'), 'latin1');
    const changed = load(bundle);
    expect(changed.cacheUsed).toBe(false);
    expect((await runQuiet(changed, ['check', 'examples/no-ads.playbook'])).out).toContain('CHECKED 1 file');
    // The same copy with its own bundle's text takes the cache again.
    writeFileSync(bundle, source, 'latin1');
    const same = load(bundle);
    expect(same.cacheUsed).toBe(true);
    expect(await runQuiet(same, ['check', 'examples/no-ads.playbook'])).toEqual({ status: 0, out: 'checked 1 file: 0 errors, 0 warnings\n' });
  });
});

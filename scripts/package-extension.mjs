#!/usr/bin/env node
// `node scripts/package-extension.mjs [OUTDIR]`: the VS Code extension as a .vsix, offline.
// Copies editors/vscode to a temporary folder, bundles its client there
// (scripts/build-extension.mjs) and runs `vsce package` (@vscode/vsce, a dev dependency) without
// dependency detection, which needs npm and the network: the bundle holds what the client needs.
// Prints the path of the .vsix, written to OUTDIR (default: the current folder).
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const outDir = resolve(process.argv[2] ?? '.');
const work = mkdtempSync(join(tmpdir(), 'playbook-vscode-'));
try {
  cpSync(join(root, 'editors/vscode'), work, { recursive: true, filter: (src) => !src.includes(`${join(root, 'editors/vscode/out')}`) });
  execFileSync(process.execPath, [join(root, 'scripts/build-extension.mjs'), work], { stdio: 'inherit' });
  const { name, version } = JSON.parse(readFileSync(join(work, 'package.json'), 'utf8'));
  const vsix = join(outDir, `${name}-${version}.vsix`);
  const vsce = join(root, 'node_modules/@vscode/vsce/vsce');
  execFileSync(
    process.execPath,
    [vsce, 'package', '--no-dependencies', '--skip-license', '--allow-missing-repository', '--no-rewrite-relative-links', '--out', vsix],
    { cwd: work, stdio: ['ignore', 'ignore', 'inherit'] },
  );
  console.log(vsix);
} finally {
  rmSync(work, { recursive: true, force: true });
}

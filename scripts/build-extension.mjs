#!/usr/bin/env node
// Bundles the VS Code extension's client (editors/vscode/src/extension.js) into
// editors/vscode/out/extension.js: CommonJS, as VS Code loads extensions, with vscode-jsonrpc
// inside and `vscode` left to the editor. `node scripts/build-extension.mjs [OUTDIR]` writes into
// OUTDIR/out instead (test/vscode-extension.test.ts packages a copy of the folder).
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const target = process.argv[2] ?? `${root}editors/vscode`;
await build({
  absWorkingDir: root,
  entryPoints: [`${root}editors/vscode/src/extension.js`],
  outfile: `${target}/out/extension.js`,
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node18',
  external: ['vscode'],
  logLevel: 'warning',
});

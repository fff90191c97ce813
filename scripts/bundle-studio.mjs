#!/usr/bin/env node
// Bundles the studio's page script (src/studio/browser/studio.js: CodeMirror 6 and the language
// service) for the browser into dist/studio-assets/studio.js (part of `npm run build`). One file,
// everything inside: the page loads nothing from anywhere else (docs/studio.md).
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
await build({
  absWorkingDir: root,
  entryPoints: ['src/studio/browser/studio.js'],
  outfile: 'dist/studio-assets/studio.js',
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  minify: true,
  tsconfig: 'tsconfig.build.json',
  logLevel: 'warning',
});

#!/usr/bin/env node
// Bundles the studio's page script (src/studio/browser/studio.js: CodeMirror 6 and the language
// service) for the browser into dist/studio-assets/studio.js (part of `npm run build`). One file,
// everything inside: the page loads nothing from anywhere else (docs/studio.md). Mermaid, which
// draws the graph pane, is copied beside it as it is distributed (one classic script).
import { build } from 'esbuild';
import { copyFileSync } from 'node:fs';
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
copyFileSync(`${root}node_modules/mermaid/dist/mermaid.min.js`, `${root}dist/studio-assets/mermaid.js`);

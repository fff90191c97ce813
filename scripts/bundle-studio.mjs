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

/**
 * The simulate pane's worker runs the runtime and the report's collector. Their Node-only parts
 * (the reference engine's worker thread and module loading, the report's chart.js file reading)
 * are never used there: the worker runs the fast engine and leaves rendering to the studio, so
 * those imports resolve to stand-ins that throw if called.
 */
const NODE_ONLY = [
  'readFileSync',
  'existsSync',
  'createRequire',
  'dirname',
  'join',
  'fileURLToPath',
  'Worker',
  'MessageChannel',
  'receiveMessageOnPort',
  'parentPort',
  'workerData',
];
const nodeStandIns = {
  name: 'node-stand-ins',
  setup(b) {
    b.onResolve({ filter: /^node:/ }, (a) => ({ path: a.path, namespace: 'node-stand-in' }));
    b.onLoad({ filter: /.*/, namespace: 'node-stand-in' }, (a) => ({
      contents: [
        `const unavailable = () => { throw new Error('${a.path} is not available in the studio worker'); };`,
        ...NODE_ONLY.map((n) => `export const ${n} = unavailable;`),
      ].join('\n'),
      loader: 'js',
    }));
  },
};
await build({
  absWorkingDir: root,
  entryPoints: ['src/studio/browser/simulate-worker.js'],
  outfile: 'dist/studio-assets/simulate-worker.js',
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  minify: true,
  tsconfig: 'tsconfig.build.json',
  plugins: [nodeStandIns],
  logLevel: 'warning',
});
copyFileSync(`${root}node_modules/mermaid/dist/mermaid.min.js`, `${root}dist/studio-assets/mermaid.js`);

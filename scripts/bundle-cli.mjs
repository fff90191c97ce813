#!/usr/bin/env node
// Bundles the command line into dist/cli-bundle/ (part of `npm run build`, after tsc).
//
// Why: loading chevrotain, zod and ~250 modules of our own one file at a time was most of a short
// `playbook check` (docs/performance.md, "Start-up"). One entry per command line, split into
// chunks, keeps each command's lazy import lazy: `--version` reads no chunk, `check` no chat client.
// Packages loaded only by the commands that need them, and native ones, stay outside the bundle and
// are resolved from node_modules as usual. The library (`import … from 'playbook'`) stays the
// tsc output in dist/; only bin/playbook.js runs the bundle.
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeGrammarCache } from './grammar-cache.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
// The parser's stored lookahead, from the grammar tsc just compiled (scripts/grammar-cache.mjs).
await writeGrammarCache(root);

// zod re-exports its error messages in 40-odd languages (`z.locales`), about half of its code;
// nothing here reads them (messages stay zod's default English, which zod imports itself), and
// compiling them cost a short `check` time (docs/performance.md, "Start-up"). The bundle's
// `locales` holds only English.
const onlyEnglishZod = {
  name: 'only-english-zod',
  setup(b) {
    b.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
      /[\\/]zod[\\/]v4[\\/]/.test(args.importer) ? { path: join(dirname(args.importer), '..', 'locales', 'en.js'), namespace: 'zod-en' } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'zod-en' }, (args) => ({
      contents: `export { default as en } from ${JSON.stringify(args.path)};`,
      resolveDir: dirname(args.path),
    }));
  },
};
const outdir = `${root}dist/cli-bundle`;
rmSync(outdir, { recursive: true, force: true });
await build({
  absWorkingDir: root,
  // The worker of the reference engine is its own entry: reference.ts finds it as ./jre-worker.js
  // beside the chunk that starts it, which is this folder.
  entryPoints: { main: 'src/cli/main.ts', 'jre-worker': 'src/runtime/conditions/jre-worker.ts' },
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  tsconfig: 'tsconfig.build.json',
  chunkNames: 'chunk-[hash]',
  // grammY and its plugins load `debug`, which require()s node built-ins an ESM bundle cannot.
  // vscode-languageserver is CommonJS too, and only `playbook lsp` loads it; pg likewise, only
  // for serve's cluster mode; and ws, only for the OneBot (QQ) bot.
  external: [
    'better-sqlite3',
    '@xmpp/*',
    'irc-framework',
    'discord.js',
    'xstate',
    'json-rules-engine',
    'chart.js',
    'grammy',
    '@grammyjs/*',
    'vscode-languageserver',
    'vscode-languageserver/*',
    'pg',
    'ws',
  ],
  plugins: [onlyEnglishZod],
  logLevel: 'warning',
});

// `check` once more, as one CommonJS file that bin/check-bundle.js runs with V8's code cache (it
// says why). Only `check` runs from it, so the other commands' modules are left out.
const onlyCheck = {
  name: 'only-check',
  setup(b) {
    b.onResolve({ filter: /^\.\/[a-z]+\.js$/ }, (args) =>
      /src[\\/]cli[\\/]main\.ts$/.test(args.importer) && args.path !== './check.js' && args.path !== './io.js'
        ? { path: args.path, external: true }
        : undefined,
    );
  },
};
await build({
  absWorkingDir: root,
  entryPoints: ['src/cli/main.ts'],
  outfile: `${outdir}/check.cjs`,
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  tsconfig: 'tsconfig.build.json',
  // The command line finds package.json from its own file (src/cli/main.ts, packageVersion).
  define: { 'import.meta.url': '__bundleUrl' },
  banner: { js: 'const __bundleUrl = require("node:url").pathToFileURL(__filename).href;' },
  plugins: [onlyEnglishZod, onlyCheck],
  // ASCII without comments: bin/check-bundle.js reads it as latin1, a one-byte string (UTF-8 text
  // with any other character decodes to a two-byte string, twice the size and slower to read).
  charset: 'ascii',
  minifyWhitespace: true,
  logLevel: 'warning',
});
// esbuild leaves non-ASCII characters in regex literals (`/->|→/`); as \u escapes they mean the
// same (an astral character becomes its two escaped halves, which a `u` pattern reads as one).
const cjs = `${outdir}/check.cjs`;
writeFileSync(
  cjs,
  readFileSync(cjs, 'utf8').replace(/[^\0-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`),
);
const warm = spawnSync(process.execPath, [`${root}bin/check-bundle.js`, '--write-cache'], { stdio: 'inherit' });
if (warm.status !== 0) throw new Error('writing the code cache of the check bundle failed');

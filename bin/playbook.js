#!/usr/bin/env node
// Launcher: the CLI is compiled and bundled into dist/cli-bundle/ by `npm install` (the `prepare`
// script); the bundle starts faster than dist/cli/ (scripts/bundle-cli.mjs says why), and `check`
// runs from its own bundle with V8's code cache (bin/check-bundle.js says why).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const args = process.argv.slice(2);
const main = fileURLToPath(new URL('../dist/cli-bundle/main.js', import.meta.url));
if (!existsSync(main)) {
  process.stderr.write('playbook: the CLI is not built yet; run `npm install` (or `npm run build`) in the project folder\n');
  process.exit(2);
}
const check = args[0] === 'check' ? await import('./check-bundle.js') : undefined;
const { run } = check && existsSync(check.checkBundle) ? check.loadCheckBundle() : await import(main);
process.exitCode = await run(args);

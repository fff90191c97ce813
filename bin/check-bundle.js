// `playbook check` from one CommonJS file with V8's code cache (docs/performance.md, "Start-up").
//
// Compiling the bundle's JavaScript was about a fifth of a short `check`. Node 20 caches no compiled
// code for ES modules (node:module's enableCompileCache came in Node 22), but vm.Script takes V8's
// cachedData, so `npm run build` bundles the command line once more as dist/cli-bundle/check.cjs
// and, by running `check` on the examples (`node bin/check-bundle.js --write-cache`), writes the
// code V8 compiled for it to check.cjs.cache. The cache starts with the SHA-1 of the bundle it was
// made from: any other bundle ignores it, and V8 itself rejects a cache of another V8 or other flags
// (`cachedDataRejected`); either way the bundle is compiled from its source, as without a cache.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';

export const checkBundle = fileURLToPath(new URL('../dist/cli-bundle/check.cjs', import.meta.url));

/** The bundle's `run` (src/cli/main.ts), and how to save the code compiled so far. */
export function loadCheckBundle(bundle = checkBundle, cacheFile = `${bundle}.cache`) {
  // The build writes it in ASCII (scripts/bundle-cli.mjs), which latin1 reads into a one-byte string:
  // UTF-8 with any other character would decode slower, into a string twice the size.
  const bytes = readFileSync(bundle);
  const source = bytes.toString('latin1');
  const hash = createHash('sha1').update(bytes).digest('hex');
  let cachedData;
  try {
    const cache = readFileSync(cacheFile);
    if (cache.subarray(0, 41).toString('latin1') === `${hash}\n`) cachedData = cache.subarray(41);
  } catch {
    // no cache: compile from the source
  }
  const script = new vm.Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, { filename: bundle, cachedData });
  const module = { exports: {} };
  script.runInThisContext()(module.exports, createRequire(bundle), module, bundle, dirname(bundle));
  return {
    run: module.exports.run,
    cacheUsed: cachedData !== undefined && !script.cachedDataRejected,
    saveCache: () => writeFileSync(cacheFile, Buffer.concat([Buffer.from(`${hash}\n`, 'latin1'), script.createCachedData()])),
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url) && process.argv[2] === '--write-cache') {
  // What V8 compiles while checking every example (test files too) is what a check needs.
  const examples = fileURLToPath(new URL('../examples', import.meta.url));
  if (existsSync(examples)) {
    const bundle = loadCheckBundle();
    const quiet = { out: () => {}, err: () => {}, isTTY: false };
    await bundle.run(['check', examples], quiet);
    bundle.saveCache();
  }
}

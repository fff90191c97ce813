/**
 * The package façade (issue 14, item 5): `import … from 'playbook'` is the compiler and the
 * runtime; the durable store, the HTTP server and the bots are the subpaths `playbook/store`,
 * `playbook/server` and `playbook/bots`, so a bot that only compiles and dispatches does not load
 * SQLite's native module, node:http or a chat client.
 *
 * The package is built into a temporary folder (a copy of package.json, dist/ from tsc, the
 * project's node_modules linked) and imported by name from a second folder that has it in its
 * node_modules, so the "exports" map is what resolves it. Each import runs in a child process
 * whose module resolve hook (module.register) appends every resolved URL to a file: the list
 * of what an import loads, third-party packages and node: builtins included.
 *
 * Also here (issue 14, item 6): `playbook --version` prints package.json's version, from src/
 * and from the built dist/.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './helpers/cli.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const pkgJson = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  version: string;
  dependencies: Record<string, string>;
  exports: Record<string, string | { types: string; import: string }>;
};

let tmp = '';
let pkg = '';
let app = '';
let buildOutput = '';

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'playbook-facade-'));
  pkg = join(tmp, 'pkg');
  app = join(tmp, 'app');
  mkdirSync(pkg);
  mkdirSync(join(app, 'node_modules'), { recursive: true });
  // Type errors elsewhere in the tree are the type-check's business; tsc still emits the files.
  const build = spawnSync(
    process.execPath,
    [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, 'tsconfig.build.json'), '--outDir', join(pkg, 'dist')],
    {
      cwd: root,
      encoding: 'utf8',
    },
  );
  buildOutput = `${build.stdout}${build.stderr}`;
  writeFileSync(join(pkg, 'package.json'), readFileSync(join(root, 'package.json')));
  symlinkSync(join(root, 'node_modules'), join(pkg, 'node_modules'), 'dir');
  symlinkSync(pkg, join(app, 'node_modules', 'playbook'), 'dir');
  writeFileSync(join(app, 'package.json'), '{ "type": "module" }\n');
  writeFileSync(
    join(tmp, 'hooks.mjs'),
    [
      "import { appendFileSync } from 'node:fs';",
      'export async function resolve(specifier, context, next) {',
      '  const result = await next(specifier, context);',
      "  appendFileSync(process.env.PLAYBOOK_MODULE_LOG, result.url + '\\n');",
      '  return result;',
      '}',
    ].join('\n'),
  );
  writeFileSync(join(tmp, 'register.mjs'), "import { register } from 'node:module';\nregister('./hooks.mjs', import.meta.url);\n");
  // Imports the specifier given, prints its export names.
  writeFileSync(join(app, 'main.mjs'), 'const m = await import(process.argv[2]);\nconsole.log(JSON.stringify(Object.keys(m).sort()));\n');
}, 180_000);

afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

interface Loaded {
  exports: string[];
  /** Third-party packages, by name (`@xmpp/client`). */
  packages: Set<string>;
  /** node: builtins (`node:http`). */
  builtins: Set<string>;
  /** The package's own modules, relative to dist/ (`store/sqlite.js`). */
  own: Set<string>;
}

let runs = 0;
function importInChild(specifier: string): Loaded {
  expect(existsSync(join(pkg, 'dist/index.js')), `the build wrote no dist/index.js:\n${buildOutput}`).toBe(true);
  const log = join(tmp, `modules-${++runs}.log`);
  writeFileSync(log, '');
  const r = spawnSync(process.execPath, ['--import', pathToFileURL(join(tmp, 'register.mjs')).href, 'main.mjs', specifier], {
    cwd: app,
    encoding: 'utf8',
    env: { ...process.env, PLAYBOOK_MODULE_LOG: log, NODE_OPTIONS: '' },
  });
  expect(r.status, `import('${specifier}') failed:\n${r.stderr}`).toBe(0);
  const loaded: Loaded = { exports: JSON.parse(r.stdout) as string[], packages: new Set(), builtins: new Set(), own: new Set() };
  const dist = pathToFileURL(join(pkg, 'dist')).href + '/';
  for (const url of readFileSync(log, 'utf8').split('\n').filter(Boolean)) {
    if (url.startsWith('node:')) loaded.builtins.add(url);
    else if (url.startsWith(dist)) loaded.own.add(url.slice(dist.length));
    else {
      const m = /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
      if (m) loaded.packages.add(m[1]!);
    }
  }
  return loaded;
}

const sorted = (s: Set<string>) => [...s].sort();

/** What the façade may never load: SQLite, chat clients, the worker engine's library, HTTP. */
const HEAVY_PACKAGES = ['better-sqlite3', '@xmpp/client', 'irc-framework', 'json-rules-engine'];
const HEAVY_BUILTINS = ['node:http', 'node:https', 'node:net', 'node:tls'];
const NOT_THE_FACADE = /^(?:store|server|bots|cli|report|testing)\//;

describe("import('playbook')", () => {
  let facade: Loaded;
  beforeAll(() => {
    facade = importInChild('playbook');
  }, 60_000);

  it('resolves through the exports map to dist/index.js (the hook sees it)', () => {
    expect(facade.own.has('index.js')).toBe(true);
    expect(facade.exports).toEqual(
      expect.arrayContaining([
        'compile',
        'createRuntime',
        'formatDiagnostic',
        'validateEvent',
        'IRSchema',
        'IR_VERSION',
        'MemoryStore',
        'Runtime',
        'toXState',
        'toRules',
        'migrateSnapshot',
        'StoredStateError',
        'checkSnapshotStates',
      ]),
    );
  });

  it('exports neither the store, the server nor the bots', () => {
    for (const name of [
      'openDurableRuntime',
      'DurableRuntime',
      'SqliteStore',
      'MemoryDurableStore',
      'StorageError',
      'StoreOpenError',
      'PlaybookServer',
      'Bot',
      'PLATFORM_ACTIONS',
    ]) {
      expect(facade.exports, name).not.toContain(name);
    }
  });

  it('loads no module of the store, the server, the bots, the CLI, the report or the test runner', () => {
    expect(sorted(facade.own).filter((f) => NOT_THE_FACADE.test(f))).toEqual([]);
  });

  it('loads neither better-sqlite3, a chat client, json-rules-engine nor node:http', () => {
    expect(sorted(facade.packages).filter((p) => HEAVY_PACKAGES.includes(p))).toEqual([]);
    expect(sorted(facade.builtins).filter((b) => HEAVY_BUILTINS.includes(b))).toEqual([]);
  });

  it('loads exactly these of the dependencies', () => {
    // Their own dependencies (chevrotain's parts, lodash-es) are theirs to choose. xstate is
    // loaded only when a runtime asks for the reference engine (src/runtime/machines/reference.ts).
    // (node:worker_threads is loaded, by the reference conditions engine; no worker starts
    // until a runtime asks for that engine.)
    expect(sorted(facade.packages).filter((p) => Object.hasOwn(pkgJson.dependencies, p))).toEqual(['chevrotain', 'luxon', 're2js', 'zod']);
  });
});

describe('the subpath exports', () => {
  it("'playbook/store' is the durable runtime, over better-sqlite3", () => {
    const store = importInChild('playbook/store');
    expect(store.own.has('store/index.js')).toBe(true);
    expect(store.exports).toEqual(
      expect.arrayContaining(['openDurableRuntime', 'DurableRuntime', 'SqliteStore', 'MemoryDurableStore', 'StorageError', 'StoreOpenError']),
    );
    // The control: the hook does see a package the façade must not load.
    expect(store.packages.has('better-sqlite3')).toBe(true);
  });

  it("'playbook/server' is the HTTP service", () => {
    const server = importInChild('playbook/server');
    expect(server.own.has('server/index.js')).toBe(true);
    expect(server.exports).toEqual(expect.arrayContaining(['PlaybookServer', 'DEFAULT_MAX_BODY_BYTES', 'DEFAULT_MAX_SKEW_MS']));
    expect(server.builtins.has('node:http')).toBe(true);
  });

  it("'playbook/bots' is the bot and the adapter contract, without a chat client", () => {
    const bots = importInChild('playbook/bots');
    expect(bots.own.has('bots/index.js')).toBe(true);
    expect(bots.exports).toEqual(expect.arrayContaining(['Bot', 'PLATFORM_ACTIONS']));
    expect(sorted(bots.packages).filter((p) => p === '@xmpp/client' || p === 'irc-framework')).toEqual([]);
  });

  it('every entry of "exports" names files the build writes', () => {
    expect(Object.keys(pkgJson.exports).sort()).toEqual(['.', './bots', './package.json', './server', './store']);
    for (const [path, target] of Object.entries(pkgJson.exports)) {
      const files = typeof target === 'string' ? [target] : [target.types, target.import];
      for (const f of files) expect(existsSync(join(pkg, f)), `${path}: ${f}`).toBe(true);
    }
  });
});

/** Names a module exports, types included, from its source: `export { a, type B } from …`, `export function c`. */
function exportedNames(rel: string): Set<string> {
  const source = readFileSync(join(root, rel), 'utf8');
  const names = new Set<string>();
  for (const m of source.matchAll(/^export (?:type )?\{([^}]*)\}/gm)) {
    for (const n of m[1]!.split(',')) {
      const name = n
        .trim()
        .replace(/^type\s+/, '')
        .split(/\s+as\s+/)
        .at(-1);
      if (name) names.add(name);
    }
  }
  for (const m of source.matchAll(/^export (?:async )?(?:function|class|const|interface|type) ([A-Za-z_$][\w$]*)/gm)) names.add(m[1]!);
  return names;
}

describe('docs/embedding.md on the subpaths', () => {
  const markdown = readFileSync(join(root, 'docs/embedding.md'), 'utf8');
  const entries: Record<string, string> = {
    'playbook/store': 'src/store/index.ts',
    'playbook/server': 'src/server/index.ts',
    'playbook/bots': 'src/bots/index.ts',
  };

  it('names, for each subpath, only what its entry file exports, and every subpath', () => {
    const seen = new Set<string>();
    for (const m of markdown.matchAll(/^\| `(playbook\/[a-z]+)` \| ([^|]+) \|/gm)) {
      const entry = entries[m[1]!];
      expect(entry, `${m[1]} is not a subpath of package.json`).toBeDefined();
      seen.add(m[1]!);
      const exported = exportedNames(entry!);
      for (const [, name] of m[2]!.matchAll(/`([A-Za-z_]+)`/g)) expect(exported.has(name!), `${m[1]}: ${name}`).toBe(true);
    }
    expect([...seen].sort()).toEqual(Object.keys(entries).sort());
    expect(
      Object.keys(pkgJson.exports)
        .filter((k) => k.startsWith('./') && k !== './package.json')
        .map((k) => `playbook/${k.slice(2)}`)
        .sort(),
    ).toEqual(Object.keys(entries).sort());
  });

  it('imports from a subpath only names it exports', () => {
    for (const m of markdown.matchAll(/import \{([^}]*)\} from '(playbook\/[a-z]+)'/g)) {
      const exported = exportedNames(entries[m[2]!]!);
      for (const n of m[1]!.split(',').map((x) => x.trim().replace(/^type\s+/, ''))) expect(exported.has(n), `${m[2]}: ${n}`).toBe(true);
    }
  });
});

describe('playbook --version (issue 14, item 6)', () => {
  it("prints package.json's version from src/", async () => {
    const r = await runCli(['--version']);
    expect(r).toEqual({ code: 0, out: `playbook ${pkgJson.version}\n`, err: '' });
  });

  it("prints package.json's version from the built dist/", () => {
    const r = spawnSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `const { run } = await import(${JSON.stringify(pathToFileURL(join(pkg, 'dist/cli/main.js')).href)}); process.exitCode = await run(['--version']);`,
      ],
      { encoding: 'utf8' },
    );
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(`playbook ${pkgJson.version}\n`);
  });

  it("prints package.json's version through bin/playbook.js, which runs the bundle", () => {
    // The project's own build (`npm run build`), not the copy above, which has no bin/.
    const r = spawnSync(process.execPath, [join(root, 'bin/playbook.js'), '--version'], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(`playbook ${pkgJson.version}\n`);
    expect(readFileSync(join(root, 'bin/playbook.js'), 'utf8')).toContain('dist/cli-bundle/main.js');
  });
});

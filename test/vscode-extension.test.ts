import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inflateRawSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeVscode, type Fake } from './helpers/fake-vscode.js';

/**
 * The VS Code extension (editors/vscode): packaged offline into a .vsix by
 * scripts/package-extension.mjs (vsce), and its client, the bundled out/extension.js, run against
 * a stand-in for VS Code's `vscode` module while it drives the real `playbook lsp` (bin/playbook.js,
 * so `npm run build` first).
 */

const root = fileURLToPath(new URL('..', import.meta.url));
let dir: string;
let entries: Map<string, Buffer>;

/** The files of a zip archive, read from its central directory. */
function unzip(zip: Buffer): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const end = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  const count = zip.readUInt16LE(end + 10);
  let at = zip.readUInt32LE(end + 16);
  for (let i = 0; i < count; i++) {
    const method = zip.readUInt16LE(at + 10);
    const size = zip.readUInt32LE(at + 20);
    const nameLength = zip.readUInt16LE(at + 28);
    const extra = zip.readUInt16LE(at + 30);
    const comment = zip.readUInt16LE(at + 32);
    const local = zip.readUInt32LE(at + 42);
    const name = zip.subarray(at + 46, at + 46 + nameLength).toString('utf8');
    const dataAt = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    const data = zip.subarray(dataAt, dataAt + size);
    out.set(name, method === 8 ? inflateRawSync(data) : Buffer.from(data));
    at += 46 + nameLength + extra + comment;
  }
  return out;
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'playbook-vsix-'));
  const vsix = execFileSync(process.execPath, [join(root, 'scripts/package-extension.mjs'), dir], { encoding: 'utf8' }).trim();
  entries = unzip(readFileSync(vsix));
}, 120_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the packaged extension', () => {
  it('holds the manifest, the grammars, the snippets and the bundled client, and nothing else', () => {
    expect([...entries.keys()].filter((n) => n.startsWith('extension/')).sort()).toEqual([
      'extension/language-configuration.json',
      'extension/out/extension.js',
      'extension/package.json',
      'extension/readme.md',
      'extension/snippets/playbook-test.code-snippets',
      'extension/snippets/playbook.code-snippets',
      'extension/syntaxes/playbook-test.tmLanguage.json',
      'extension/syntaxes/playbook.tmLanguage.json',
    ]);
    const manifest = JSON.parse(entries.get('extension/package.json')!.toString('utf8')) as { main: string; activationEvents: string[] };
    expect(manifest.main).toBe('./out/extension.js');
    expect(manifest.activationEvents).toEqual(['onLanguage:playbook']);
    expect(entries.get('extension.vsixmanifest')!.toString('utf8')).toContain('<Identity Language="en-US" Id="playbook-language"');
  });

  it('bundles vscode-jsonrpc into the client and leaves `vscode` to the editor', () => {
    const client = entries.get('extension/out/extension.js')!.toString('utf8');
    expect(client).toContain('require("vscode")');
    expect(client).not.toMatch(/require\("vscode-jsonrpc/);
    expect(client).toContain('Content-Length');
  });
});

describe('the client in a stand-in VS Code, against playbook lsp', () => {
  let vscode: Fake;
  let extension: { activate(context: { subscriptions: { dispose(): unknown }[] }): Promise<void>; deactivate(): Promise<void> };
  const context = { subscriptions: [] as { dispose(): unknown }[] };
  const TEXT =
    'playbook "Demo" { timezone "Asia/Shanghai" }\nladder ads { 1: say to member "警告" }\nrule r { on message.posted do warn member "x" on ladder adz }\n';

  beforeAll(async () => {
    vscode = fakeVscode({ 'server.path': process.execPath, 'server.args': [join(root, 'bin/playbook.js'), 'lsp', '--stdio'] });
    const client = join(dir, 'extension.js');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(client, entries.get('extension/out/extension.js')!);
    const require = createRequire(client);
    const Module = require('node:module') as { _load: (request: string, ...rest: unknown[]) => unknown };
    const load = Module._load;
    Module._load = (request, ...rest) => (request === 'vscode' ? vscode.module : load(request, ...rest));
    try {
      extension = require(client) as typeof extension;
    } finally {
      Module._load = load;
    }
    vscode.openDocument('file:///w/demo.playbook', 'playbook', TEXT);
    await extension.activate(context);
  }, 60_000);

  afterAll(async () => {
    await extension.deactivate();
  });

  it('shows the diagnostics `playbook lsp` publishes, and the quick fix for the typo', async () => {
    const diagnostics = await vscode.diagnosticsFor('file:///w/demo.playbook');
    expect(diagnostics.map((d) => [d.message, d.code, d.severity, d.range.start.line, d.range.start.character])).toEqual([
      ['unknown ladder `adz`\nhint: did you mean `ads`?', 'E0213', 0, 2, TEXT.split('\n')[2]!.indexOf('adz')],
    ]);
    const actions = (await vscode.provide('codeActions', diagnostics[0]!.range)) as { title: string; edit: { edits: unknown[] } }[];
    expect(actions.map((a) => a.title)).toEqual(['Change `adz` to `ads`']);
    expect(actions[0]!.edit.edits).toEqual([{ uri: 'file:///w/demo.playbook', range: diagnostics[0]!.range, newText: 'ads' }]);
  });

  it('sends edits as they happen and completes, hovers, renames and formats through the server', async () => {
    const line = TEXT.split('\n')[2]!;
    vscode.changeDocument('file:///w/demo.playbook', { line: 2, character: line.indexOf('adz') + 2 }, 1, 's');
    expect(await vscode.diagnosticsFor('file:///w/demo.playbook', 0)).toEqual([]);
    const items = (await vscode.provide('completion', { line: 2, character: line.indexOf('adz') })) as { label: string; kind: number }[];
    expect(items.map((i) => [i.label, i.kind])).toEqual([['ads', 11]]);
    const hover = (await vscode.provide('hover', { line: 1, character: 2 })) as { contents: { value: string } };
    expect(hover.contents.value).toMatch(/^\*\*`ladder`\*\*: docs\/language.md, "Ladders"/);
    const renamed = (await vscode.provide('rename', { line: 1, character: 8 }, '广告')) as { edits: { newText: string }[] };
    expect(renamed.edits.map((e) => e.newText)).toEqual(['广告', '广告']);
    const symbols = (await vscode.provide('documentSymbols')) as { name: string; kind: number }[];
    expect(symbols.map((s) => [s.name, s.kind])).toEqual([
      ['Demo', 1],
      ['ads', 9],
      ['r', 11],
    ]);
    const formatted = (await vscode.provide('formatting')) as { newText: string }[];
    expect(formatted[0]!.newText).toContain('ladder ads {\n  1: say to member "警告"\n}');
  });
});

import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as rpc from 'vscode-languageserver-protocol/node';

/**
 * `playbook lsp` (src/cli/lsp.ts), the built command line (bin/playbook.js, so `npm run build`
 * first) driven as an editor drives it: a child process spoken to over stdio by the real client
 * library (vscode-languageserver-protocol on vscode-jsonrpc).
 */

const root = fileURLToPath(new URL('..', import.meta.url));
const URI = 'file:///tmp/lsp-test/demo.playbook';
const TEXT = `playbook "Demo" { timezone "Asia/Shanghai" }
ladder ads { expire 30d; 1: say to member "警告 😀"; 2: remove member reason "ads" }
rule no_ads {
  on message.posted
  when text matches /加微信/
  do delete message; warn member "no ads" on ladder ads
}
`;

let child: ChildProcessWithoutNullStreams;
let connection: rpc.ProtocolConnection;
const published: rpc.PublishDiagnosticsParams[] = [];
let waiters: (() => void)[] = [];

/** The next diagnostics published for `version`. */
function diagnosticsFor(version: number): Promise<rpc.PublishDiagnosticsParams> {
  return new Promise((resolve) => {
    const check = (): boolean => {
      const found = published.find((p) => p.version === version);
      if (found) resolve(found);
      return found !== undefined;
    };
    if (!check()) waiters.push(() => void check());
  });
}

const at = (line: number, character: number): rpc.Position => ({ line, character });
/** Where the rule uses the ladder: line 5, the last `ads`. */
const USE = TEXT.split('\n')[5]!.lastIndexOf('ads');
const doc = { uri: URI };

beforeAll(async () => {
  child = spawn(process.execPath, [`${root}bin/playbook.js`, 'lsp', '--stdio'], { stdio: 'pipe' });
  connection = rpc.createProtocolConnection(new rpc.StreamMessageReader(child.stdout), new rpc.StreamMessageWriter(child.stdin));
  connection.onNotification(rpc.PublishDiagnosticsNotification.type, (p) => {
    published.push(p);
    const w = waiters;
    waiters = [];
    for (const f of w) f();
  });
  connection.listen();
  const init = await connection.sendRequest(rpc.InitializeRequest.type, { processId: process.pid, rootUri: null, capabilities: {}, workspaceFolders: null });
  expect(init.serverInfo?.name).toBe('playbook');
  expect(init.capabilities).toMatchObject({
    hoverProvider: true,
    definitionProvider: true,
    renameProvider: { prepareProvider: true },
    documentFormattingProvider: true,
  });
  await connection.sendNotification(rpc.InitializedNotification.type, {});
  await connection.sendNotification(rpc.DidOpenTextDocumentNotification.type, { textDocument: { uri: URI, languageId: 'playbook', version: 1, text: TEXT } });
}, 60_000);

afterAll(async () => {
  await connection.sendRequest(rpc.ShutdownRequest.type);
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  await connection.sendNotification(rpc.ExitNotification.type);
  expect(await exited).toBe(0);
  connection.dispose();
});

describe('playbook lsp over stdio', () => {
  it('publishes no diagnostics for a valid file, then a typo’s diagnostic after an incremental change, with its quick fix', async () => {
    expect((await diagnosticsFor(1)).diagnostics).toEqual([]);
    // `ladder ads` in the rule becomes `ladder adz`: one character replaced.
    const character = TEXT.split('\n')[5]!.lastIndexOf('ads') + 2;
    await connection.sendNotification(rpc.DidChangeTextDocumentNotification.type, {
      textDocument: { uri: URI, version: 2 },
      contentChanges: [{ range: { start: at(5, character), end: at(5, character + 1) }, text: 'z' }],
    });
    const [d] = (await diagnosticsFor(2)).diagnostics;
    expect(d).toMatchObject({ code: 'E0213', severity: 1, message: 'unknown ladder `adz`\nhint: did you mean `ads`?' });
    expect(d!.range).toEqual({ start: at(5, character - 2), end: at(5, character + 1) });
    const actions = (await connection.sendRequest(rpc.CodeActionRequest.type, {
      textDocument: doc,
      range: d!.range,
      context: { diagnostics: [d!] },
    })) as rpc.CodeAction[];
    expect(actions.map((a) => a.title)).toEqual(['Change `adz` to `ads`']);
    expect(actions[0]!.edit!.changes![URI]).toEqual([{ range: d!.range, newText: 'ads' }]);
    await connection.sendNotification(rpc.DidChangeTextDocumentNotification.type, { textDocument: { uri: URI, version: 3 }, contentChanges: [{ text: TEXT }] });
    expect((await diagnosticsFor(3)).diagnostics).toEqual([]);
  });

  it('completes ladder names after `on ladder` and keywords inside a rule', async () => {
    const line = TEXT.split('\n')[5]!;
    const list = (await connection.sendRequest(rpc.CompletionRequest.type, { textDocument: doc, position: at(5, line.length) })) as rpc.CompletionItem[];
    expect(list.map((i) => i.label)).toEqual(['ads']);
    const clauses = (await connection.sendRequest(rpc.CompletionRequest.type, { textDocument: doc, position: at(3, 2) })) as rpc.CompletionItem[];
    expect(clauses.map((i) => i.label)).toEqual(expect.arrayContaining(['on', 'when', 'unless', 'do']));
  });

  it('hovers a keyword with its docs/language.md text and a name with what it refers to', async () => {
    const kw = await connection.sendRequest(rpc.HoverRequest.type, { textDocument: doc, position: at(1, 2) });
    expect((kw!.contents as rpc.MarkupContent).value).toMatch(/^\*\*`ladder`\*\*: docs\/language.md, "Ladders"\n\nA ladder escalates/);
    const name = await connection.sendRequest(rpc.HoverRequest.type, { textDocument: doc, position: at(5, USE + 1) });
    expect((name!.contents as rpc.MarkupContent).value).toMatch(/^\*\*ladder\*\* `ads`: declared at line 2, 1 use/);
    expect(name!.range).toEqual({ start: at(5, USE), end: at(5, USE + 3) });
  });

  it('goes to the definition, lists references and renames', async () => {
    const decl = { start: at(1, 7), end: at(1, 10) };
    const use = { start: at(5, USE), end: at(5, USE + 3) };
    expect(await connection.sendRequest(rpc.DefinitionRequest.type, { textDocument: doc, position: at(5, USE + 1) })).toEqual({ uri: URI, range: decl });
    const refs = await connection.sendRequest(rpc.ReferencesRequest.type, { textDocument: doc, position: at(1, 8), context: { includeDeclaration: true } });
    expect(refs).toEqual([
      { uri: URI, range: decl },
      { uri: URI, range: use },
    ]);
    expect(await connection.sendRequest(rpc.PrepareRenameRequest.type, { textDocument: doc, position: at(5, USE + 1) })).toEqual({
      range: use,
      placeholder: 'ads',
    });
    const edit = await connection.sendRequest(rpc.RenameRequest.type, { textDocument: doc, position: at(5, USE + 1), newName: '广告' });
    expect(edit!.changes![URI]).toEqual([
      { range: decl, newText: '广告' },
      { range: use, newText: '广告' },
    ]);
    await expect(connection.sendRequest(rpc.RenameRequest.type, { textDocument: doc, position: at(3, 6), newName: 'x' })).rejects.toThrow(
      '`message.posted` is built in and cannot be renamed',
    );
  });

  it('outlines the document and formats it through playbook fmt', async () => {
    const symbols = (await connection.sendRequest(rpc.DocumentSymbolRequest.type, { textDocument: doc })) as rpc.DocumentSymbol[];
    expect(symbols.map((s) => [s.name, s.detail])).toEqual([
      ['Demo', 'playbook'],
      ['ads', 'ladder'],
      ['no_ads', 'rule on message.posted'],
    ]);
    const edits = await connection.sendRequest(rpc.DocumentFormattingRequest.type, { textDocument: doc, options: { tabSize: 2, insertSpaces: true } });
    expect(edits).toHaveLength(1);
    expect(edits![0]!.newText).toContain('ladder ads {\n  expire 30d\n');
  });
});

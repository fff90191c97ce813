// The VS Code extension's client: starts `playbook lsp` and connects VS Code to it. Bundled by
// scripts/build-extension.mjs into out/extension.js (CommonJS, as VS Code loads extensions), with
// vscode-jsonrpc inside, so the extension needs nothing installed beside it. A small client of its
// own rather than vscode-languageclient, which this project does not depend on: it forwards the
// requests `playbook lsp` serves (docs/editors.md) and converts the answers to VS Code's types.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';

const SELECTOR = { language: 'playbook' };
let running;

/** `playbook.server.path` if set, else the project's own node_modules/.bin/playbook, else `playbook` on the PATH. */
function serverCommand() {
  const config = vscode.workspace.getConfiguration('playbook');
  const configured = config.get('server.path');
  const args = config.get('server.args') ?? ['lsp', '--stdio'];
  if (configured) return { command: configured, args };
  for (const folder of vscode.workspace.workspaceFolders ?? []) {
    const local = join(folder.uri.fsPath, 'node_modules', '.bin', process.platform === 'win32' ? 'playbook.cmd' : 'playbook');
    if (existsSync(local)) return { command: local, args };
  }
  return { command: 'playbook', args };
}

const toRange = (r) => new vscode.Range(r.start.line, r.start.character, r.end.line, r.end.character);
const fromPosition = (p) => ({ line: p.line, character: p.character });
const fromRange = (r) => ({ start: fromPosition(r.start), end: fromPosition(r.end) });
const markdown = (m) => new vscode.MarkdownString(m.value);
const location = (l) => new vscode.Location(vscode.Uri.parse(l.uri), toRange(l.range));

function toDiagnostic(d) {
  const out = new vscode.Diagnostic(toRange(d.range), d.message, d.severity === 1 ? vscode.DiagnosticSeverity.Error : vscode.DiagnosticSeverity.Warning);
  out.code = d.code;
  out.source = d.source;
  return out;
}

function toWorkspaceEdit(edit) {
  const out = new vscode.WorkspaceEdit();
  for (const [uri, edits] of Object.entries(edit.changes ?? {})) for (const e of edits) out.replace(vscode.Uri.parse(uri), toRange(e.range), e.newText);
  return out;
}

function toSymbol(s) {
  // LSP's SymbolKind and CompletionItemKind count from 1, VS Code's enums from 0.
  const out = new vscode.DocumentSymbol(s.name, s.detail ?? '', s.kind - 1, toRange(s.range), toRange(s.selectionRange));
  out.children = (s.children ?? []).map(toSymbol);
  return out;
}

function toCompletion(i) {
  const out = new vscode.CompletionItem(i.label, i.kind - 1);
  if (i.detail) out.detail = i.detail;
  if (i.documentation) out.documentation = markdown(i.documentation);
  if (i.textEdit) {
    out.range = toRange(i.textEdit.range);
    out.insertText = i.textEdit.newText;
  }
  return out;
}

export async function activate(context) {
  const { command, args } = serverCommand();
  const cwd = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  const child = spawn(command, args, { stdio: 'pipe', cwd, shell: process.platform === 'win32' });
  const output = vscode.window.createOutputChannel('Playbook');
  child.stderr.on('data', (chunk) => output.append(String(chunk)));
  child.on('error', (e) => {
    void vscode.window.showErrorMessage(`Playbook: could not start \`${command} ${args.join(' ')}\` (${e.message}); set playbook.server.path`);
  });
  const connection = createMessageConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
  const diagnostics = vscode.languages.createDiagnosticCollection('playbook');
  connection.onNotification('textDocument/publishDiagnostics', (p) => diagnostics.set(vscode.Uri.parse(p.uri), p.diagnostics.map(toDiagnostic)));
  connection.listen();
  running = { child, connection };
  await connection.sendRequest('initialize', { processId: process.pid, clientInfo: { name: 'vscode-playbook' }, rootUri: null, capabilities: {} });
  await connection.sendNotification('initialized', {});

  const uriOf = (doc) => doc.uri.toString();
  const isPlaybook = (doc) => doc.languageId === 'playbook';
  const open = (doc) => {
    if (!isPlaybook(doc)) return;
    void connection.sendNotification('textDocument/didOpen', { textDocument: { uri: uriOf(doc), languageId: 'playbook', version: doc.version, text: doc.getText() } });
  };
  const at = (doc, position) => ({ textDocument: { uri: uriOf(doc) }, position: fromPosition(position) });
  const ask = (method, params) => connection.sendRequest(method, params);
  vscode.workspace.textDocuments.forEach(open);

  context.subscriptions.push(
    diagnostics,
    output,
    vscode.workspace.onDidOpenTextDocument(open),
    vscode.workspace.onDidChangeTextDocument((e) => {
      if (!isPlaybook(e.document) || e.contentChanges.length === 0) return;
      void connection.sendNotification('textDocument/didChange', {
        textDocument: { uri: uriOf(e.document), version: e.document.version },
        contentChanges: e.contentChanges.map((c) => ({ range: fromRange(c.range), text: c.text })),
      });
    }),
    vscode.workspace.onDidCloseTextDocument((doc) => {
      if (isPlaybook(doc)) void connection.sendNotification('textDocument/didClose', { textDocument: { uri: uriOf(doc) } });
    }),
    vscode.languages.registerCompletionItemProvider(
      SELECTOR,
      { provideCompletionItems: async (doc, position) => ((await ask('textDocument/completion', at(doc, position))) ?? []).map(toCompletion) },
      '.',
      ' ',
      '(',
    ),
    vscode.languages.registerHoverProvider(SELECTOR, {
      provideHover: async (doc, position) => {
        const h = await ask('textDocument/hover', at(doc, position));
        return h ? new vscode.Hover(markdown(h.contents), toRange(h.range)) : undefined;
      },
    }),
    vscode.languages.registerDefinitionProvider(SELECTOR, {
      provideDefinition: async (doc, position) => {
        const l = await ask('textDocument/definition', at(doc, position));
        return l ? location(l) : undefined;
      },
    }),
    vscode.languages.registerReferenceProvider(SELECTOR, {
      provideReferences: async (doc, position, ctx) =>
        ((await ask('textDocument/references', { ...at(doc, position), context: { includeDeclaration: ctx.includeDeclaration } })) ?? []).map(location),
    }),
    vscode.languages.registerRenameProvider(SELECTOR, {
      prepareRename: async (doc, position) => {
        const r = await ask('textDocument/prepareRename', at(doc, position));
        return { range: toRange(r.range), placeholder: r.placeholder };
      },
      provideRenameEdits: async (doc, position, newName) => toWorkspaceEdit(await ask('textDocument/rename', { ...at(doc, position), newName })),
    }),
    vscode.languages.registerDocumentSymbolProvider(SELECTOR, {
      provideDocumentSymbols: async (doc) => ((await ask('textDocument/documentSymbol', { textDocument: { uri: uriOf(doc) } })) ?? []).map(toSymbol),
    }),
    vscode.languages.registerDocumentFormattingEditProvider(SELECTOR, {
      provideDocumentFormattingEdits: async (doc, options) => {
        const edits = await ask('textDocument/formatting', { textDocument: { uri: uriOf(doc) }, options: { tabSize: options.tabSize, insertSpaces: options.insertSpaces } });
        return (edits ?? []).map((e) => vscode.TextEdit.replace(toRange(e.range), e.newText));
      },
    }),
    vscode.languages.registerCodeActionsProvider(
      SELECTOR,
      {
        provideCodeActions: async (doc, range) => {
          const actions = (await ask('textDocument/codeAction', { textDocument: { uri: uriOf(doc) }, range: fromRange(range), context: { diagnostics: [] } })) ?? [];
          return actions.map((a) => {
            const out = new vscode.CodeAction(a.title, vscode.CodeActionKind.QuickFix);
            out.edit = toWorkspaceEdit(a.edit);
            out.isPreferred = a.isPreferred;
            return out;
          });
        },
      },
      { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix] },
    ),
    { dispose: () => void deactivate() },
  );
}

export async function deactivate() {
  if (!running) return;
  const { child, connection } = running;
  running = undefined;
  try {
    await connection.sendRequest('shutdown');
    await connection.sendNotification('exit');
  } catch {
    child.kill();
  }
  connection.dispose();
}

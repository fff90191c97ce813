import lsp from 'vscode-languageserver/node';
import { LanguageService } from '../language-service/index.js';
import type { CommandSpec } from './main.js';

/**
 * `playbook lsp`: the language service (src/language-service/) as a Language Server Protocol
 * server on stdin and stdout, which the VS Code extension in editors/vscode starts (docs/editors.md).
 * Diagnostics are published after each change once the messages already received are handled, so
 * a burst of keystrokes is checked once.
 */

const HELP = `Usage: playbook lsp [--stdio]

Runs a Language Server Protocol server on stdin/stdout for editors: diagnostics as you type,
completion, hover, go to definition, references, rename, outline, formatting and quick fixes
for .playbook files. --stdio is accepted (editors pass it) and is the only transport.
`;

export const lspCommand: CommandSpec = {
  help: HELP,
  options: { stdio: { type: 'boolean' } },
  run: () => serve(process.stdin, process.stdout),
};

/** Serves one client over the two streams; resolves with the exit code when the client says `exit`. */
export function serve(input: NodeJS.ReadableStream, output: NodeJS.WritableStream): Promise<number> {
  const connection = lsp.createConnection(new lsp.StreamMessageReader(input), new lsp.StreamMessageWriter(output));
  const service = new LanguageService();
  const pending = new Set<string>();
  let shutdown = false;

  const publishSoon = (uri: string): void => {
    if (pending.has(uri)) return;
    pending.add(uri);
    setImmediate(() => {
      pending.delete(uri);
      const doc = service.get(uri);
      if (doc) void connection.sendDiagnostics({ uri, version: doc.version, diagnostics: doc.diagnostics });
    });
  };
  const failed = (message: string) => new lsp.ResponseError(lsp.LSPErrorCodes.RequestFailed, message);

  connection.onInitialize(() => ({
    capabilities: {
      textDocumentSync: { openClose: true, change: lsp.TextDocumentSyncKind.Incremental },
      completionProvider: { triggerCharacters: ['.', ' ', '('] },
      hoverProvider: true,
      definitionProvider: true,
      referencesProvider: true,
      renameProvider: { prepareProvider: true },
      documentSymbolProvider: true,
      documentFormattingProvider: true,
      codeActionProvider: { codeActionKinds: [lsp.CodeActionKind.QuickFix] },
    },
    serverInfo: { name: 'playbook' },
  }));
  connection.onDidOpenTextDocument(({ textDocument: d }) => {
    service.open(d.uri, d.text, d.version);
    publishSoon(d.uri);
  });
  connection.onDidChangeTextDocument(({ textDocument: d, contentChanges }) => {
    service.change(d.uri, contentChanges, d.version);
    publishSoon(d.uri);
  });
  connection.onDidCloseTextDocument(({ textDocument: d }) => {
    service.close(d.uri);
    void connection.sendDiagnostics({ uri: d.uri, diagnostics: [] });
  });
  connection.onCompletion(({ textDocument, position }) => service.completion(textDocument.uri, position));
  connection.onHover(({ textDocument, position }) => service.hover(textDocument.uri, position) ?? null);
  connection.onDefinition(({ textDocument, position }) => service.definition(textDocument.uri, position) ?? null);
  connection.onReferences(({ textDocument, position, context }) => service.references(textDocument.uri, position, context.includeDeclaration));
  connection.onPrepareRename(({ textDocument, position }) => {
    const r = service.prepareRename(textDocument.uri, position);
    if (!r.ok) throw failed(r.message);
    return { range: r.range, placeholder: r.placeholder };
  });
  connection.onRenameRequest(({ textDocument, position, newName }) => {
    const r = service.rename(textDocument.uri, position, newName);
    if (!r.ok) throw failed(r.message);
    return { changes: { [textDocument.uri]: r.edits } };
  });
  connection.onDocumentSymbol(({ textDocument }) => service.documentSymbols(textDocument.uri));
  connection.onDocumentFormatting(({ textDocument }) => {
    const r = service.format(textDocument.uri);
    if (!r.ok) throw failed(r.message);
    return r.edits;
  });
  connection.onCodeAction(({ textDocument, range }) => service.codeActions(textDocument.uri, range));
  connection.onShutdown(() => {
    shutdown = true;
  });
  return new Promise((resolve) => {
    connection.onExit(() => {
      resolve(shutdown ? 0 : 1);
    });
    connection.listen();
  });
}

// Keystrokes in an editor (issue 19): a generated 1,000-rule playbook open in the language
// service, and characters typed into rules across the file, one at a time. Each keystroke is
// what an editor asks after a key: the change, then the diagnostics, a completion and a hover at
// the cursor. Measured twice:
//  - in process (src/language-service/ from dist/): the service's own cost per keystroke;
//  - over stdio against `playbook lsp` with the protocol's client library: didChange until its
//    publishDiagnostics arrives, then completion and hover, as VS Code sees it.
// p50 and p99 over the keystrokes, after a warm-up. `node bench/lsp-keystroke.mjs` runs it alone.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import rpc from 'vscode-languageserver-protocol/node';
import { LanguageService } from '../dist/language-service/index.js';
import { playbookWithRules } from './generate.mjs';

const percentile = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};
const round = (ms) => Number(ms.toFixed(2));

/**
 * The keystrokes: an `x` typed at the end of a rule's name, then deleted, at rules spread over the
 * file; the file is valid again after every second keystroke.
 */
function* keystrokes(text, count) {
  let current = text;
  let at = 0;
  for (let k = 0; k < count; k++) {
    const typing = k % 2 === 0;
    if (typing) {
      const rule = (Math.floor(k / 2) * 379) % 1000;
      at = current.indexOf(`_${rule} {`) + `_${rule}`.length;
    }
    const change = typing ? { at, remove: 0 } : { at, remove: 1 };
    current = current.slice(0, at) + (typing ? 'x' : '') + current.slice(at + change.remove);
    yield { ...change, insert: typing ? 'x' : '', cursor: typing ? at + 1 : at, text: current };
  }
}

function lineCol(text, offset) {
  const before = text.slice(0, offset);
  const line = before.split('\n').length - 1;
  return { line, character: offset - (before.lastIndexOf('\n') + 1) };
}

function inProcess(source, count, warmup) {
  const ls = new LanguageService();
  const uri = 'file:///bench/rules-1000.playbook';
  let t0 = performance.now();
  const doc = ls.open(uri, source, 0);
  void doc.diagnostics;
  const openMs = performance.now() - t0;
  const total = [];
  const parts = { change: [], diagnostics: [], completion: [], hover: [] };
  let version = 0;
  let before = source;
  for (const k of keystrokes(source, count + warmup)) {
    const start = lineCol(before, k.at);
    const end = lineCol(before, k.at + k.remove);
    const cursor = lineCol(k.text, k.cursor);
    t0 = performance.now();
    ls.change(uri, [{ range: { start, end }, text: k.insert }], ++version);
    const t1 = performance.now();
    const diagnostics = ls.diagnostics(uri);
    const t2 = performance.now();
    ls.completion(uri, cursor);
    const t3 = performance.now();
    ls.hover(uri, { line: cursor.line, character: 1 });
    const t4 = performance.now();
    if (doc.text !== k.text) throw new Error('the service applied a keystroke wrongly');
    if (version % 2 === 0 && diagnostics.length !== 0) throw new Error(`a valid file has diagnostics: ${diagnostics[0].message}`);
    before = k.text;
    if (version <= warmup) continue;
    total.push(t4 - t0);
    parts.change.push(t1 - t0);
    parts.diagnostics.push(t2 - t1);
    parts.completion.push(t3 - t2);
    parts.hover.push(t4 - t3);
  }
  return {
    open_ms: round(openMs),
    p50_ms: round(percentile(total, 50)),
    p99_ms: round(percentile(total, 99)),
    parts_p50_ms: Object.fromEntries(Object.entries(parts).map(([k, v]) => [k, round(percentile(v, 50))])),
  };
}

async function overStdio(root, source, count, warmup) {
  const child = spawn(process.execPath, [`${root}bin/playbook.js`, 'lsp', '--stdio'], { stdio: 'pipe' });
  const connection = rpc.createProtocolConnection(new rpc.StreamMessageReader(child.stdout), new rpc.StreamMessageWriter(child.stdin));
  const waiting = new Map();
  connection.onNotification(rpc.PublishDiagnosticsNotification.type, (p) => {
    waiting.get(p.version)?.(p);
    waiting.delete(p.version);
  });
  connection.listen();
  const published = (version) => new Promise((resolve) => waiting.set(version, resolve));
  await connection.sendRequest(rpc.InitializeRequest.type, { processId: process.pid, rootUri: null, capabilities: {}, workspaceFolders: null });
  await connection.sendNotification(rpc.InitializedNotification.type, {});
  const uri = 'file:///bench/rules-1000.playbook';
  const opened = published(0);
  await connection.sendNotification(rpc.DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'playbook', version: 0, text: source } });
  await opened;
  const total = [];
  let version = 0;
  let before = source;
  for (const k of keystrokes(source, count + warmup)) {
    const range = { start: lineCol(before, k.at), end: lineCol(before, k.at + k.remove) };
    const cursor = lineCol(k.text, k.cursor);
    const t0 = performance.now();
    const diagnostics = published(++version);
    await connection.sendNotification(rpc.DidChangeTextDocumentNotification.type, {
      textDocument: { uri, version },
      contentChanges: [{ range, text: k.insert }],
    });
    await diagnostics;
    await connection.sendRequest(rpc.CompletionRequest.type, { textDocument: { uri }, position: cursor });
    await connection.sendRequest(rpc.HoverRequest.type, { textDocument: { uri }, position: { line: cursor.line, character: 1 } });
    const t1 = performance.now();
    before = k.text;
    if (version > warmup) total.push(t1 - t0);
  }
  await connection.sendRequest(rpc.ShutdownRequest.type);
  await connection.sendNotification(rpc.ExitNotification.type);
  connection.dispose();
  return { p50_ms: round(percentile(total, 50)), p99_ms: round(percentile(total, 99)) };
}

export async function lspKeystrokeSection(results, log, { root, quick }) {
  const source = playbookWithRules(1000);
  const count = quick ? 100 : 400;
  const warmup = 40;
  const local = inProcess(source, count, warmup);
  const stdio = await overStdio(root, source, count, warmup);
  results.lsp_keystroke = { rules: 1000, bytes: source.length, keystrokes: count, in_process: local, stdio };
  const p = local.parts_p50_ms;
  log(
    `\neditor keystrokes, 1,000 rules (${count} keystrokes): in process p50 ${local.p50_ms} ms, p99 ${local.p99_ms} ms ` +
      `(change ${p.change}, diagnostics ${p.diagnostics}, completion ${p.completion}, hover ${p.hover} ms at p50; opening ${local.open_ms} ms); ` +
      `over stdio (didChange → publishDiagnostics, completion, hover) p50 ${stdio.p50_ms} ms, p99 ${stdio.p99_ms} ms`,
  );
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const results = {};
  await lspKeystrokeSection(results, console.log, { root: fileURLToPath(new URL('..', import.meta.url)), quick: process.env.BENCH_QUICK === '1' });
}

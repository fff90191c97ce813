/**
 * The studio's one page: the editor, the problems list and the save button. Everything it loads
 * comes from the studio itself (the bundle at /studio.js); the content security policy forbids
 * anything else.
 */

/** JSON for a `<script type="application/json">`: nothing in it can close the element. */
function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export interface PageData {
  file?: string;
  text: string;
  base: string;
  token: string;
}

export function studioPage(data: PageData): string {
  const title = data.file ? `${data.file} · Playbook Studio` : 'Playbook Studio';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${escapeHtml(title)}</title>
<style>
  html, body { margin: 0; height: 100%; font-family: system-ui, "Noto Sans CJK SC", sans-serif; }
  body { display: grid; grid-template-rows: auto 1fr auto; grid-template-columns: minmax(0, 3fr) minmax(0, 2fr); }
  header, footer { grid-column: 1 / 3; }
  #side { overflow: auto; border-left: 1px solid #ccc; border-bottom: 1px solid #ccc; padding: 0 10px; font-size: 13px; }
  #tests, #simulate { border-bottom: 1px solid #ddd; padding: 8px 0; }
  #simulate.dragging { background: #eef6ff; }
  #simulate progress { width: 100%; }
  #report { width: 100%; height: 60vh; border: 1px solid #ccc; display: none; }
  #report.shown { display: block; }
  #test-results { margin: 4px 0; padding-left: 1.2em; font-family: ui-monospace, monospace; }
  #test-results .pass { color: #1a7f37; }
  #test-results .fail { color: #b00020; }
  #test-results pre, #test-problems { margin: 2px 0 6px; white-space: pre-wrap; color: #333; font-size: 12px; }
  #graph h2 { font-size: 13px; margin: 10px 0 4px; }
  #graph .note { color: #666; }
  #graph svg { max-width: 100%; height: auto; }
  header { display: flex; gap: 1em; align-items: center; padding: 6px 12px; background: #24292f; color: #fff; }
  header h1 { font-size: 15px; margin: 0; font-weight: 600; }
  header .file { opacity: 0.8; font-family: ui-monospace, monospace; }
  header button { margin-left: auto; }
  #editor { overflow: hidden; border-bottom: 1px solid #ccc; }
  footer { max-height: 30vh; overflow: auto; padding: 4px 12px; font-size: 13px; }
  #problems { margin: 4px 0; padding-left: 1.2em; font-family: ui-monospace, monospace; white-space: pre-wrap; }
  #problems .error { color: #b00020; }
  #problems .warning { color: #8a6d00; }
  #status.refused { color: #b00020; font-weight: 600; }
  #status.saved { color: #1a7f37; }
  .studio-hover { max-width: 640px; padding: 2px 10px; font-size: 13px; }
  .studio-hover p { margin: 6px 0; white-space: pre-wrap; }
  .studio-hover pre { margin: 6px 0; padding: 4px 6px; background: #f6f8fa; font-size: 12px; }
</style>
</head>
<body>
<header><h1>Playbook Studio</h1><span class="file">${escapeHtml(data.file ?? 'untitled')}</span><span id="status"></span><button id="save" type="button">Save (formatted)</button></header>
<div id="editor"></div>
<aside id="side">
<section id="tests"><button id="run-tests" type="button">Run tests</button> <strong id="tests-summary"></strong><ul id="test-results"></ul><pre id="test-problems"></pre></section>
<section id="simulate"><label>Simulate on a JSON Lines file (choose or drop one): <input type="file" id="events" accept=".jsonl,.ndjson,.json,.txt"></label>
<progress id="sim-progress" max="1" value="0"></progress><div id="sim-status"></div><iframe id="report" title="simulation report"></iframe></section>
<div id="graph"><p class="note">The graph of the playbook appears here once it has no errors.</p></div>
</aside>
<footer><strong id="count"></strong><ul id="problems"></ul></footer>
<script type="application/json" id="studio-data">${jsonForScript(data)}</script>
<script src="/mermaid.js?token=${encodeURIComponent(data.token)}"></script>
<script type="module" src="/studio.js?token=${encodeURIComponent(data.token)}"></script>
</body>
</html>
`;
}

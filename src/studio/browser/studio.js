// The studio's page (docs/studio.md): a CodeMirror 6 editor on the language service, compiled for
// the browser by scripts/bundle-studio.mjs. Diagnostics, completion and hover come from the same
// service as `playbook lsp` (src/language-service/), run in the page; positions are UTF-16 offsets
// in both, so Chinese text and astral characters land where they are.
import { autocompletion } from '@codemirror/autocomplete';
import { StreamLanguage } from '@codemirror/language';
import { linter, lintGutter } from '@codemirror/lint';
import { hoverTooltip, keymap } from '@codemirror/view';
import { basicSetup, EditorView } from 'codemirror';
import { buildDiagrams } from '../../graph/index.js';
import { renderMermaid } from '../../graph/mermaid.js';
import { LanguageService } from '../../language-service/index.js';

const KEYWORDS = new Set(
  (
    'playbook timezone locale description horizon roles event ritual starts on where step remind after deadline cancel done rule when unless ' +
    'priority do ladder expire points cooldown cap per levels at badge streak leaderboard top by every lifecycle without initial schedule ' +
    'until start end job campaign stage from to goal enter exit segment template say delete message warn mute remove tag untag award ' +
    'deduct notify admins member members reason silent tagged has role and or not matches any contains count sum distinct within ' +
    'absences attended in true false days of once attendance channel unmultiplied between draw for agenda across all groups'
  ).split(' '),
);

/** Colours: comments, strings, patterns, durations and numbers, keywords, dotted event names. */
const playbookLanguage = StreamLanguage.define({
  token(stream) {
    if (stream.eatSpace()) return null;
    if (stream.match('#')) {
      stream.skipToEnd();
      return 'comment';
    }
    if (stream.match(/^"(?:[^"\\]|\\.)*"?/)) return 'string';
    if (stream.match(/^\/(?:[^/\\\n[]|\\.|\[(?:[^\]\\]|\\.)*\])+\/[a-z]*/)) return 'regexp';
    if (stream.match(/^\d{4}-\d{2}-\d{2}|^\d{1,2}:\d{2}|^\d+(?:\.\d+)?(?:ms|s|m|h|d|w)?/)) return 'number';
    const word = stream.match(/^[\p{L}_][\p{L}\p{N}_]*(?:\.[\p{L}_][\p{L}\p{N}_]*)*/u);
    if (word) return KEYWORDS.has(word[0]) ? 'keyword' : word[0].includes('.') ? 'typeName' : 'variableName';
    stream.next();
    return null;
  },
});

const KIND_TYPES = { 3: 'function', 5: 'property', 6: 'variable', 11: 'constant', 12: 'variable', 14: 'keyword', 20: 'enum', 23: 'type' };

const state = JSON.parse(document.getElementById('studio-data').textContent);
const service = new LanguageService();
const URI = `studio:///${state.file ?? 'untitled.playbook'}`;
let version = 0;
let base = state.base;

/** The service's document for the editor's current text (the service re-parses only what changed). */
function sync(view) {
  const text = view.state.doc.toString();
  const doc = service.get(URI) ?? service.open(URI, text, version);
  if (doc.text !== text) service.change(URI, [{ text }], ++version);
  return service.get(URI);
}

const problems = document.getElementById('problems');
function showProblems(list) {
  problems.replaceChildren(
    ...list.map((d) => {
      const li = document.createElement('li');
      li.className = d.severity === 1 ? 'error' : 'warning';
      li.textContent = `${d.range.start.line + 1}:${d.range.start.character + 1} ${d.code} ${d.message}`;
      return li;
    }),
  );
  document.getElementById('count').textContent = list.length === 0 ? 'no problems' : `${list.length} problem${list.length === 1 ? '' : 's'}`;
}

/**
 * The graph pane: the diagrams of `playbook graph` (docs/graphs.md) drawn by Mermaid, for the last
 * version of the text without errors (an IR is needed to draw them).
 */
const graph = document.getElementById('graph');
let drawn = '';
let drawing = Promise.resolve();
function drawGraph(doc) {
  const ir = doc.checked.ir;
  const note = graph.querySelector('.note');
  if (!ir) {
    if (drawn && note) note.textContent = 'The graph of the last version without errors:';
    return;
  }
  const diagrams = buildDiagrams(ir);
  const sources = diagrams.map(renderMermaid);
  const key = sources.join('\n');
  if (key === drawn) {
    if (note) note.textContent = diagrams.length ? '' : 'Nothing to draw yet: add a rule, a lifecycle, a ritual or a campaign.';
    return;
  }
  drawn = key;
  const mermaid = globalThis.mermaid;
  if (!mermaid) return;
  drawing = drawing.then(async () => {
    const parts = [];
    for (const [i, d] of diagrams.entries()) {
      const h = document.createElement('h2');
      h.textContent = d.title;
      const holder = document.createElement('div');
      try {
        const { svg } = await mermaid.render(`studio-graph-${i}`, sources[i]);
        holder.innerHTML = svg; // Mermaid's own output, sanitised by it (securityLevel strict)
      } catch (e) {
        holder.textContent = `could not draw: ${e?.message ?? e}`;
      }
      parts.push(h, holder);
    }
    const p = document.createElement('p');
    p.className = 'note';
    p.textContent = diagrams.length ? '' : 'Nothing to draw yet: add a rule, a lifecycle, a ritual or a campaign.';
    if (drawn === key) graph.replaceChildren(p, ...parts);
  });
}
globalThis.mermaid?.initialize({ startOnLoad: false, securityLevel: 'strict' });

const diagnostics = linter(
  (view) => {
    const doc = sync(view);
    const list = doc.diagnostics;
    showProblems(list);
    drawGraph(doc);
    return list.map((d) => ({
      from: doc.lines.offset(d.range.start),
      to: Math.max(doc.lines.offset(d.range.end), doc.lines.offset(d.range.start) + 1),
      severity: d.severity === 1 ? 'error' : 'warning',
      source: d.code,
      message: d.message,
    }));
  },
  { delay: 150 },
);

const completion = autocompletion({
  override: [
    (context) => {
      const doc = sync(context.view);
      const items = service.completion(URI, doc.lines.position(context.pos));
      const word = context.matchBefore(/[\p{L}\p{N}_.]*/u);
      if (items.length === 0 || (!context.explicit && (!word || word.from === word.to))) return null;
      return {
        from: doc.lines.offset(items[0].textEdit.range.start),
        options: items.map((i) => ({ label: i.label, type: KIND_TYPES[i.kind] ?? 'text', detail: i.detail, info: i.documentation?.value })),
        validFor: /^[\p{L}\p{N}_]*$/u,
      };
    },
  ],
});

const hover = hoverTooltip((view, pos) => {
  const doc = sync(view);
  const h = service.hover(URI, doc.lines.position(pos));
  if (!h) return null;
  return {
    pos: doc.lines.offset(h.range.start),
    end: doc.lines.offset(h.range.end),
    above: true,
    create() {
      const dom = document.createElement('div');
      dom.className = 'studio-hover';
      dom.append(...renderMarkdown(h.contents.value));
      return { dom };
    },
  };
});

/** The little markdown hover texts use: paragraphs, **bold**, `code` and ``` blocks, built as DOM nodes (never as HTML). */
function renderMarkdown(text) {
  const out = [];
  const blocks = text.split(/^```\w*\n([\s\S]*?)^```$/m);
  blocks.forEach((block, i) => {
    if (i % 2 === 1) {
      const pre = document.createElement('pre');
      pre.textContent = block;
      out.push(pre);
      return;
    }
    for (const para of block.split(/\n\s*\n/)) {
      if (!para.trim()) continue;
      const p = document.createElement('p');
      for (const part of para.split(/(\*\*[^*]+\*\*|`[^`]+`)/)) {
        if (part.startsWith('**') && part.endsWith('**') && part.length > 4) {
          const strong = document.createElement('strong');
          strong.append(...renderInline(part.slice(2, -2)));
          p.append(strong);
        } else p.append(...renderInline(part));
      }
      out.push(p);
    }
  });
  return out;
}

function renderInline(text) {
  return text.split(/(`[^`]+`)/).map((part) => {
    if (part.length > 2 && part.startsWith('`') && part.endsWith('`')) {
      const code = document.createElement('code');
      code.textContent = part.slice(1, -1);
      return code;
    }
    return document.createTextNode(part);
  });
}

const status = document.getElementById('status');
async function save(view) {
  if (!state.file) {
    status.textContent = 'no file: start the studio with a FILE to save';
    return true;
  }
  const res = await fetch(`/api/save?token=${encodeURIComponent(state.token)}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ text: view.state.doc.toString(), base }),
  });
  const body = await res.json();
  if (!res.ok) {
    status.textContent = body.error;
    status.className = 'refused';
    return true;
  }
  base = body.base;
  if (body.text !== view.state.doc.toString()) view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: body.text } });
  status.textContent = body.formatted ? `saved ${state.file} (formatted)` : `saved ${state.file} as written: ${body.note}`;
  status.className = 'saved';
  return true;
}

const view = new EditorView({
  doc: state.text,
  parent: document.getElementById('editor'),
  extensions: [
    basicSetup,
    playbookLanguage,
    lintGutter(),
    diagnostics,
    completion,
    hover,
    keymap.of([
      {
        key: 'Mod-s',
        preventDefault: true,
        run: (v) => {
          void save(v);
          return true;
        },
      },
    ]),
    EditorView.theme({ '&': { height: '100%' }, '.cm-scroller': { fontFamily: 'ui-monospace, "Noto Sans Mono CJK SC", monospace' } }),
  ],
});
document.getElementById('save').addEventListener('click', () => void save(view));

/** The tests pane: the test files beside FILE, run by the studio on the editor's text. */
async function runTests() {
  const summary = document.getElementById('tests-summary');
  const list = document.getElementById('test-results');
  summary.textContent = 'running…';
  const res = await fetch(`/api/tests?token=${encodeURIComponent(state.token)}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ text: view.state.doc.toString() }),
  });
  const body = await res.json();
  if (!res.ok) {
    summary.textContent = body.error;
    return;
  }
  summary.textContent = body.files.length === 0 ? `no test file runs ${state.file}` : `${body.passed} passed, ${body.failed} failed (${body.files.join(', ')})`;
  list.replaceChildren(
    ...body.results.map((r) => {
      const li = document.createElement('li');
      li.className = r.passed ? 'pass' : 'fail';
      li.textContent = `${r.passed ? 'PASS' : 'FAIL'} ${r.name}`;
      if (r.failure) {
        const pre = document.createElement('pre');
        pre.textContent = r.failure;
        li.append(pre);
      }
      return li;
    }),
  );
  document.getElementById('test-problems').textContent = body.problems.join('\n\n');
}
document.getElementById('run-tests').addEventListener('click', () => void runTests());

/**
 * The simulate pane: the playbook as it is in the editor, run on a JSON Lines file in a web worker
 * (simulate-worker.js) with a progress bar, then shown as the HTML report of `playbook simulate`.
 */
const simulatePane = document.getElementById('simulate');
const simStatus = document.getElementById('sim-status');
const simProgress = document.getElementById('sim-progress');
const reportFrame = document.getElementById('report');
let simulation;
async function simulate(file) {
  const ir = sync(view).checked.ir;
  if (!ir) {
    simStatus.textContent = 'fix the errors first: a playbook with errors cannot run';
    return;
  }
  const text = await file.text();
  simulation?.terminate();
  const worker = new Worker(`/simulate-worker.js?token=${encodeURIComponent(state.token)}`, { type: 'module' });
  simulation = worker;
  simProgress.value = 0;
  simStatus.textContent = `running on ${file.name}…`;
  worker.onmessage = async (message) => {
    const m = message.data;
    if (m.progress !== undefined) simProgress.value = m.progress;
    if (m.error) simStatus.textContent = `the simulation failed: ${m.error}`;
    if (!m.done) return;
    worker.terminate();
    const res = await fetch(`/api/report?token=${encodeURIComponent(state.token)}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ data: m.data }),
    });
    const body = await res.json();
    if (!res.ok) {
      simStatus.textContent = body.error;
      return;
    }
    const s = m.summary;
    simStatus.textContent = `${file.name}: ${s.read} events, ${s.processed} processed, ${s.bad} skipped, ${s.actions} actions`;
    reportFrame.src = body.url;
    reportFrame.className = 'shown';
  };
  worker.postMessage({ ir, text, file: state.file ?? 'untitled.playbook' });
}
document.getElementById('events').addEventListener('change', (e) => {
  const file = e.target.files?.[0];
  if (file) void simulate(file);
});
simulatePane.addEventListener('dragover', (e) => {
  e.preventDefault();
  simulatePane.classList.add('dragging');
});
simulatePane.addEventListener('dragleave', () => simulatePane.classList.remove('dragging'));
simulatePane.addEventListener('drop', (e) => {
  e.preventDefault();
  simulatePane.classList.remove('dragging');
  const file = e.dataTransfer?.files?.[0];
  if (file) void simulate(file);
});
globalThis.studio = { view, service, graphDrawn: () => drawing };

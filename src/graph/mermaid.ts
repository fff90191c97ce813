import type { Diagram, GraphEdge, GraphGroup, GraphNode } from './model.js';

/**
 * Mermaid writer. Mermaid reads a label twice: its lexers read the diagram text, where characters
 * that are syntax are written as Mermaid entity codes (`#34;`); then its renderer reads the label
 * again as HTML, as Markdown (state diagrams), and for KaTeX and icons, in places after the
 * entities are decoded, where codes no longer help. Each case was found in Mermaid's source and is
 * checked by rendering in test/graph.test.ts.
 * - Entity codes: `"` ends a quoted label; `;` ends a statement and `#` starts a comment in state
 *   diagrams; `|` ends an edge label; `<` and `&` are HTML; `` ` `` opens a Markdown string in
 *   flowcharts. In context: `:` in state descriptions and transition labels unless followed by
 *   a space (they may not hold `::`), elsewhere when an entity code follows it before the next
 *   space (a pre-pass rewrites `style…:…#…;` lines); the first `%` of `%%` (comments,
 *   directives); the first `[` of `[[` (`[[fork]]`); the space after `direction` (`direction LR`
 *   anywhere on a line is taken as a statement).
 * - Markdown backslash escapes in state descriptions and transition labels (flowchart labels and
 *   composite state titles are plain text): `*`, `` ` ``, `~`, `[` (emphasis, code, strike-
 *   through, links: Mermaid shows the raw text of all but emphasis, escapes included; a word
 *   joiner breaks `://`, `www.` and `@`, which would start links too), `_` unless
 *   between two letters or digits, `\` before punctuation or at the end. Those characters get no
 *   entity code there: Mermaid decodes transition labels after the Markdown pass and state
 *   descriptions before it, and only a plain backslash escape reads the same both ways.
 * - A word joiner (U+2060, invisible) before a Markdown label that starts with punctuation, a
 *   digit or a space (a heading, list, quote or code block, shown raw), and between the
 *   characters of sequences read after decoding: `\n` (a line break), `$$` (KaTeX), `:fa-`
 *   (`fa:fa-car` is an icon), and `ﬂ°`, `¶ß` (Mermaid's own entity placeholders, swapped back in
 *   the finished SVG).
 * Line breaks between label lines are `<br>`. Ids come from the graph model: ASCII words only.
 */

const ENTITY = new Set(['"', '#', ';', '|', '<', '&', '`']);
const BEFORE_TWIN = new Set(['%', '[']);
/** Openers of Markdown inline syntax whose raw text Mermaid would show. */
const MARKDOWN_ESCAPE = new Set(['*', '`', '~', '[']);
const WORD_JOINER = '\u2060';
const ASCII_PUNCTUATION = /^[!-/:-@[-`{-~]$/;
const wordChar = (ch: string | undefined) => ch !== undefined && /[\p{L}\p{N}]/u.test(ch);

function mermaidLine(line: string, markdown: boolean, first: boolean): string {
  // Control characters have no glyph and some end a statement; a space keeps word breaks.
  // eslint-disable-next-line no-control-regex -- control characters are what this replaces (by a space)
  const chars = Array.from(line.replace(/[\u0000-\u001f\u007f-\u009f]/g, ' '));
  // An empty first line would let the label start with `<br>`, an HTML block in Markdown.
  let out = markdown && first && /^[\s!-/:-@[-`{-~0-9]|^$/.test(chars[0] ?? '') ? WORD_JOINER : '';
  chars.forEach((ch, i) => {
    const previous = chars[i - 1];
    const next = chars[i + 1];
    const markdownEscape =
      markdown &&
      (MARKDOWN_ESCAPE.has(ch) ||
        (ch === '_' && !(wordChar(previous) && wordChar(next))) ||
        (ch === '\\' && (next === undefined || ASCII_PUNCTUATION.test(next))));
    const entity =
      !markdownEscape &&
      (ENTITY.has(ch) ||
        (markdown && ch === ':' && (next !== ' ' || previous === ':')) ||
        (BEFORE_TWIN.has(ch) && next === ch) ||
        (/\s/.test(ch) && /direction$/i.test(chars.slice(Math.max(0, i - 9), i).join(''))));
    out += markdownEscape ? `\\${ch}` : entity ? `#${ch.codePointAt(0)};` : ch;
    const ahead = chars.slice(i + 1, i + 4).join('');
    const rereadPair = (ch === '\uFB02' && next === '°') || (ch === '¶' && next === 'ß') || (ch === '\\' && next === 'n') || (ch === '$' && next === '$');
    // Markdown would turn `http://…`, `www.…` and `a@b.c` into links and show their raw text.
    const autolink = markdown && ((ch === ':' && ahead.startsWith('//')) || (/w/i.test(ch) && /^ww\./i.test(ahead)) || next === '@');
    if (rereadPair || autolink || (ch === ':' && ahead === 'fa-')) out += WORD_JOINER;
  });
  return out;
}

/** Label lines as one Mermaid label; `markdown` for state diagrams, whose labels are Markdown. */
export function mermaidLabel(lines: string[], markdown = false): string {
  let label = lines
    .flatMap((line) => line.split(/\r\n|[\n\r\u2028\u2029]/))
    .map((line, i) => mermaidLine(line, markdown, i === 0))
    .join('<br>');
  // Mermaid's pre-pass cuts the last character of any line matching `style.*:\S*#.*;`: a colon
  // stays readable unless an entity code follows it before the next space.
  if (!markdown) label = label.replace(/:(?=\S*#)/g, '#58;');
  // `state "" as x` does not parse, and a blank transition label breaks the layout (NaN
  // coordinates); a no-break space keeps a blank label a label.
  return /^\s*$/.test(label.replaceAll(WORD_JOINER, '').replaceAll('<br>', '')) ? '#160;' : label;
}

/** Edges go into the innermost block holding both ends; pseudo-states belong to their own block. */
function edgeScope(e: GraphEdge, nodes: Map<string, GraphNode>, groups: Map<string, GraphGroup>): string | undefined {
  const scopeOf = (id: string): { scope: string | undefined; pseudo: boolean } => {
    const n = nodes.get(id);
    if (n) return { scope: n.group, pseudo: n.shape === 'initial' || n.shape === 'final' };
    return { scope: groups.get(id)?.parent, pseudo: false };
  };
  const from = scopeOf(e.from);
  const to = scopeOf(e.to);
  if (from.pseudo) return from.scope;
  if (to.pseudo) return to.scope;
  return from.scope === to.scope ? from.scope : undefined;
}

/** Mermaid keeps only the last of several self-loops on one state, so they become one arrow. */
function mergeSelfLoops(edges: GraphEdge[]): GraphEdge[] {
  const out: GraphEdge[] = [];
  const loops = new Map<string, GraphEdge>();
  for (const e of edges) {
    if (e.from !== e.to) {
      out.push(e);
      continue;
    }
    const seen = loops.get(e.from);
    if (seen) seen.lines.push(...e.lines);
    else {
      const copy = { ...e, lines: [...e.lines] };
      loops.set(e.from, copy);
      out.push(copy);
    }
  }
  return out;
}

function stateDiagram(d: Diagram): string {
  const nodes = new Map(d.nodes.map((n) => [n.id, n]));
  const groups = new Map(d.groups.map((g) => [g.id, g]));
  const edgesByScope = new Map<string | undefined, GraphEdge[]>();
  for (const e of mergeSelfLoops(d.edges)) {
    const scope = edgeScope(e, nodes, groups);
    const list = edgesByScope.get(scope) ?? [];
    list.push(e);
    edgesByScope.set(scope, list);
  }
  const ref = (id: string) => {
    const n = nodes.get(id);
    return n && (n.shape === 'initial' || n.shape === 'final') ? '[*]' : id;
  };
  const out: string[] = ['stateDiagram-v2'];
  if (d.direction === 'LR') out.push('  direction LR');
  const writeScope = (scope: string | undefined, indent: string): void => {
    for (const n of d.nodes) {
      if (n.group !== scope || n.shape === 'initial' || n.shape === 'final') continue;
      out.push(`${indent}state "${mermaidLabel(n.lines, true)}" as ${n.id}`);
    }
    for (const g of d.groups) {
      if (g.parent !== scope || g.kind === 'region') continue;
      // Unlike state descriptions and transition labels, a composite state's title is not Markdown.
      out.push(`${indent}state "${mermaidLabel(g.lines)}" as ${g.id} {`);
      writeScope(g.id, indent + '  ');
      const regions = d.groups.filter((r) => r.parent === g.id && r.kind === 'region');
      regions.forEach((r, i) => {
        if (i > 0) out.push(`${indent}  --`);
        writeScope(r.id, indent + '  ');
      });
      out.push(`${indent}}`);
    }
    for (const e of edgesByScope.get(scope) ?? []) {
      const label = e.lines.length > 0 ? ` : ${mermaidLabel(e.lines, true)}` : '';
      out.push(`${indent}${ref(e.from)} --> ${ref(e.to)}${label}`);
    }
  };
  writeScope(undefined, '  ');
  return out.join('\n') + '\n';
}

function flowNode(n: GraphNode): string {
  const label = `"${mermaidLabel(n.lines.length > 0 ? n.lines : [n.shape === 'initial' ? 'start' : n.shape === 'final' ? 'end' : ''])}"`;
  switch (n.shape) {
    case 'box':
      return `${n.id}[${label}]`;
    case 'event':
      return `${n.id}([${label}])`;
    case 'hexagon':
      return `${n.id}{{${label}}}`;
    case 'initial':
      return `${n.id}((${label}))`;
    case 'final':
      return `${n.id}(((${label})))`;
    case 'rounded':
    case 'state':
      return `${n.id}(${label})`;
  }
}

function flowchart(d: Diagram): string {
  const out: string[] = [`flowchart ${d.direction}`];
  const writeScope = (scope: string | undefined, indent: string): void => {
    for (const g of d.groups) {
      if (g.parent !== scope) continue;
      out.push(`${indent}subgraph ${g.id} ["${mermaidLabel(g.lines)}"]`);
      writeScope(g.id, indent + '  ');
      out.push(`${indent}end`);
    }
    for (const n of d.nodes) if (n.group === scope) out.push(`${indent}${flowNode(n)}`);
  };
  writeScope(undefined, '  ');
  for (const e of d.edges) {
    const arrow = e.dashed ? '-.->' : '-->';
    const label = e.lines.length > 0 ? `|"${mermaidLabel(e.lines)}"|` : '';
    out.push(`  ${e.from} ${arrow}${label} ${e.to}`);
  }
  return out.join('\n') + '\n';
}

/** One diagram as Mermaid source, starting with a `%% title` comment line. */
export function renderMermaid(d: Diagram): string {
  return `%% ${d.title}\n` + (d.kind === 'state' ? stateDiagram(d) : flowchart(d));
}

/** Several diagrams, one after another, each starting with its `%%` comment line. */
export function renderMermaidAll(diagrams: Diagram[]): string {
  return diagrams.map(renderMermaid).join('\n');
}

/** Several diagrams as Markdown: a heading and a fenced `mermaid` block each. */
export function renderMarkdown(diagrams: Diagram[], heading = '##'): string {
  return diagrams.map((d) => `${heading} ${d.title}\n\n\`\`\`mermaid\n${renderMermaid(d)}\`\`\`\n`).join('\n');
}

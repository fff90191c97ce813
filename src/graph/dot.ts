import type { Diagram, GraphNode } from './model.js';

/**
 * Graphviz DOT writer: one digraph, one cluster per diagram. Every id and label is a quoted
 * string, so `"` and `\` need escaping (a bare `\` would start `\N`, `\G`, `\l`, … label
 * escapes), and `&` too, because Graphviz reads `&amp;` and `&#35;` in labels as entities;
 * label lines are joined with `\n`. A composite state becomes a cluster with a node
 * inside that carries its name and every edge to or from it, because Graphviz draws edges
 * between nodes only.
 */

export function dotString(text: string): string {
  const escaped = text
    .replace(/\\/g, '\\\\')
    .replace(/"/g, '\\"')
    .replace(/&/g, '&amp;')
    .replace(/\r\n|[\n\r\u2028\u2029]/g, '\\n')
    // eslint-disable-next-line no-control-regex -- control characters are what this replaces (by a space)
    .replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ');
  return `"${escaped}"`;
}

const label = (lines: string[]) => dotString(lines.join('\n'));

const FONT = 'Helvetica,Arial,"Noto Sans CJK SC",sans-serif';

function nodeAttributes(n: GraphNode): string {
  switch (n.shape) {
    case 'initial':
      return 'shape=circle, style=filled, fillcolor=black, label="", width=0.18, fixedsize=true';
    case 'final':
      return 'shape=doublecircle, style=filled, fillcolor=black, label="", width=0.14, fixedsize=true';
    case 'state':
    case 'rounded':
      return `shape=box, style=rounded, label=${label(n.lines)}`;
    case 'event':
      return `shape=box, style="rounded,filled", fillcolor="#eef2ff", label=${label(n.lines)}`;
    case 'hexagon':
      return `shape=hexagon, label=${label(n.lines)}`;
    case 'box':
      return `shape=box, label=${label(n.lines)}`;
  }
}

export function renderDot(diagrams: Diagram[], title: string): string {
  const out: string[] = [
    `digraph ${dotString(title)} {`,
    `  graph [compound=true, rankdir=LR, fontname=${dotString(FONT)}, label=${dotString(title)}, labelloc=t, fontsize=16];`,
    `  node [fontname=${dotString(FONT)}, fontsize=11];`,
    `  edge [fontname=${dotString(FONT)}, fontsize=9];`,
  ];
  const edges: string[] = [];
  diagrams.forEach((d, index) => {
    // Ids are only unique within a diagram; the prefix keeps diagrams apart in the one digraph.
    const q = (id: string) => dotString(`d${index}_${id}`);
    const write = (scope: string | undefined, indent: string): void => {
      for (const g of d.groups) {
        if (g.parent !== scope) continue;
        out.push(`${indent}subgraph ${dotString(`cluster_d${index}_${g.id}`)} {`);
        if (g.kind === 'composite') {
          out.push(`${indent}  graph [label="", style="rounded", color="gray40"];`);
          out.push(`${indent}  ${q(g.id)} [shape=box, style="rounded,bold", label=${label(g.lines)}];`);
        } else {
          out.push(`${indent}  graph [label=${label(g.lines)}, style="rounded,dashed", color="gray50"];`);
        }
        write(g.id, indent + '  ');
        out.push(`${indent}}`);
      }
      for (const n of d.nodes) if (n.group === scope) out.push(`${indent}${q(n.id)} [${nodeAttributes(n)}];`);
    };
    out.push(`  subgraph ${dotString(`cluster_d${index}`)} {`);
    out.push(`    graph [label=${dotString(d.title)}, style="rounded", color="gray70"];`);
    write(undefined, '    ');
    out.push('  }');
    for (const e of d.edges) {
      const attrs: string[] = [];
      if (e.lines.length > 0) attrs.push(`label=${label(e.lines)}`);
      if (e.dashed) attrs.push('style=dashed');
      edges.push(`  ${q(e.from)} -> ${q(e.to)}${attrs.length ? ` [${attrs.join(', ')}]` : ''};`);
    }
  });
  out.push(...edges, '}');
  return out.join('\n') + '\n';
}

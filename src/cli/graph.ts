import { compile } from '../compiler/compile.js';
import { buildDiagrams, renderDot, renderMarkdown, renderMermaidAll, selectDiagrams } from '../graph/index.js';
import { formatDiagnostic } from '../parser/diagnostics.js';
import type { CommandSpec } from './main.js';
import { readPlaybookFile, UsageError } from './io.js';

const FORMATS = ['mermaid', 'dot', 'markdown'] as const;

export const graphCommand: CommandSpec = {
  help: `Usage: playbook graph FILE [--format mermaid|dot|markdown] [--only NAME]

Draws a playbook: each lifecycle and ritual as a state diagram, each campaign as a timeline of
its stages and goals, and flowcharts of its rules and ladders ("rules"), points, levels, badges
and leaderboards ("points"), and schedules and jobs ("schedules").

Options:
  --format mermaid   Mermaid source (default); several diagrams follow one another, each
                     starting with a "%% title" comment line
  --format markdown  the same diagrams as Markdown: a heading and a \`\`\`mermaid block each
  --format dot       one Graphviz digraph with a cluster per diagram (render with dot -Tsvg)
  --only NAME        one diagram: a lifecycle, ritual or campaign name, or rules, points,
                     schedules; lifecycle:NAME, ritual:NAME, campaign:NAME when names clash

Diagnostics go to stderr; exit 1 when the playbook has errors, 2 on usage errors.
`,
  options: { format: { type: 'string', short: 'f' }, only: { type: 'string' } },
  run(values, files, io) {
    const format = (values['format'] as string | undefined) ?? 'mermaid';
    if (!(FORMATS as readonly string[]).includes(format)) throw new UsageError(`--format must be mermaid, dot or markdown, not ${format}`);
    if (files.length !== 1) throw new UsageError(files.length ? 'graph takes one playbook file' : 'no playbook file given');
    const only = values['only'] as string | undefined;
    if (only !== undefined && only.trim() === '') throw new UsageError('--only needs a diagram name');
    const file = files[0]!;
    const source = readPlaybookFile(file);
    const result = compile(source, { file });
    for (const d of result.diagnostics) io.err(formatDiagnostic(d, source) + '\n\n');
    if (!result.ir) return 1;
    let diagrams = buildDiagrams(result.ir);
    if (only !== undefined) {
      const selected = selectDiagrams(diagrams, only);
      if (!selected.ok) throw new UsageError(selected.message);
      diagrams = selected.diagrams;
    }
    if (diagrams.length === 0) {
      io.err(`playbook graph: ${file} has nothing to draw (no lifecycles, rituals, campaigns, rules, points or schedules)\n`);
      return 0;
    }
    if (format === 'dot') io.out(renderDot(diagrams, result.ir.name));
    else if (format === 'markdown') io.out(renderMarkdown(diagrams));
    else io.out(renderMermaidAll(diagrams));
    return 0;
  },
};

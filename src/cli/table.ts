import type { IR } from '../ir/schema.js';
import type { OutputAction, Runtime } from '../runtime/runtime.js';

/**
 * `simulate --format table`: a per-member summary, then the timeline of actions. Everything here
 * is a loop over members and actions, never a spread into a call: `Math.max(...xs)` or
 * `push(...xs)` over one entry per member overflows the call stack at about 120,000 members.
 */
export function renderTable(actions: OutputAction[], ir: IR, rt: Runtime): string {
  const lines: string[] = [];
  lines.push(`Playbook: ${ir.name} (${ir.timezone})`);
  const snap = rt.snapshot();
  const byCommunity = new Map<string, OutputAction[]>();
  for (const a of actions) {
    let list = byCommunity.get(a.community);
    if (!list) byCommunity.set(a.community, (list = []));
    list.push(a);
  }
  // Same order as String#localeCompare, without building a collator per comparison.
  const collator = new Intl.Collator();
  const levelOf = (p: number) => {
    let name = '';
    for (const l of ir.levels) if (p >= l.at) name = l.name;
    return name;
  };
  for (const c of snap.communities) {
    lines.push('', `Community ${c.id}`, '');
    const rows = [['member', 'name', 'status', 'points', 'level', 'warnings', 'tags', 'lifecycle']];
    for (const m of Object.values(c.members).sort((a, b) => collator.compare(a.id, b.id))) {
      const warns = Object.entries(m.warnings ?? {})
        .map(([l, w]) => `${l}:${w.length}`)
        .join(' ');
      const lc = Object.entries(m.machines ?? {})
        .filter(([k]) => k.startsWith('lifecycle:'))
        .map(([, v]) => (typeof v === 'string' ? v : JSON.stringify(v)))
        .join(' ');
      rows.push([
        m.id,
        m.name ?? '',
        m.removed ? 'removed' : m.present ? 'member' : 'left',
        String(m.points),
        levelOf(m.points),
        warns,
        (m.tags ?? []).join(','),
        lc,
      ]);
    }
    for (const row of formatRows(rows)) lines.push(row);
    const mine = byCommunity.get(c.id) ?? [];
    lines.push('', `Timeline (${mine.length} actions)`, '');
    const counts = new Map<string, number>();
    for (const a of mine) counts.set(a.type, (counts.get(a.type) ?? 0) + 1);
    for (const a of mine) {
      const detail = Object.entries(a)
        .filter(([k]) => !['at', 'type', 'community', 'member', 'cause', 'source'].includes(k))
        .map(([k, v]) => `${k}=${typeof v === 'string' ? v.replace(/\n/g, ' / ') : JSON.stringify(v)}`)
        .join(' ');
      lines.push(`${a.at}  ${a.type.padEnd(18)} ${(a.member ?? '').padEnd(10)} ${detail}  [${String(a['source'])}]`);
    }
    const totals: string[] = [];
    for (const [t, n] of counts) totals.push(`${t} ${n}`);
    lines.push('', 'Totals: ' + totals.join(', '));
  }
  return lines.join('\n') + '\n';
}

/** Width of a cell in code points (what the padding counts). */
function width(cell: string): number {
  let n = 0;
  for (let i = 0; i < cell.length; i++) {
    const c = cell.charCodeAt(i);
    // The second half of a surrogate pair is not a code point of its own.
    if (c < 0xdc00 || c > 0xdfff || i === 0 || cell.charCodeAt(i - 1) < 0xd800 || cell.charCodeAt(i - 1) > 0xdbff) n++;
  }
  return n;
}

/**
 * Columns are padded to their widest cell, up to MAX_COLUMN: a longer cell is printed whole and
 * pushes the rest of its row right, rather than padding every other row to its width.
 */
const MAX_COLUMN = 40;

function formatRows(rows: string[][]): string[] {
  const widths = rows[0]!.map(() => 0);
  for (const r of rows) for (let i = 0; i < widths.length; i++) widths[i] = Math.min(MAX_COLUMN, Math.max(widths[i]!, width(r[i] ?? '')));
  return rows.map((r) =>
    r
      .map((cell, i) => cell + ' '.repeat(Math.max(0, widths[i]! - width(cell))))
      .join('  ')
      .trimEnd(),
  );
}

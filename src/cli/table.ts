import type { IR } from '../compiler/ir.js';
import type { OutputAction, Runtime } from '../runtime/runtime.js';

/** `simulate --format table`: a per-member summary, then the timeline of actions. */
export function renderTable(actions: OutputAction[], ir: IR, rt: Runtime): string {
  const lines: string[] = [];
  lines.push(`Playbook: ${ir.name} (${ir.timezone})`);
  const snap = rt.snapshot();
  for (const c of snap.communities) {
    lines.push('', `Community ${c.id}`, '');
    const rows = [['member', 'name', 'status', 'points', 'level', 'warnings', 'tags', 'lifecycle']];
    const levelOf = (p: number) => [...ir.levels].filter((l) => p >= l.at).pop()?.name ?? '';
    for (const m of Object.values(c.members).sort((a, b) => a.id.localeCompare(b.id))) {
      const warns = Object.entries(m.warnings ?? {}).map(([l, w]) => `${l}:${w.length}`).join(' ');
      const lc = Object.entries(m.machines ?? {})
        .filter(([k]) => k.startsWith('lifecycle:'))
        .map(([, v]) => (typeof v === 'string' ? v : JSON.stringify(v)))
        .join(' ');
      rows.push([m.id, m.name ?? '', m.removed ? 'removed' : m.present ? 'member' : 'left', String(m.points), levelOf(m.points), warns, (m.tags ?? []).join(','), lc]);
    }
    lines.push(...formatRows(rows));
    const mine = actions.filter((a) => a.community === c.id);
    lines.push('', `Timeline (${mine.length} actions)`, '');
    const counts = new Map<string, number>();
    for (const a of mine) counts.set(a.type, (counts.get(a.type) ?? 0) + 1);
    for (const a of mine) {
      const detail = Object.entries(a)
        .filter(([k]) => !['at', 'type', 'community', 'member', 'cause', 'source'].includes(k))
        .map(([k, v]) => `${k}=${typeof v === 'string' ? v.replace(/\n/g, ' / ') : JSON.stringify(v)}`)
        .join(' ');
      lines.push(`${a.at}  ${a.type.padEnd(18)} ${(a.member ?? '').padEnd(10)} ${detail}  [${a['source']}]`);
    }
    lines.push('', 'Totals: ' + [...counts].map(([t, n]) => `${t} ${n}`).join(', '));
  }
  return lines.join('\n') + '\n';
}

function formatRows(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => [...(r[i] ?? '')].length)));
  return rows.map((r) => r.map((cell, i) => cell + ' '.repeat(widths[i]! - [...cell].length)).join('  ').trimEnd());
}

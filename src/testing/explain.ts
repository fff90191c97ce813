import { displayWidth } from '../stdlib/text-width.js';
import type { OutputAction } from '../runtime/runtime.js';
import { compareAction, formatValue, type Mismatch } from './matcher.js';
import type { Expectation } from './plan.js';
import { ACTION_FIELDS } from './vocabulary.js';

/**
 * Failure explanations. Actual actions are printed in the same syntax an expectation uses, so an
 * operator can read the difference at a glance and copy a line into the test when the playbook,
 * not the test, is right. Mismatching fields are underlined like a compiler caret.
 */

/** An action with the test line whose event or wait produced it. */
export interface Produced {
  action: OutputAction;
  line: number;
  /** Time since the test's start, e.g. `+1d2h`. */
  offset: string;
}

export interface ExplainContext {
  /** `file:line:column` of the expect line. */
  location: string;
  /** The actions this expect looked at. */
  window: Produced[];
  /** Lines whose events and waits produced the window (undefined: nothing happened since the last expect). */
  windowLines?: { from: number; to: number };
  /** Actions produced before the window, to point out a match the window rule left out. */
  earlier: Produced[];
}

const MAX_SHOWN = 5;
const INDENT = '      ';

/** The action written as an expectation: `member.warn alice ladder "ads" count 1 reason "…"`. */
export function formatAction(a: OutputAction): { text: string; fields: Map<string, { from: number; to: number }> } {
  const fields = new Map<string, { from: number; to: number }>();
  let text = a.type;
  const add = (key: string, piece: string) => {
    text += ' ';
    const from = text.length;
    text += piece;
    fields.set(key, { from, to: text.length });
  };
  if (a.member !== undefined) add('member', /^[\p{L}\p{N}_][\p{L}\p{M}\p{N}_.-]*$/u.test(a.member) ? a.member : JSON.stringify(a.member));
  const order = [...(ACTION_FIELDS[a.type] ?? [])];
  for (const k of Object.keys(a)) if (!order.includes(k) && !['at', 'type', 'community', 'member', 'cause', 'source'].includes(k)) order.push(k);
  for (const k of order) if (a[k] !== undefined) add(k, `${k} ${formatValue(a[k])}`);
  return { text, fields };
}

function where(p: Produced): string {
  const src = typeof p.action['source'] === 'string' ? `, ${p.action['source']}` : '';
  return `# line ${p.line} (${p.offset}${src})`;
}

function linesText(w: { from: number; to: number }): string {
  return w.from === w.to ? `line ${w.from}` : `lines ${w.from}-${w.to}`;
}

function plural(n: number, one: string, many = one + 's'): string {
  return `${n} ${n === 1 ? one : many}`;
}

function listActions(items: Produced[], max = MAX_SHOWN): string[] {
  const out = items.slice(0, max).map((p) => `${INDENT}${formatAction(p.action).text}   ${where(p)}`);
  if (items.length > max) out.push(`${INDENT}… and ${items.length - max} more`);
  return out;
}

/** An action line, and under it carets beneath the fields that differ with what was expected. */
function mismatchLines(p: Produced, mismatches: Mismatch[]): string[] {
  const { text, fields } = formatAction(p.action);
  const out = [`${INDENT}${text}   ${where(p)}`];
  let carets = '';
  const notes: string[] = [];
  for (const m of [...mismatches].sort((a, b) => (fields.get(a.field)?.from ?? Infinity) - (fields.get(b.field)?.from ?? Infinity))) {
    const at = fields.get(m.field);
    if (at) {
      const pad = displayWidth(text.slice(0, at.from)) - displayWidth(carets);
      carets += ' '.repeat(Math.max(pad, carets ? 1 : 0)) + '^'.repeat(Math.max(1, displayWidth(text.slice(at.from, at.to))));
      notes.push(`${m.field} should be ${m.expected}`);
    } else {
      notes.push(`${m.field} is missing (expected ${m.expected})`);
    }
  }
  out.push(`${INDENT}${carets}${carets ? ' ' : ''}${notes.join('; ')}`);
  return out;
}

/**
 * Why an expectation failed, as indented lines for under the test's FAIL line; `undefined` when
 * it holds.
 */
export function explainExpectation(e: Expectation, ctx: ExplainContext): string | undefined {
  const matching = ctx.window.filter((p) => {
    const r = compareAction(e, p.action);
    return r.sameType && r.mismatches.length === 0;
  });
  const head = `  ${ctx.location}: expect ${e.text}`;
  const scope = ctx.windowLines ? `produced by ${linesText(ctx.windowLines)}` : 'produced since the previous expect';
  switch (e.mode) {
    case 'nothing':
      if (ctx.window.length === 0) return undefined;
      return [head, `    but ${plural(ctx.window.length, 'action was', 'actions were')} ${scope}:`, ...listActions(ctx.window)].join('\n');
    case 'none':
      if (matching.length === 0) return undefined;
      return [head, `    but ${plural(matching.length, 'matching action was', 'matching actions were')} ${scope}:`, ...listActions(matching)].join('\n');
    case 'exactly':
      if (matching.length === e.count) return undefined;
      if (matching.length > e.count!) {
        return [head, `    but ${matching.length} matching actions were ${scope}:`, ...listActions(matching)].join('\n');
      }
      return [
        head,
        `    but ${matching.length ? 'only ' : ''}${plural(matching.length, 'matching action was', 'matching actions were')} ${scope}${matching.length ? ':' : '.'}`,
        ...listActions(matching),
        ...nearest(e, ctx, matching, false),
      ].join('\n');
    case 'some':
      if (matching.length > 0) return undefined;
      return [head, ...nearest(e, ctx, [], true)].join('\n');
  }
}

/** The closest non-matching actions: same type first (fewest differing fields first), then the rest. */
function nearest(e: Expectation, ctx: ExplainContext, exclude: Produced[], intro: boolean): string[] {
  const out: string[] = [];
  const candidates = ctx.window
    .filter((p) => !exclude.includes(p))
    .map((p, i) => ({ p, i, r: compareAction(e, p.action) }))
    .sort((a, b) => Number(b.r.sameType) - Number(a.r.sameType) || a.r.mismatches.length - b.r.mismatches.length || a.i - b.i);
  const same = candidates.filter((c) => c.r.sameType);
  const other = candidates.filter((c) => !c.r.sameType);
  if (intro && ctx.window.length === 0) {
    out.push(
      ctx.windowLines
        ? `    but ${linesText(ctx.windowLines)} produced no action.`
        : '    but no event or wait came before this expect (since the previous one, or the start of the test).',
    );
  } else if (intro) {
    const scope = ctx.windowLines ? `produced by ${linesText(ctx.windowLines)}` : 'since the previous expect';
    out.push(`    but none of the ${plural(ctx.window.length, 'action')} ${scope} matches${same.length ? ':' : `; none is a ${e.type}:`}`);
  } else if (candidates.length > 0) {
    out.push('    nearest other actions:');
  }
  for (const c of same.slice(0, MAX_SHOWN)) out.push(...mismatchLines(c.p, c.r.mismatches));
  if (same.length > MAX_SHOWN) out.push(`${INDENT}… and ${same.length - MAX_SHOWN} more ${e.type} actions`);
  const room = Math.max(0, MAX_SHOWN - same.length);
  if (other.length > 0 && room > 0) {
    if (same.length > 0) out.push('    other actions:');
    out.push(
      ...listActions(
        other.map((c) => c.p),
        room,
      ),
    );
  }
  const before = ctx.earlier.filter((p) => {
    const r = compareAction(e, p.action);
    return r.sameType && r.mismatches.length === 0;
  });
  if (before.length > 0) {
    const p = before[before.length - 1]!;
    out.push(
      `    note: a matching action was produced earlier, by line ${p.line} (${p.offset}); an expect only sees the actions produced since the previous expect:`,
      `${INDENT}${formatAction(p.action).text}   ${where(p)}`,
    );
  }
  return out;
}

/** Terminal columns (stdlib/text-width.ts), re-exported for this module's users. */
export { displayWidth };

import { D } from '../../parser/diagnostic-codes.js';
import type { Cond, IR } from '../../ir/schema.js';
import { cond } from './conditions.js';
import { memberScope, type Checker } from './scopes.js';

/** `segment NAME where …`: a named member condition; one defined through itself is refused. */
export function segments(cx: Checker): IR['segments'] {
  const out: IR['segments'] = [];
  for (const s of cx.ast.segments) {
    out.push({ name: s.name.name, where: cond(cx, s.where, memberScope(`segment \`${s.name.name}\``)) });
  }
  checkSegmentCycles(cx, out);
  return out;
}

/** A segment defined through itself would recurse forever when evaluated. */
function checkSegmentCycles(cx: Checker, segments: IR['segments']): void {
  const refs = new Map(segments.map((s) => [s.name, segmentRefs(s.where)]));
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (name: string, path: string[]): void => {
    if (state.get(name) === 'done') return;
    if (state.get(name) === 'visiting') {
      const cycle = [...path.slice(path.indexOf(name)), name];
      const decl = cx.ast.segments.find((s) => s.name.name === name)!;
      cx.bag.report(D.E0214.segmentCycle(name, cycle), decl.name.span, 'define one of them without the other');
      return;
    }
    state.set(name, 'visiting');
    for (const r of refs.get(name) ?? []) visit(r, [...path, name]);
    state.set(name, 'done');
  };
  for (const s of segments) visit(s.name, []);
}

function segmentRefs(c: Cond): string[] {
  if ('all' in c) return c.all.flatMap(segmentRefs);
  if ('any' in c) return c.any.flatMap(segmentRefs);
  if ('not' in c) return segmentRefs(c.not);
  return c.op === 'inSegment' ? [c.segment] : [];
}

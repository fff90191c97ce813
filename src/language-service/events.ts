import type * as A from '../parser/ast.js';
import { CORE_EVENTS } from '../compiler/core-events.js';
import { own } from '../stdlib/dict.js';

/** An event's payload fields as completion and hover show them: the core table plus `event` declarations. */
export interface FieldInfo {
  name: string;
  type: string;
  optional: boolean;
}

export const CORE_EVENT_NAMES: readonly string[] = Object.keys(CORE_EVENTS);

export function fieldsOf(ast: A.Playbook, event: string): FieldInfo[] | undefined {
  const core = own(CORE_EVENTS, event);
  const out = new Map<string, FieldInfo>();
  if (core) for (const [name, f] of Object.entries(core.fields)) out.set(name, { name, type: f.type, optional: f.optional });
  let declared = false;
  for (const e of ast.events) {
    if (e.name.name !== event) continue;
    declared = true;
    for (const f of e.fields) if (!out.has(f.name.name)) out.set(f.name.name, { name: f.name.name, type: f.type, optional: f.optional });
  }
  if (!core && !declared) return undefined;
  return [...out.values()];
}

export function describeFields(fields: readonly FieldInfo[]): string {
  if (fields.length === 0) return 'no fields';
  return fields.map((f) => `\`${f.name}${f.optional ? '?' : ''}: ${f.type}\``).join(', ');
}

import type { EventType } from '../../ir/schema.js';
import { MAX_ID_CHARS, MAX_LIST_ITEMS, MAX_REF_CHARS, maxFieldChars } from '../../limits.js';
import { parseInstant } from '../../stdlib/instants.js';
import type { InputEvent } from '../events.js';
import { lit, Source } from './source.js';

/**
 * The `generated` engine's event validation (docs/performance.md, "Generated engine"): one
 * function for the playbook's event types, the envelope checks and each type's declared fields
 * written out, so a valid event costs named reads and `typeof` tests instead of a walk over the
 * type's fields with a keyed read each. It only says yes: it returns the event when every check
 * of `validateEvent` (events.ts) would pass, and undefined for anything else, an unknown type
 * included, which then goes through `validateEvent`, the one place that explains what is wrong.
 * test/generated-validate.test.ts checks that the two agree on random valid and invalid events.
 */
export type FastValidator = (raw: unknown) => InputEvent | undefined;

export function compileValidator(events: Record<string, EventType>): FastValidator {
  const src = new Source();
  return src.build(['raw'], validatorBody(src, events), 'generatedValidator') as FastValidator;
}

/** The body of the validator (for tests and for reading what was generated). */
export function validatorSource(events: Record<string, EventType>): string {
  const src = new Source();
  const body = validatorBody(src, events);
  return src.declarations() + body;
}

function validatorBody(src: Source, events: Record<string, EventType>): string {
  const lines = [
    `if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return undefined;`,
    `const id = raw["id"], type = raw["type"], at = raw["at"], community = raw["community"], member = raw["member"];`,
    `if (typeof id !== 'string' || typeof type !== 'string' || typeof at !== 'string' || typeof community !== 'string') return undefined;`,
    `if (id.length === 0 || id.length > ${MAX_ID_CHARS} || type.length === 0 || at.length === 0 || community.length === 0 || community.length > ${MAX_REF_CHARS}) return undefined;`,
    `if (member !== undefined && member !== null && (typeof member !== 'string' || member.length === 0 || member.length > ${MAX_REF_CHARS})) return undefined;`,
    `const atMs = ${src.k(parseInstant)}(at);`,
    `if (atMs !== atMs) return undefined;`,
    'let v;',
    'switch (type) {',
  ];
  // Own keys only, as validateEvent reads the table: an inherited name is an unknown type.
  for (const type of Object.keys(events)) {
    const def = events[type]!;
    lines.push(`case ${lit(type)}:`);
    if (def.memberLevel) lines.push(`if (typeof member !== 'string') return undefined;`);
    for (const [name, field] of Object.entries(def.fields)) lines.push(...fieldCheck(name, field));
    // The type as the literal it equals: a constant string, whose hash V8 keeps, so each lookup and
    // comparison of `ev.type` further on (the plan, the constructs' tables) need not read the text.
    // The same shape, in the same order, as the event validateEvent builds (one hidden class).
    lines.push(`return { id, type: ${lit(type)}, at, atMs, community, member: typeof member === 'string' ? member : undefined, payload: raw };`);
  }
  // Stryker disable next-line StringLiteral: without a default an unknown type falls out of the switch and the function returns undefined all the same
  lines.push('default: return undefined;');
  lines.push('}');
  // Stryker disable next-line StringLiteral: every line ends a statement, a label or a brace, so joined without line breaks the code is the same
  return lines.join('\n');
}

/** The tests of one declared field: absent only if optional, of its type, within its limits. */
function fieldCheck(name: string, field: EventType['fields'][string]): string[] {
  const key = lit(name);
  const max = maxFieldChars(name);
  // Own keys only (a declared field may be called `constructor`): a name Object.prototype has is
  // asked first; any other is read by name, and a value there must be the event's own, which is
  // asked only then, as most events set few of their optional fields.
  const inherited = name in Object.prototype;
  const out = [inherited ? `v = Object.hasOwn(raw, ${key}) ? raw[${key}] : undefined;` : `v = raw[${key}];`];
  const missing = field.optional ? '' : 'return undefined;';
  out.push(`if (v === undefined || v === null) { ${missing} } else {`);
  if (!inherited) out.push(`if (!Object.hasOwn(raw, ${key})) return undefined;`);
  switch (field.type) {
    case 'string':
      out.push(`if (typeof v !== 'string' || v.length > ${max}) return undefined;`);
      break;
    case 'number':
      out.push(`if (typeof v !== 'number' || !Number.isFinite(v)) return undefined;`);
      break;
    case 'boolean':
      out.push(`if (typeof v !== 'boolean') return undefined;`);
      break;
    case 'string[]':
      out.push(
        `if (!Array.isArray(v) || v.length > ${MAX_LIST_ITEMS}) return undefined;`,
        `for (let i = 0; i < v.length; i++) { const x = v[i]; if (typeof x !== 'string' || x.length > ${max}) return undefined; }`,
      );
      break;
  }
  out.push('}');
  return out;
}

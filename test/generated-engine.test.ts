import { describe, expect, it } from 'vitest';
import { compile } from '../src/compiler/compile.js';
import type { Cond, IR } from '../src/ir/schema.js';
import { FastConditions } from '../src/runtime/conditions/fast.js';
import { Core } from '../src/runtime/core.js';
import { caseless, GeneratedConditions } from '../src/runtime/generated/conditions.js';
import { EventPlans } from '../src/runtime/generated/plans.js';
import { lit, Source } from '../src/runtime/generated/source.js';
import { FastMachines } from '../src/runtime/machines/fast.js';
import { newMember } from '../src/runtime/member.js';
import { createRuntime, type EngineName } from '../src/runtime/runtime.js';
import { newCommunity } from '../src/runtime/community.js';

/**
 * The `generated` engine's generator (src/runtime/generated/): playbook text never becomes code,
 * whatever it contains; forms it does not write out run on the closure engine's closures.
 */

/** Texts that would end a string literal, a comment or a template if they were spliced into code. */
const HOSTILE = [
  'a"b',
  "a'b",
  'back\\slash',
  'end */ comment',
  '$x + (globalThis.pwned = 1) + `',
  'line\nbreak',
  'sep\u2028arator',
  'para\u2029graph',
  '`tick`',
  '</script>',
];
/**
 * With braces, for the IR-level test: in a playbook `\{` is kept as a marker character until a
 * template is rendered, so `${` never reaches the IR from a playbook string.
 */
const BRACED = ['${globalThis.pwned = 1}', '"}); globalThis.pwned = 1; ({"', '\\"]) || (globalThis.pwned = 1) || (["'];

/** The playbook's string syntax for `s` (docs/language.md, "Strings and escapes"). */
const quote = (s: string) =>
  `"${[...s].map((ch) => (ch === '"' || ch === '\\' ? `\\${ch}` : ch === '\n' ? '\\n' : ch === '\u2028' || ch === '\u2029' ? `\\u${ch.codePointAt(0)!.toString(16)}` : ch)).join('')}"`;

const SOURCE = `playbook "Hostile" { timezone "Asia/Shanghai" }
event custom.x { constructor: string, __proto__?: string, toString?: number }
${HOSTILE.map(
  (h, i) => `rule r${i} {
  on message.posted
  when text contains ${quote(h)} or text matches any [${quote(h)}]
  do say ${quote(`got ${h}`)}; tag member ${quote(h)}
}
rule t${i} {
  on custom.x
  when constructor == ${quote(h)}
  unless member has tag ${quote(h)}
  do say "constructor ok"
}`,
).join('\n')}
rule proto {
  on custom.x
  when __proto__ == "x" and toString > 1
  do say "proto ok"
}
points { custom.x where constructor == ${quote(HOSTILE[4]!)}: +2 }
`;

function ir(source: string): IR {
  const r = compile(source);
  if (!r.ir) throw new Error(r.diagnostics.map((d) => d.message).join('\n'));
  return r.ir;
}

function events(): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  let t = Date.parse('2026-03-02T10:00:00+08:00');
  const at = () => new Date((t += 1000)).toISOString();
  HOSTILE.forEach((h, i) => {
    out.push({ id: `m${i}`, type: 'message.posted', at: at(), community: 'g', member: 'u1', messageId: `x${i}`, text: `pre ${h} post` });
    out.push({ id: `c${i}`, type: 'custom.x', at: at(), community: 'g', member: 'u2', constructor: h });
  });
  out.push(
    JSON.parse(`{"id":"p1","type":"custom.x","at":"${at()}","community":"g","member":"__proto__","constructor":"k","__proto__":"x","toString":2}`) as Record<
      string,
      unknown
    >,
  );
  out.push({ id: 'p2', type: 'custom.x', at: at(), community: 'g', member: 'constructor', constructor: 'k' });
  return out;
}

function run(engine: EngineName) {
  const rt = createRuntime(ir(SOURCE), { engine });
  const out = events().flatMap((e) => rt.dispatch(e));
  return { out, snap: rt.snapshot() };
}

describe('generated engine: playbook text is data, never code', () => {
  it('a playbook whose strings and field names would break out of code runs as on the closure engine', () => {
    const fast = run('fast');
    const generated = run('generated');
    expect((globalThis as Record<string, unknown>)['pwned']).toBeUndefined();
    expect(generated).toEqual(fast);
    const said = generated.out.filter((a) => a.type === 'message.send').map((a) => a['text']);
    // Every hostile text matched its own rule, came back unchanged, and the own-key fields were read.
    for (const h of HOSTILE) expect(said).toContain(`got ${h}`);
    expect(said.filter((t) => t === 'constructor ok')).toHaveLength(HOSTILE.length);
    expect(said).toContain('proto ok');
    expect(generated.out.filter((a) => a.type === 'points.award')).toHaveLength(1);
  });

  it('writes no playbook text outside JSON string literals, and constants by index', () => {
    const x = ir(SOURCE);
    const conditions = new GeneratedConditions(x);
    const plans = new EventPlans(new Core(x, conditions, new FastMachines(x), false), conditions.writer);
    for (const type of ['message.posted', 'custom.x']) {
      let code = plans.source(type);
      // Take out every JSON string literal the generator wrote: what is left holds no playbook text.
      for (const h of [...HOSTILE, ...HOSTILE.map((h) => `got ${h}`), ...HOSTILE.map((h) => h.toLowerCase()), 'constructor', '__proto__', 'toString']) {
        code = code.split(lit(h)).join('""');
      }
      for (const h of HOSTILE) expect(code).not.toContain(h);
      expect(code).not.toMatch(/__proto__|toString|constructor ok/);
      expect(code).toMatch(/K\[\d+\]/);
    }
  });

  it('conditions of a hand-written IR with braces, quotes and prototype names answer as the closures', () => {
    const x = ir('playbook "I" { timezone "Asia/Shanghai" }\n');
    const generated = new GeneratedConditions(x);
    const fast = new FastConditions(x);
    const c = newCommunity('g', 0, 1);
    const m = newMember('u', 0);
    m.tags = [...BRACED];
    for (const h of [...HOSTILE, ...BRACED]) {
      for (const field of ['text', '__proto__', 'constructor', 'toString', h]) {
        const conds: Cond[] = [
          { op: 'eq', left: { field }, right: { const: h } },
          { op: 'contains', left: { field }, value: h },
          { op: 'matches', left: { field }, patterns: [{ text: h }, { regex: 'h.llo', flags: 'i' }] },
          { op: 'hasTag', tag: h },
          { op: 'gt', left: { field }, right: { const: h } },
        ];
        for (const payload of [
          { [field]: h },
          { [field]: `x${h}x` },
          { [field]: [h] },
          JSON.parse(`{"__proto__": ${JSON.stringify(h)}}`) as Record<string, unknown>,
          {},
        ]) {
          const ctx = { community: c, member: m, now: 0, event: { id: 'e', type: 't', at: '', atMs: 0, community: 'g', member: 'u', payload } };
          for (const cond of conds) expect(generated.compile(cond)(ctx), JSON.stringify(cond)).toBe(fast.compile(cond)(ctx));
        }
      }
    }
    expect((globalThis as Record<string, unknown>)['pwned']).toBeUndefined();
    expect(generated.compile({ op: 'hasTag', tag: BRACED[0]! })({ community: c, member: m, now: 0 })).toBe(true);
  });

  it('lit escapes what ends a line or a literal', () => {
    for (const h of [...HOSTILE, ...BRACED]) {
      const literal = lit(h);
      expect(literal).not.toMatch(/[\n\u2028\u2029]/);
      expect(JSON.parse(literal)).toBe(h);
    }
    // The constants are shared by identity, numbers never (0 and -0 are distinct constants).
    const src = new Source();
    expect(src.k('a')).toBe(src.k('a'));
    expect(src.k(0)).not.toBe(src.k(-0));
    expect((src.build([], 'return 1 / K[2];') as () => number)()).toBe(-Infinity);
  });
});

describe('generated engine: forms it does not write out fall back to the closures', () => {
  const x = ir(`playbook "F" { timezone "Asia/Shanghai" }
levels { newbie at 0; regular at 10 }
segment active where member.points >= 10
`);
  const fallback: Cond[] = [
    { op: 'inSegment', segment: 'active' },
    { op: 'eq', left: { member: 'level' }, right: { const: 'regular' } },
    { op: 'gt', left: { arith: '+', left: { member: 'points' }, right: { const: 1 } }, right: { const: 10 } },
    { op: 'lt', left: { clock: 'minute' }, right: { const: 600 } },
  ];
  const inline: Cond[] = [
    { op: 'gte', left: { member: 'points' }, right: { const: 10 } },
    { op: 'hasTag', tag: 'vip' },
  ];

  it('the closure engine answers them, through the constants, with the same results', () => {
    const generated = new GeneratedConditions(x);
    const fast = new FastConditions(x);
    const c = newCommunity('g', 0, 1);
    for (const points of [0, 9, 10, 50]) {
      const m = newMember('u', 0);
      m.points = points;
      const ctx = { community: c, member: m, now: Date.parse('2026-03-02T09:00:00+08:00') };
      for (const cond of [...fallback, ...inline]) expect(generated.compile(cond)(ctx), JSON.stringify(cond)).toBe(fast.compile(cond)(ctx));
    }
    // A fallback is one call of a closure from the constants; the inline forms are written out.
    for (const cond of fallback) expect(generated.source(cond), JSON.stringify(cond)).toMatch(/K\[\d+\]\(ctx\)/);
    for (const cond of inline) expect(generated.source(cond)).not.toMatch(/K\[\d+\]\(ctx\)/);
  });
});

describe('generated engine: a case-insensitive search for a text without case is a plain includes', () => {
  it('lower-casing makes no caseless character out of another one, on every code point', () => {
    // The premise of `caseless`: a character that lower-casing changes becomes only characters
    // that have case (or U+0307, which `caseless` refuses); so text.toLowerCase().includes(n) === text.includes(n).
    const made = new Set<string>();
    for (let cp = 0; cp <= 0x10ffff; cp++) {
      if (cp >= 0xd800 && cp <= 0xdfff) continue;
      const ch = String.fromCodePoint(cp);
      const lower = ch.toLowerCase();
      if (lower === ch) continue;
      for (const y of lower) if (caseless(y)) made.add(y);
    }
    expect([...made]).toEqual([]);
    // Final sigma, the one contextual mapping, gives letters with case.
    expect(caseless('ς') || caseless('σ')).toBe(false);
  });

  it('caseless: Chinese, digits and punctuation yes; letters, U+0307 and surrogates no', () => {
    expect(['加微信', '返利', '123', '!?', '', '。'].map(caseless)).toEqual([true, true, true, true, true, true]);
    expect(['hello', 'É', 'ß', '\u0307', '💰', 'ǅ', '\ud801'].map(caseless)).toEqual([false, false, false, false, false, false, false]);
  });

  it('texts with case-changing letters beside the pattern match as on the closure engine', () => {
    const x = ir('playbook "C" { timezone "Asia/Shanghai" }\n');
    const generated = new GeneratedConditions(x);
    const fast = new FastConditions(x);
    const c = newCommunity('g', 0, 1);
    for (const needle of ['加微信', '1', '.', 'i̇', 'a']) {
      for (const text of ['İ加微信', 'x加微信Σ', 'İ', 'I.', 'ΣΑ1', '加 微信', '\u{10400}']) {
        const ctx = { community: c, now: 0, event: { id: 'e', type: 't', at: '', atMs: 0, community: 'g', payload: { text } } };
        for (const cond of [
          { op: 'contains', left: { field: 'text' }, value: needle },
          { op: 'matches', left: { field: 'text' }, patterns: [{ text: needle }] },
        ] as Cond[])
          expect(generated.compile(cond)(ctx), `${needle} in ${text}`).toBe(fast.compile(cond)(ctx));
      }
    }
  });
});

import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compile } from '../src/compiler/compile.js';
import { buildDiagrams, dotString, mermaidLabel, renderDot, renderMermaid, renderMermaidAll, selectDiagrams, type Diagram } from '../src/graph/index.js';
import { DiagramBuilder } from '../src/graph/model.js';
import { durationText, weekdaysText } from '../src/graph/text.js';
import type { IR } from '../src/ir/schema.js';
import { runCli } from './helpers/cli.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const EXAMPLE_FILES = readdirSync(join(root, 'examples'))
  .filter((f) => f.endsWith('.playbook') && !f.endsWith('.test.playbook'))
  .sort()
  .map((f) => join(root, 'examples', f));
const ex = (name: string) => join(root, 'examples', `${name}.playbook`);

const tmp = mkdtempSync(join(tmpdir(), 'playbook-graph-'));
function file(name: string, text: string): string {
  const p = join(tmp, name);
  writeFileSync(p, text);
  return p;
}

const cli = runCli;

function irOf(source: string, name = 'test.playbook'): IR {
  const r = compile(source, { file: name });
  if (!r.ir) throw new Error(`${name} does not compile: ${r.diagnostics.map((d) => `${d.line}:${d.column} ${d.message}`).join('; ')}`);
  return r.ir;
}
const irOfFile = (path: string) => irOf(readFileSync(path, 'utf8'), path);

// --- a playbook whose every string is hostile to diagram syntax ---------------------------------

/** Quotes, brackets, `#`, `;`, `:`, pipes, HTML, Markdown and KaTeX markers, Mermaid keywords and directives, CJK, emoji, new lines. */
const NASTY_TEXTS = [
  '他说"你好";#标签 [警告] (注意) {大括号} <b>粗体</b> & 🎉👨‍👩‍👧',
  'a|b|c :: fa:fa-car $$x^2$$ %%{init: {"theme":"dark"}}%% direction LR [[fork]] <<choice>>',
  'back\\slash \\n literal; end; style x fill:#f00; classDef y; --> -- [*] note right of x',
  'ﬂ°°35¶ß #quot; &amp; &#35; accTitle: hi',
  '第一行\n第二行\t制表',
  '`code` *强调* _下划线_ ~~删除~~ 😀👍🏽',
];

function playbookString(text: string): string {
  let out = '';
  for (const ch of text) {
    if (ch === '"' || ch === '\\' || ch === '{' || ch === '}') out += '\\' + ch;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\t') out += '\\t';
    else out += ch;
  }
  return `"${out}"`;
}

/** Every construct the graphs draw, with nasty strings everywhere and names that are keywords of Mermaid or DOT. */
function stressPlaybook(): string {
  const s = (i: number) => playbookString(NASTY_TEXTS[i % NASTY_TEXTS.length]!);
  return `playbook ${playbookString('压力 "测试" #1; <x> & {y}')} {
  timezone "Asia/Shanghai"
}
roles admin, 讲师
event quiz.answered { score: number, topic?: string }

lifecycle 旅程 {
  initial end
  end -> state when count(message.posted within 7d) >= 3 and not member has tag ${s(0)}
  state -> o after 14d without message.posted { say to member ${s(1)}; tag member ${s(2)} }
  o -> x on message.posted where text matches any [${s(3)}, /[#;"<>|]{2,}\\s*\\d+/]
  x -> direction on order.paid where amount > 0 { say ${s(4)} }
  direction -> style after 30d { notify admins ${s(5)} }
  style -> 新人 on quiz.answered where topic == ${s(0)}
}

ritual 入群 {
  starts on member.joined
  say to member ${s(1)}
  step 红包 ${s(2)}: redpacket.sent where amount >= 5
  step subgraph ${s(3)}: message.posted where text contains ${s(4)}
  step graph: rules.acknowledged
  remind after 12h: say to member ${s(5)}
  remind after 20h: notify admins ${s(0)}
  deadline 24h: remove member reason ${s(1)}
  cancel on member.left
  cancel on role.granted where role == ${s(2)}
  done { tag member ${s(3)}; award 10 points reason ${s(4)} }
}

campaign 双十一 {
  stage end from 2026-10-20 to 2026-10-31 {
    points x2
    on enter: say ${s(5)}
    on exit: say to channel ${s(0)} ${s(1)}
    invite.accepted: +10 reason ${s(2)}
    rule 诱饵 {
      on invite.accepted
      when count(invite.accepted by member) == 3
      do award 50 points reason ${s(3)} unmultiplied
    }
  }
  stage classDef from 2026-11-01 {
    on enter: say ${s(4)}
  }
  goal 目标 when count(order.paid) >= 5 { notify admins ${s(5)} }
}

rule 广告 {
  on message.posted where text contains ${s(0)}, reaction.added where emoji == ${s(1)}
  when member.joinedDays < 3 or member has role 讲师
  unless member has role admin
  priority -2
  do delete message; warn member ${s(2)} on ladder 广告梯
}
rule click {
  on quiz.answered
  when score >= 90 and topic == ${s(3)}
  once per member
  do say to members tagged ${s(4)} where member.points < 10 ${s(5)}; mute member 1h30m reason ${s(0)}
}
ladder 广告梯 {
  expire 30d
  1: say to member ${s(1)}
  2: mute member 1d reason ${s(2)}; say to admins ${s(3)}
  3: remove member reason ${s(4)}
}

points {
  message.posted: +1 cooldown 60s cap 20 per day reason ${s(5)}
  member.left: -10 reason ${s(0)}
}
levels { 新人 at 0; end at 20; 核心 at 40 }
badge 话痨 when count(message.posted) >= 100 { say ${s(1)} }
badge 打卡 streak 7 days of checkin.done: say to member ${s(2)}
leaderboard 周榜 weekly top 3 by points every mon 09:00 { say ${s(3)} }

schedule 讨论 every mon-fri 19:20 until 20:00 {
  at start: say ${s(4)}
  at start + 20m: say to silent members unless member has role admin ${s(5)}
  at end - 5m: say ${s(0)}
  at end: say ${s(1)}
}
every month on 15 at 10:00 {
  remove members where absences(讨论, 30d) >= 3 unless member has role admin reason ${s(2)}
}
`;
}

const STRESS_FILE = file('stress.playbook', stressPlaybook());

/** A lifecycle and a ritual with the same name, and a lifecycle named like the rules flowchart. */
const CLASH = `playbook "x" { timezone "UTC" }
lifecycle hello { a -> b on order.paid }
ritual hello { starts on member.joined\n step s: rules.acknowledged }
lifecycle rules { a -> b on order.paid }
rule r { on message.posted do delete message }
`;

/** Every text a diagram should show: node, composite and cluster labels, and edge labels. */
function visibleLines(d: Diagram): string[] {
  return [
    ...d.nodes.filter((n) => n.shape !== 'initial' && n.shape !== 'final').flatMap((n) => n.lines),
    ...d.groups.filter((g) => g.kind !== 'region').flatMap((g) => g.lines),
    ...d.edges.flatMap((e) => e.lines),
  ];
}

/** Rendered text is compared without white space: renderers break and pad lines freely. */
const squash = (text: string) => text.replace(/[\s\u0000-\u001f\u007f-\u009f\u2028\u2029\u2060]+/g, '');

/** Undo mermaidLabel: entity codes back to characters, `<br>` back to new lines, word joiners out. */
function decodeMermaidLabel(label: string): string {
  return label
    .replace(/<br>/g, '\n')
    .replace(/#(\d+);/g, (_, code: string) => String.fromCodePoint(Number(code)))
    .replace(/\u2060/g, '');
}

// --- the graph model, without any tool ----------------------------------------------------------

describe('graph model', () => {
  const stressIr = irOfFile(STRESS_FILE);

  it('draws every state and every transition of each lifecycle', () => {
    for (const path of [...EXAMPLE_FILES, STRESS_FILE]) {
      const ir = irOfFile(path);
      for (const l of ir.lifecycles) {
        const d = buildDiagrams(ir).find((x) => x.key === `lifecycle:${l.name}`)!;
        expect(d.kind).toBe('state');
        const stateId = new Map(d.nodes.filter((n) => n.shape === 'state').map((n) => [n.lines[0]!, n.id]));
        expect([...stateId.keys()].sort()).toEqual([...l.states].sort());
        const start = d.nodes.find((n) => n.shape === 'initial')!;
        expect(d.edges).toContainEqual({ from: start.id, to: stateId.get(l.initial), lines: [] });
        expect(d.edges).toHaveLength(l.transitions.length + 1);
        for (const t of l.transitions) {
          const edge = d.edges.find((e) => e.from === stateId.get(t.from) && e.to === stateId.get(t.to));
          expect(edge, `${t.from} -> ${t.to}`).toBeDefined();
          expect(edge!.lines.length).toBe(1 + t.actions.length);
        }
        const text = renderMermaid(d);
        for (const id of stateId.values()) expect(text).toMatch(new RegExp(`^  state ".*" as ${id}$`, 'm'));
      }
    }
  });

  it('labels lifecycle transitions with their triggers', () => {
    const d = buildDiagrams(irOfFile(ex('member-lifecycle')))[0]!;
    const labels = d.edges.map((e) => e.lines[0]);
    expect(labels).toEqual([
      undefined,
      'when count(message.posted by member within 7d) >= 3',
      'after 14d without message.posted',
      'on message.posted',
      'on order.paid',
      'when count(invite.accepted by member) >= 3',
    ]);
    expect(d.edges[2]!.lines[1]).toBe('do say to member "好久不见,{member.name}!最近在忙什么?"');
    const where = irOf('playbook "x" { timezone "UTC" }\nlifecycle m { a -> b on order.paid where amount > 10 and amount != 99\n b -> a after 30d }');
    expect(buildDiagrams(where)[0]!.edges.map((e) => e.lines[0])).toEqual([undefined, 'on order.paid where amount > 10 and amount != 99', 'after 30d']);
  });

  it('draws a ritual: steps as parallel regions, reminders, deadline, cancel and done on the arrows', () => {
    const d = buildDiagrams(irOfFile(ex('entry-ritual')))[0]!;
    expect(d.key).toBe('ritual:onboarding');
    const active = d.groups.find((g) => g.kind === 'composite')!;
    const regions = d.groups.filter((g) => g.kind === 'region');
    expect(regions.map((r) => r.lines[0])).toEqual(['step 红包 (redpacket)', 'step 自我介绍 (intro)']);
    expect(regions.every((r) => r.parent === active.id)).toBe(true);
    const byLabel = (label: string) => d.nodes.find((n) => n.lines[0] === label)!.id;
    const stepEdge = d.edges.find((e) => e.from === byLabel('红包 (redpacket): to do'))!;
    expect(stepEdge).toEqual({
      from: byLabel('红包 (redpacket): to do'),
      to: byLabel('红包 (redpacket): done'),
      lines: ['on redpacket.sent where amount >= 5 and shares >= 5'],
    });
    const from = (id: string) => d.edges.filter((e) => e.from === id).map((e) => [e.to, e.lines[0]]);
    expect(from(active.id)).toEqual([
      [byLabel('completed'), 'all steps done'],
      [active.id, 'after 12h: reminder'],
      [byLabel('expired'), 'after 24h: deadline'],
      [byLabel('cancelled'), 'on member.left'],
    ]);
    const done = d.edges.find((e) => e.to === byLabel('completed'))!;
    expect(done.lines).toEqual(['all steps done', 'do tag member "member"', 'do award 10 points reason "ritual"', 'do say "欢迎 {member.name} 正式加入"']);
    const text = renderMermaid(d);
    expect(text.match(/^ {4}--$/gm)).toHaveLength(1);
    expect(text).toContain(`state "active: steps in any order" as ${active.id} {`);
  });

  it('draws a ritual without steps as one state that completes at once', () => {
    const ir = irOf('playbook "x" { timezone "UTC" }\nritual hi { starts on member.joined\n say to member "hi" }');
    const d = buildDiagrams(ir)[0]!;
    expect(d.groups).toEqual([]);
    expect(d.edges.map((e) => e.lines[0])).toContain('at once');
    expect(renderMermaid(d)).not.toContain('{');
  });

  it('draws campaign stages in order with dates, multipliers, stage points and rules, and goals', () => {
    const d = buildDiagrams(irOfFile(ex('fission-campaign')))[0]!;
    expect(d.key).toBe('campaign:double11');
    const stages = d.nodes.filter((n) => n.lines[0]!.startsWith('stage '));
    expect(stages.map((n) => n.lines.slice(0, 2))).toEqual([
      ['stage warmup', '2026-10-20 to 2026-10-31'],
      ['stage sale', '2026-11-01 to 2026-11-11'],
      ['stage after', 'from 2026-11-12, no end date'],
    ]);
    expect(stages[0]!.lines).toContain('points ×2');
    expect(stages[0]!.lines).toContain('invite.accepted: +10 points reason "邀请"');
    expect(stages[0]!.lines).toContain('rule bait');
    expect(stages[1]!.lines).toContain('on enter: say "双十一大促开始!"');
    const chain = d.edges.filter((e) => !e.dashed).map((e) => [e.from, e.to, e.lines[0]]);
    const start = d.nodes[0]!.id;
    expect(chain).toEqual([
      [start, stages[0]!.id, 'starts 2026-10-20'],
      [stages[0]!.id, stages[1]!.id, 'starts 2026-11-01'],
      [stages[1]!.id, stages[2]!.id, 'starts 2026-11-12'],
    ]);
    const goal = d.nodes.find((n) => n.shape === 'hexagon')!;
    expect(goal.lines).toEqual(['goal orders', 'when count(order.paid) >= 5', 'do notify admins "双十一目标达成:5 单"']);
    expect(d.edges).toContainEqual({ from: start, to: goal.id, lines: ['checked while it runs'], dashed: true });
  });

  it('draws rules as event -> rule -> actions, and a warning into the ladder steps', () => {
    const d = buildDiagrams(irOfFile(ex('no-ads'))).find((x) => x.key === 'rules')!;
    const node = (first: string) => d.nodes.find((n) => n.lines[0] === first)!;
    const rule = node('rule no_ads');
    expect(rule.lines).toEqual([
      'rule no_ads',
      'when text matches any ["加微信", "返利", "优惠券", /邀请码\\s*\\d{4,}/, /https?:\\/\\//i]',
      'unless member has role admin',
    ]);
    const edge = (a: string, b: string) => d.edges.find((e) => e.from === a && e.to === b);
    expect(edge(node('message.posted').id, rule.id)).toBeDefined();
    expect(edge(rule.id, node('delete message').id)!.lines).toEqual(['1']);
    const warn = node('warn member "本群禁止广告" on ladder ads');
    expect(edge(rule.id, warn.id)!.lines).toEqual(['2']);
    const entry = node('warning added');
    expect(entry.lines[1]).toBe('warnings expire after 30d');
    expect(edge(warn.id, entry.id)).toBeDefined();
    const step1 = node('step 1');
    const step2 = node('step 2');
    expect(step1.lines[1]).toBe('say to member "第一次警告:本群禁止广告,再犯将被移出"');
    expect(step2.lines[1]).toBe('remove member reason "二次发广告"');
    expect(edge(entry.id, step1.id)!.lines).toEqual(['warning 1']);
    expect(edge(step1.id, step2.id)!.lines).toEqual(['warning 2']);
    expect(edge(step2.id, step2.id)!.lines).toEqual(['warning 3, 4, …']);
    const ladder = d.groups.find((g) => g.lines[0] === 'ladder ads')!;
    expect([entry, step1, step2].every((n) => n.group === ladder.id)).toBe(true);
  });

  it('draws points, levels in threshold order, badges and leaderboards', () => {
    const d = buildDiagrams(irOfFile(ex('points-levels'))).find((x) => x.key === 'points')!;
    const lines = d.nodes.map((n) => n.lines.join(' | '));
    expect(lines).toContain('message.posted: +1 points reason "发言" | cooldown 1m | cap 20 per day');
    expect(lines).toContain('leaderboard weekly | top 3 by points (weekly) | every mon at 09:00 | do say "本周积分榜\\n{board}"');
    const levels = d.edges.filter((e) => e.lines[0]?.startsWith('reaches')).map((e) => e.lines[0]);
    expect(levels).toEqual(['reaches 20', 'reaches 40']);
    const showcase = buildDiagrams(irOfFile(ex('club-showcase'))).find((x) => x.key === 'points')!;
    expect(showcase.nodes.map((n) => n.lines[0])).toEqual(expect.arrayContaining(['badge 签到达人', 'badge 热心人', 'level 新人', 'level 核心']));
  });

  it('draws schedule hooks in time order with their clock times, and jobs after their calendar', () => {
    const d = buildDiagrams(irOfFile(ex('discussion-schedule')))[0]!;
    expect(d.key).toBe('schedules');
    expect(d.nodes.map((n) => n.lines[0])).toEqual([
      'every mon-fri at 19:20 until 20:00',
      'at start (19:20)',
      'at start + 20m (19:40)',
      'at end (20:00)',
      'every month on 15 at 10:00',
      'job purge',
    ]);
    const stress = buildDiagrams(irOfFile(STRESS_FILE)).find((x) => x.key === 'schedules')!;
    expect(stress.nodes.map((n) => n.lines[0]).filter((l) => l?.startsWith('at '))).toEqual([
      'at start (19:20)',
      'at start + 20m (19:40)',
      'at end - 5m (19:55)',
      'at end (20:00)',
    ]);
    expect(stress.nodes.map((n) => n.lines[0])).toContain(
      `job (line ${
        stressPlaybook()
          .split('\n')
          .findIndex((l) => l.startsWith('every month')) + 1
      })`,
    );
  });

  it('gives every node and group an ASCII id, unique within its diagram', () => {
    for (const path of [...EXAMPLE_FILES, STRESS_FILE]) {
      for (const d of buildDiagrams(irOfFile(path))) {
        const ids = [...d.nodes.map((n) => n.id), ...d.groups.map((g) => g.id)];
        for (const id of ids) expect(id).toMatch(/^[a-z]\d+(_[a-z0-9_]+)?$/);
        expect(new Set(ids).size).toBe(ids.length);
        const known = new Set(ids);
        for (const e of d.edges) expect(known.has(e.from) && known.has(e.to)).toBe(true);
      }
    }
  });

  it('shows strings as the playbook writes them, shortened', () => {
    const d = buildDiagrams(stressIr).find((x) => x.key === 'ritual:入群')!;
    const start = d.edges.find((e) => e.lines[0] === 'on member.joined')!;
    expect(start.lines[1]).toBe('do say to member "a|b|c :: fa:fa-car $$x^2$$ %%\\{init: \\{\\"t…"');
    const texts = visibleLines(d).join('\n');
    expect(texts).toContain('"第一行\\n第二行\\t制表"');
    expect(texts).not.toContain('\uE000');
  });

  it('writes durations and weekdays the way operators do', () => {
    expect([30 * 86_400_000, 14 * 86_400_000, 86_400_000, 36 * 3_600_000, 5_400_000, 60_000, 10_000, 1500].map(durationText)).toEqual([
      '30d',
      '14d',
      '24h',
      '36h',
      '1h30m',
      '1m',
      '10s',
      '1s500ms',
    ]);
    expect(weekdaysText([1, 2, 3, 4, 5])).toBe('mon-fri');
    expect(weekdaysText([1, 5, 6, 7])).toBe('mon, fri-sun');
    expect(weekdaysText([6, 7])).toBe('sat, sun');
    expect(weekdaysText([1, 2, 3, 4, 5, 6, 7])).toBe('day');
  });

  it('selects one diagram by name or key, and explains a miss', () => {
    const diagrams = buildDiagrams(stressIr);
    expect(selectDiagrams(diagrams, '旅程')).toEqual({ ok: true, diagrams: [diagrams[0]] });
    expect(selectDiagrams(diagrams, 'ritual:入群')).toMatchObject({ ok: true, diagrams: [{ key: 'ritual:入群' }] });
    expect(selectDiagrams(diagrams, 'rules')).toMatchObject({ ok: true, diagrams: [{ key: 'rules' }] });
    const miss = selectDiagrams(diagrams, 'rulez');
    expect(miss.ok).toBe(false);
    expect(!miss.ok && miss.message).toContain('did you mean `rules`?');
    expect(!miss.ok && miss.message).toContain('available: 旅程, 入群, 双十一, rules, points, schedules');
    const clash = buildDiagrams(irOf(CLASH));
    const both = selectDiagrams(clash, 'hello');
    expect(!both.ok && both.message).toBe('`hello` names several diagrams; choose one of `lifecycle:hello`, `ritual:hello`');
    expect(selectDiagrams(clash, 'ritual:hello')).toMatchObject({ ok: true, diagrams: [{ key: 'ritual:hello' }] });
    // The fixed flowcharts keep their names; a lifecycle called `rules` is reached by its key.
    expect(selectDiagrams(clash, 'rules')).toMatchObject({ ok: true, diagrams: [{ key: 'rules', kind: 'flow' }] });
    expect(selectDiagrams(clash, 'lifecycle:rules')).toMatchObject({ ok: true, diagrams: [{ key: 'lifecycle:rules', kind: 'state' }] });
  });
});

describe('label escaping', () => {
  const nasty = fc.oneof(
    fc.string({ unit: 'grapheme', maxLength: 30 }),
    fc
      .array(
        fc.constantFrom(
          ...'"#;:|%$[]{}()<>&`\\\n\r\t\u2028ﬂ°¶ß n:*_a~@'.split(''),
          'direction',
          'TB',
          '::',
          'fa:fa-x',
          '$$',
          '%%{',
          '[[fork]]',
          '-->',
          '群',
          '🎉',
          'http://a.b',
          'www.',
          '1. ',
          '# ',
        ),
        { maxLength: 20 },
      )
      .map((a) => a.join('')),
  );

  it('Mermaid labels hide syntax from the lexers and decode back to the text', () => {
    fc.assert(
      fc.property(fc.array(nasty, { minLength: 1, maxLength: 3 }), fc.boolean(), (lines, markdown) => {
        const label = mermaidLabel(lines, markdown);
        // What Mermaid's lexers see: entity codes are opaque to them; Markdown escapes are not.
        const lexed = label.replace(/#\d+;/g, '\u0001').replace(/<br>/g, '\u0001');
        expect(lexed).not.toMatch(/["#;|<&\n\r\u2028\u2029]|%%|\[\[|direction\s/i);
        if (markdown) expect(lexed).not.toMatch(/::|:[^ ]|:$/);
        else expect(lexed).not.toContain('`');
        expect(label).not.toMatch(/:\S*#/);
        // What its renderer reads after decoding: no line break, KaTeX, icon or placeholder sequence.
        const decoded = decodeMermaidLabel(label.replace(/\u2060/g, '\u0002'));
        expect(decoded).not.toMatch(/\\n|\$\$|:fa-|ﬂ°|¶ß/);
        const expected = lines
          .map((l) => l.replace(/\r\n|[\r\u2028\u2029]/g, '\n'))
          .join('\n')
          .replace(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/g, ' ');
        let shown = decodeMermaidLabel(label);
        if (markdown) {
          // No Markdown block can start, no inline syntax is left unescaped, and removing the
          // escapes gives the text back.
          if (/\S/.test(expected)) expect(decoded).not.toMatch(/^[\s!-/:-@[-`{-~0-9]/);
          expect(decoded).not.toMatch(/:\/\/|www\.|[^\u0002\n]@/i);
          expect(decoded.replace(/\\[!-/:-@[-`{-~]/g, '')).not.toMatch(/[*`~[]|(?<![\p{L}\p{N}])_|_(?![\p{L}\p{N}])/u);
          shown = shown.replace(/\\([!-/:-@[-`{-~])/g, '$1');
        }
        expect(shown).toBe(/^\s*$/.test(expected) ? '\u00a0' : expected);
      }),
      { numRuns: 1000 },
    );
  });

  it('DOT strings escape quotes and backslashes and decode back to the text', () => {
    fc.assert(
      fc.property(nasty, (text) => {
        const quoted = dotString(text);
        expect(quoted.startsWith('"') && quoted.endsWith('"')).toBe(true);
        const body = quoted.slice(1, -1);
        expect(body).not.toMatch(/(^|[^\\])(\\\\)*"/);
        expect(body).not.toMatch(/[\n\r]/);
        expect(body.replace(/&amp;/g, '')).not.toContain('&');
        const decoded = body.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c)).replace(/&amp;/g, '&');
        expect(decoded).toBe(text.replace(/\r\n|[\r\u2028\u2029]/g, '\n').replace(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/g, ' '));
      }),
      { numRuns: 500 },
    );
  });
});

// --- the command ---------------------------------------------------------------------------------

describe('playbook graph', () => {
  it('prints Mermaid by default, one diagram after another with %% comments', async () => {
    const r = await cli(['graph', ex('club-showcase')]);
    expect(r.code).toBe(0);
    expect(r.err).toBe('');
    const titles = r.out.match(/^%% .*$/gm);
    expect(titles).toEqual(['%% campaign spring', '%% rules and ladders', '%% points, levels, badges and leaderboards', '%% schedules and jobs']);
    expect(r.out.split(/^(?=%% )/m).map((chunk) => chunk.split('\n')[1])).toEqual(['flowchart LR', 'flowchart LR', 'flowchart LR', 'flowchart LR']);
    const lifecycle = await cli(['graph', ex('member-lifecycle')]);
    expect(lifecycle.out.startsWith('%% lifecycle member\nstateDiagram-v2\n  direction LR\n')).toBe(true);
  });

  it('prints one DOT digraph with a cluster per diagram', async () => {
    const r = await cli(['graph', ex('club-showcase'), '--format', 'dot']);
    expect(r.code).toBe(0);
    expect(r.out.startsWith('digraph "Makers Club" {')).toBe(true);
    expect(r.out.match(/^ {2}subgraph "cluster_d\d+" \{$/gm)).toHaveLength(4);
    expect(r.out.trimEnd().endsWith('}')).toBe(true);
  });

  it('prints Markdown with a fenced mermaid block per diagram', async () => {
    const r = await cli(['graph', ex('entry-ritual'), '-f', 'markdown']);
    expect(r.code).toBe(0);
    expect(r.out).toBe(`## ritual onboarding\n\n\`\`\`mermaid\n${renderMermaid(buildDiagrams(irOfFile(ex('entry-ritual')))[0]!)}\`\`\`\n`);
  });

  it('--only picks one diagram by name or key', async () => {
    const r = await cli(['graph', ex('club-showcase'), '--only', 'rules']);
    expect(r.code).toBe(0);
    expect(r.out.match(/^%% .*$/gm)).toEqual(['%% rules and ladders']);
    const byKey = await cli(['graph', ex('club-showcase'), '--only', 'campaign:spring', '--format', 'dot']);
    expect(byKey.code).toBe(0);
    expect(byKey.out).toContain('label="campaign spring"');
    expect(byKey.out).not.toContain('rules and ladders');
  });

  it('--only with an unknown name is a usage error that lists the diagrams', async () => {
    const r = await cli(['graph', ex('club-showcase'), '--only', 'sprnig']);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toContain('no diagram named `sprnig`; did you mean `spring`?');
    expect(r.err).toContain('available: spring, rules, points, schedules');
    const ambiguous = await cli(['graph', file('clash.playbook', CLASH), '--only', 'hello']);
    expect(ambiguous.code).toBe(2);
    expect(ambiguous.err).toContain('choose one of `lifecycle:hello`, `ritual:hello`');
  });

  it('prints diagnostics and exits 1 for a playbook with errors', async () => {
    const p = file('bad.playbook', 'playbook "x" { timezone "Asia/Shanghai" }\nrule r { on message.postd do delete message }\n');
    const r = await cli(['graph', p]);
    expect(r.code).toBe(1);
    expect(r.out).toBe('');
    expect(r.err).toContain(`${p}:2:13: error[E0201]: unknown event \`message.postd\``);
  });

  it('says so when there is nothing to draw', async () => {
    const r = await cli(['graph', file('empty.playbook', 'playbook "x" { timezone "UTC" }\nroles kol\n')]);
    expect(r.code).toBe(0);
    expect(r.out).toBe('');
    expect(r.err).toContain('has nothing to draw');
  });

  it('rejects bad usage with exit 2 and no stack trace', async () => {
    for (const args of [
      ['graph'],
      ['graph', ex('flood'), ex('no-ads')],
      ['graph', ex('flood'), '--format', 'svg'],
      ['graph', join(tmp, 'missing.playbook')],
      ['graph', ex('flood'), '--only', ''],
      ['graph', ex('flood'), '--bogus'],
    ]) {
      const r = await cli(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.err).toMatch(/^playbook graph: /);
      expect(r.err).not.toMatch(/\n\s+at .+:\d+:\d+\)?\n/);
    }
  });

  it('prints its help', async () => {
    const r = await cli(['graph', '--help']);
    expect(r.code).toBe(0);
    expect(r.out).toContain('Usage: playbook graph FILE [--format mermaid|dot|markdown] [--only NAME]');
  });
});

describe('docs/graphs.md', () => {
  const markdown = readFileSync(join(root, 'docs/graphs.md'), 'utf8');
  const examples = [...markdown.matchAll(/^<!-- playbook graph ([^>]*?) -->\n```mermaid\n([\s\S]*?)^```$/gm)];

  it('shows diagrams exactly as the command prints them', async () => {
    expect(examples.length).toBeGreaterThanOrEqual(3);
    for (const [, args, block] of examples) {
      const [path, ...rest] = args!.split(' ');
      const r = await cli(['graph', join(root, path!), ...rest]);
      expect(r.code).toBe(0);
      expect(block, `docs/graphs.md: playbook graph ${args}`).toBe(r.out);
    }
  });

  it('links an image that exists', () => {
    const images = [...markdown.matchAll(/!\[[^\]]*\]\(([^)]+)\)/g)].map((m) => m[1]!);
    expect(images.length).toBeGreaterThan(0);
    for (const image of images) expect(existsSync(join(root, 'docs', image)), image).toBe(true);
  });
});

// --- rendering with the real tools ---------------------------------------------------------------

/** The Mermaid text of every diagram of every example and of the stress playbook, as the CLI prints it. */
async function mermaidCases(): Promise<{ name: string; text: string; expected: string[] }[]> {
  const cases: { name: string; text: string; expected: string[] }[] = [];
  for (const path of [...EXAMPLE_FILES, STRESS_FILE]) {
    const r = await cli(['graph', path]);
    expect(r.code).toBe(0);
    const chunks = r.out.split(/^(?=%% )/m);
    const diagrams = buildDiagrams(irOfFile(path));
    expect(chunks).toHaveLength(diagrams.length);
    chunks.forEach((text, i) => cases.push({ name: `${path.split('/').pop()} ${diagrams[i]!.title}`, text, expected: visibleLines(diagrams[i]!) }));
  }
  return cases;
}

/** Label texts for generated diagrams: any characters, and runs of the ones that are syntax somewhere. */
const LABEL_TEXT = fc.oneof(
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 24 }),
  fc
    .array(
      fc.constantFrom(
        ...NASTY_TEXTS,
        '"',
        '#',
        ';',
        ':',
        '::',
        '|',
        '%%',
        '$$',
        '[[',
        ']]',
        '{',
        '}',
        '<',
        '>',
        '&',
        '&amp;',
        '`',
        '\\',
        '\\n',
        '\\l',
        '-->',
        '--',
        '->',
        '[*]',
        'direction TB',
        'end',
        'note',
        'state',
        'style',
        'classDef',
        'click',
        'fa:fa-car',
        '群',
        '🎉',
        ' ',
        '~',
        '~~',
        '[a](b)',
        '![i](x.png)',
        'https://x.y/a_b',
        'a@b.cn',
        '- ',
        '1. ',
        '> ',
        '    ',
        '*',
        '_',
        '**',
      ),
      { minLength: 1, maxLength: 8 },
    )
    .map((a) => a.join('')),
);

/** Small diagrams of both kinds whose labels are the given texts. */
function labelDiagrams(labels: string[]): Diagram[] {
  const at = (i: number) => labels[i % labels.length]!;
  const state = new DiagramBuilder({ key: 'fuzz:state', name: 'fuzz', title: 'fuzz state', kind: 'state', direction: 'LR' });
  const composite = state.group('a', '', 'composite', [at(0)]);
  const region1 = state.group('g', '', 'region', ['r1'], composite);
  const region2 = state.group('g', '', 'region', ['r2'], composite);
  const a = state.node('s', '', 'state', [at(1), at(2)], region1);
  const b = state.node('s', '', 'state', [at(3)], region2);
  state.edge(state.node('i', '', 'initial', [], region1), a, [at(4)]);
  state.edge(state.node('i', '', 'initial', [], region2), b);
  const outside = state.node('s', '', 'state', [at(5)]);
  state.edge(state.node('i', '', 'initial', []), composite, [at(6)]);
  state.edge(composite, outside, [at(7), at(8)]);
  state.edge(composite, composite, [at(9)]);
  state.edge(outside, outside, [at(10)]);
  const flow = new DiagramBuilder({ key: 'fuzz:flow', name: 'fuzz', title: 'fuzz flow', kind: 'flow', direction: 'LR' });
  const cluster = flow.group('c', '', 'cluster', [at(11)]);
  const shapes = ['box', 'rounded', 'event', 'hexagon', 'state'] as const;
  const ids = shapes.map((shape, i) => flow.node('n', shape, shape, [at(12 + i)], i % 2 ? cluster : undefined));
  ids.forEach((id, i) => flow.edge(id, ids[(i + 1) % ids.length]!, [at(17 + i)], i % 2 === 1));
  return [state.diagram, flow.diagram];
}

/** Generated cases per property that needs a browser or Graphviz; GRAPH_FUZZ_RUNS=500 for a deeper search. */
const BROWSER_RUNS = Number(process.env['GRAPH_FUZZ_RUNS'] ?? 25);

const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.warn(`graph.test.ts: ${CHROMIUM} not found, skipping the tests that render Mermaid in a browser`);

interface BrowserGlobals {
  mermaid: { initialize(config: object): void; render(id: string, text: string): Promise<{ svg: string }> };
  document: {
    createElement(tag: string): {
      innerHTML: string;
      textContent: string | null;
      querySelectorAll(s: string): { forEach(f: (e: { remove(): void }) => void): void };
    };
  };
}

describe.skipIf(!hasChromium)('Mermaid output renders in headless Chromium', () => {
  let browser: Browser;
  let page: Page;
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    browser = await chromium.launch({ executablePath: CHROMIUM });
    page = await browser.newPage();
    await page.route('**/*', (route) => route.abort());
    page.on('console', (m) => void (m.type() === 'error' && consoleErrors.push(m.text())));
    page.on('pageerror', (e) => void consoleErrors.push(e.message));
    await page.addScriptTag({ path: join(root, 'node_modules/mermaid/dist/mermaid.min.js') });
    await page.evaluate(() => (globalThis as unknown as BrowserGlobals).mermaid.initialize({ startOnLoad: false, securityLevel: 'strict' }));
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
  });

  /** Renders each text; returns the visible text of its SVG (styles removed) or the error. */
  async function render(texts: string[]): Promise<{ svg?: string; text?: string; error?: string }[]> {
    return page.evaluate(async (list) => {
      const g = globalThis as unknown as BrowserGlobals;
      const out: { svg?: string; text?: string; error?: string }[] = [];
      for (const [i, text] of list.entries()) {
        try {
          const { svg } = await g.mermaid.render(`graph${i}`, text);
          const holder = g.document.createElement('div');
          holder.innerHTML = svg;
          holder.querySelectorAll('style').forEach((s) => s.remove());
          out.push({ svg, text: holder.textContent ?? '' });
        } catch (e) {
          out.push({ error: String((e as Error)?.message ?? e) });
        }
      }
      return out;
    }, texts);
  }

  it('renders every diagram of every example and of the stress playbook, with every label', async () => {
    const cases = await mermaidCases();
    expect(cases.length).toBeGreaterThanOrEqual(15);
    const results = await render(cases.map((c) => c.text));
    results.forEach((result, i) => {
      const c = cases[i]!;
      expect(result.error, `${c.name}:\n${c.text}`).toBeUndefined();
      expect(result.svg).toMatch(/^<svg[\s>]/);
      const visible = squash(result.text!);
      for (const line of c.expected) expect(visible, `${c.name}: label ${JSON.stringify(line)}`).toContain(squash(line));
    });
    expect(consoleErrors).toEqual([]);
  }, 120_000);

  it(
    'renders generated labels of any characters in both diagram kinds',
    async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(LABEL_TEXT, { minLength: 22, maxLength: 22 }), async (labels) => {
          const diagrams = labelDiagrams(labels);
          const errorsBefore = consoleErrors.length;
          const results = await render(diagrams.map(renderMermaid));
          expect(consoleErrors.slice(errorsBefore)).toEqual([]);
          results.forEach((result, i) => {
            expect(result.error, renderMermaid(diagrams[i]!)).toBeUndefined();
            const visible = squash(result.text!);
            for (const line of visibleLines(diagrams[i]!)) expect(visible).toContain(squash(line));
          });
        }),
        { numRuns: BROWSER_RUNS },
      );
      expect(consoleErrors).toEqual([]);
    },
    Math.max(120_000, BROWSER_RUNS * 2_000),
  );
});

const hasDot = spawnSync('dot', ['-V'], { encoding: 'utf8' }).status === 0;
if (!hasDot) console.warn('graph.test.ts: Graphviz `dot` not found, skipping the tests that render DOT (install the graphviz package to run them)');

/** Undo the XML escaping of Graphviz's SVG text. */
const unXml = (s: string) =>
  s
    .replace(/&#(\d+);/g, (_, n: string) => String.fromCodePoint(Number(n)))
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;|&apos;/g, "'")
    .replace(/&amp;/g, '&');

describe.skipIf(!hasDot)('DOT output renders with Graphviz', () => {
  it('dot -Tsvg accepts every example and the stress playbook without warnings, with every label', async () => {
    for (const path of [...EXAMPLE_FILES, STRESS_FILE]) {
      const r = await cli(['graph', path, '--format', 'dot']);
      expect(r.code).toBe(0);
      const dot = spawnSync('dot', ['-Tsvg'], { input: r.out, encoding: 'utf8' });
      expect(dot.status, `${path}: ${dot.stderr}`).toBe(0);
      expect(dot.stderr).toBe('');
      expect(dot.stdout).toContain('<svg');
      const texts = squash([...dot.stdout.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => unXml(m[1]!)).join('\n'));
      for (const d of buildDiagrams(irOfFile(path))) {
        for (const line of visibleLines(d)) expect(texts, `${path} ${d.title}: ${line}`).toContain(squash(line));
      }
    }
  }, 60_000);

  it(
    'dot accepts generated labels of any characters',
    () => {
      fc.assert(
        fc.property(fc.array(LABEL_TEXT, { minLength: 22, maxLength: 22 }), (labels) => {
          const diagrams = labelDiagrams(labels);
          const dot = spawnSync('dot', ['-Tsvg'], { input: renderDot(diagrams, labels[0]!), encoding: 'utf8' });
          expect(dot.status, dot.stderr).toBe(0);
          const texts = squash([...dot.stdout.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => unXml(m[1]!)).join('\n'));
          for (const d of diagrams) for (const line of visibleLines(d)) expect(texts).toContain(squash(line));
        }),
        { numRuns: Math.ceil(BROWSER_RUNS / 2) },
      );
    },
    Math.max(60_000, BROWSER_RUNS * 1_000),
  );
});

it('renderMermaidAll separates diagrams so each chunk starts with its title comment', () => {
  const diagrams = buildDiagrams(irOfFile(STRESS_FILE));
  const chunks = renderMermaidAll(diagrams).split(/^(?=%% )/m);
  expect(chunks.map((c) => c.split('\n')[0])).toEqual(diagrams.map((d) => `%% ${d.title}`));
});

/**
 * `playbook fmt`: golden cases for every construct and for comments, the examples and docs,
 * properties over generated playbooks (idempotent, same IR, layout-independent, never throws),
 * and the CLI. Set FMT_SEED to replay a property failure, FMT_RUNS to change the run count.
 */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { run } from '../src/cli/main.js';
import type { Io } from '../src/cli/io.js';
import { compile } from '../src/compiler/compile.js';
import { formatPlaybook, type FormatResult } from '../src/format/index.js';
import { fillGaps, gapsArb, plain, playbookTemplateArb } from './fmt-playbooks.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const RUNS = Number(process.env.FMT_RUNS ?? 60);
/** Generated playbooks are large: allow about a second per run on a busy machine. */
const TIMEOUT = 30_000 + RUNS * 1_000;
const params = (numRuns = RUNS) => (process.env.FMT_SEED ? { numRuns, seed: Number(process.env.FMT_SEED) } : { numRuns });

function fmt(source: string): string {
  const r = formatPlaybook(source);
  if (!r.ok) throw new Error(`not formatted: ${JSON.stringify(r)}`);
  return r.text;
}

/**
 * The IR (with unnamed jobs and one-offs, which are named after their line, numbered by first appearance
 * instead) and the comments of a playbook that compiles with no errors.
 */
function compiled(source: string): { ir: unknown; comments: string[] } {
  const r = compile(source, { file: 'x.playbook' });
  const errors = r.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length) throw new Error(`does not compile: ${errors.map((d) => `${d.line}:${d.column} ${d.code} ${d.message}`).join('; ')}\n${source}`);
  const seen = new Map<string, string>();
  const ir = JSON.parse(
    JSON.stringify(r.ir).replace(/(?:every|on)_line_\d+/g, (m) => {
      if (!seen.has(m)) seen.set(m, `unnamed_${seen.size}`);
      return seen.get(m)!;
    }),
  );
  return { ir, comments: r.ast.comments.map((c) => c.text.trimEnd()) };
}

const irOf = (source: string) => compiled(source).ir;

/** Lines joined with \n plus the final newline: golden outputs read like the file. */
const lines = (...ls: string[]) => ls.join('\n') + '\n';

// ------------------------------------------------------------------ golden cases

interface Golden {
  name: string;
  input: string;
  output: string;
}

const HEADER = 'playbook "G" { timezone "Asia/Shanghai" }\n';
const HEADER_OUT = lines('playbook "G" {', '  timezone "Asia/Shanghai"', '}', '');

const constructs: Golden[] = [
  {
    name: 'header: one item per line; empty braces dropped',
    input: 'playbook "Demo" { timezone "Asia/Shanghai"; locale "zh-CN" ; description "d" }',
    output: lines('playbook "Demo" {', '  timezone "Asia/Shanghai"', '  locale "zh-CN"', '  description "d"', '}'),
  },
  { name: 'header without items', input: 'playbook   "X" {  }', output: lines('playbook "X"') },
  {
    name: 'roles: comma lists, full-width commas become ASCII',
    input: HEADER + 'roles kol ,volunteer、讲师，owner2',
    output: HEADER_OUT + lines('roles kol, volunteer, 讲师, owner2'),
  },
  {
    name: 'events: short field lists on one line, one `?` after the name',
    input: HEADER + 'event quiz.answered { score : number ; topic : text? , tags? : string[] \n correct: boolean }\nevent empty.one {}',
    output: HEADER_OUT + lines('event quiz.answered { score: number, topic?: text, tags?: string[], correct: boolean }', 'event empty.one {}'),
  },
  {
    name: 'events: long field lists one per line',
    input: HEADER + 'event long.one { aaaaaaaaaaaa: number, bbbbbbbbbbbbbbb: string, cccccccccccccccccc: boolean, dddddddddddddd: string[] }',
    output:
      HEADER_OUT +
      lines('event long.one {', '  aaaaaaaaaaaa: number', '  bbbbbbbbbbbbbbb: string', '  cccccccccccccccccc: boolean', '  dddddddddddddd: string[]', '}'),
  },
  {
    name: 'templates and segments: `:` and `=` become the main spelling',
    input: HEADER + 'template a: "x"\ntemplate b = "y"\ntemplate c "z"\nsegment s = member.points>=5\nsegment t : member in s or member tagged "v"',
    output:
      HEADER_OUT +
      lines('template a "x"', 'template b "y"', 'template c "z"', 'segment s where member.points >= 5', 'segment t where member in s or member tagged "v"'),
  },
  {
    name: 'rituals: one clause per line, short action lists after `:`',
    input:
      HEADER +
      'ritual onboarding { starts on member.joined\n say to member "hi" \nstep intro "自我介绍" : message.posted where text matches /^a-b$/ \n remind after 12h { say to member "a" ; notify admins "b" }\n deadline 24h: { remove member reason "x" } \n cancel on member.left\n done: tag member "m"; award +10 points; say "c" }',
    output:
      HEADER_OUT +
      lines(
        'ritual onboarding {',
        '  starts on member.joined',
        '  say to member "hi"',
        '  step intro "自我介绍": message.posted where text matches /^a-b$/',
        '  remind after 12h: say to member "a"; notify admins "b"',
        '  deadline 24h: remove member reason "x"',
        '  cancel on member.left',
        '  done {',
        '    tag member "m"',
        '    award +10 points',
        '    say "c"',
        '  }',
        '}',
      ),
  },
  {
    name: 'rules: clauses in their order, `do` with up to two short actions on one line',
    input:
      HEADER +
      'roles kol\nladder ads { 1: say to member "w" }\nrule no_ads { on message.posted, reaction.added where emoji = "💰" when member.joinedDays<3 unless member has role admin; unless member has role kol priority -10 once per member do delete message ; warn member "ads" on ladder ads }',
    output:
      HEADER_OUT +
      lines(
        'roles kol',
        '',
        'ladder ads {',
        '  1: say to member "w"',
        '}',
        '',
        'rule no_ads {',
        '  on message.posted, reaction.added where emoji == "💰"',
        '  when member.joinedDays < 3',
        '  unless member has role admin',
        '  unless member has role kol',
        '  priority -10',
        '  once per member',
        '  do delete message; warn member "ads" on ladder ads',
        '}',
      ),
  },
  {
    name: 'rules: three actions, or two that do not fit, go one per line in braces',
    input:
      HEADER +
      'rule a { on message.posted do delete message say "a" say "b" }\nrule b { on message.posted do {} }\nrule c { on order.paid do award 50 points reason "a long reason for this award" unmultiplied; say to member "and a long message to go with it" }',
    output:
      HEADER_OUT +
      lines(
        'rule a {',
        '  on message.posted',
        '  do {',
        '    delete message',
        '    say "a"',
        '    say "b"',
        '  }',
        '}',
        '',
        'rule b {',
        '  on message.posted',
        '  do {}',
        '}',
        '',
        'rule c {',
        '  on order.paid',
        '  do {',
        '    award 50 points reason "a long reason for this award" unmultiplied',
        '    say to member "and a long message to go with it"',
        '  }',
        '}',
      ),
  },
  {
    name: 'ladders',
    input: HEADER + 'ladder ads { expire 30d; 1: say to member "a"; 2 { mute member for 1d ; say to member "b" } 3: remove member }',
    output:
      HEADER_OUT + lines('ladder ads {', '  expire 30d', '  1: say to member "a"', '  2: mute member for 1d; say to member "b"', '  3: remove member', '}'),
  },
  {
    name: 'points: always a block, signs stick to the amount',
    input:
      HEADER + 'points { message.posted: + 1 cooldown 60s cap 20 per day cap 50 points per week reason "发言", checkin.done : 5 points; member.left: - 10 }',
    output:
      HEADER_OUT +
      lines(
        'points {',
        '  message.posted: +1 cooldown 60s cap 20 per day cap 50 points per week reason "发言"',
        '  checkin.done: 5 points',
        '  member.left: -10',
        '}',
      ),
  },
  {
    name: 'levels: on one line when they fit, joined by `;`',
    input: HEADER + 'levels {\n 新人 at 0\n 活跃 at 20 points, 核心 at 40 }',
    output: HEADER_OUT + lines('levels { 新人 at 0; 活跃 at 20 points; 核心 at 40 }'),
  },
  {
    name: 'badges: empty braces dropped, one action after `:`',
    input: HEADER + 'badge a when member.points > 5 {}\nbadge b streak 7 days of checkin.done { say "恭喜" }\nbadge c when count(message.posted)>=100',
    output:
      HEADER_OUT + lines('badge a when member.points > 5', 'badge b streak 7 days of checkin.done: say "恭喜"', 'badge c when count(message.posted) >= 100'),
  },
  {
    name: 'leaderboards and calendars',
    input:
      HEADER +
      'points { message.posted: +1 }\nleaderboard 周榜 weekly top 3 by points every mon,wed - fri at 09:00 , 21:00 { say "a" }\nleaderboard monthly top 10 by points every month on 1,15 at 10:00 : say "b"',
    output:
      HEADER_OUT +
      lines(
        'points {',
        '  message.posted: +1',
        '}',
        '',
        'leaderboard 周榜 weekly top 3 by points every mon, wed-fri at 09:00, 21:00: say "a"',
        'leaderboard monthly top 10 by points every month on 1, 15 at 10:00: say "b"',
      ),
  },
  {
    name: 'lifecycles: transitions line up until a blank line; → becomes ->',
    input:
      HEADER +
      'lifecycle member { initial newcomer\n newcomer → active when count(message.posted within 7d) ≥ 3\n active -> dormant after 14d without message.posted { say to member "好久不见" }\n\n dormant -> active on message.posted\n 活跃 -> done on order.paid where amount > 0 }',
    output:
      HEADER_OUT +
      lines(
        'lifecycle member {',
        '  initial newcomer',
        '  newcomer -> active  when count(message.posted within 7d) >= 3',
        '  active   -> dormant after 14d without message.posted { say to member "好久不见" }',
        '',
        '  dormant -> active on message.posted',
        '  活跃    -> done   on order.paid where amount > 0',
        '}',
      ),
  },
  {
    name: 'schedules: offsets spaced like arithmetic',
    input:
      HEADER +
      'schedule discussion every 周一-周五 19:20 until 20:00 attendance by checkin.done { at start: say "开始"; at start+20m : say to silent members unless member has role admin "说说?"\n at end -5m: say "快结束" }',
    output:
      HEADER_OUT +
      lines(
        'schedule discussion every 周一-周五 19:20 until 20:00 attendance by checkin.done {',
        '  at start: say "开始"',
        '  at start + 20m: say to silent members unless member has role admin "说说?"',
        '  at end - 5m: say "快结束"',
        '}',
      ),
  },
  {
    name: 'jobs, named and unnamed; a long single action goes in braces',
    input:
      HEADER +
      'every day at 9:00: say "早安"\njob cleanup every week on sun at 22:00 { say to admins "a" ; say to channel "管理" "b" }\nevery month on 1 at 10:00 { remove members where member.joinedDays > 30 and count(message.posted) == 0 reason "加入一个月未发言" }',
    output:
      HEADER_OUT +
      lines(
        'every day at 9:00: say "早安"',
        'job cleanup every week on sun at 22:00: say to admins "a"; say to channel "管理" "b"',
        '',
        'every month on 1 at 10:00 {',
        '  remove members where member.joinedDays > 30 and count(message.posted) == 0 reason "加入一个月未发言"',
        '}',
      ),
  },
  {
    name: 'campaigns: stages, multipliers, enter/exit, stage rules, goals',
    input:
      HEADER +
      'campaign d11 { stage warmup from 2026-10-20 to 2026-10-31 { points ×2\n invite.accepted: +10\n rule bait { on invite.accepted when count(invite.accepted by member)>=3 do award 50 points unmultiplied } }\n stage sale from 2026-11-01 to 2026-11-11 { on enter say "开始"; say "!"\n on exit { say "结束" } }\n stage after from 2026-11-12 {}\n goal orders when count(order.paid) >= 5 { notify admins "done" } }',
    output:
      HEADER_OUT +
      lines(
        'campaign d11 {',
        '  stage warmup from 2026-10-20 to 2026-10-31 {',
        '    points * 2',
        '    invite.accepted: +10',
        '    rule bait {',
        '      on invite.accepted',
        '      when count(invite.accepted by member) >= 3',
        '      do award 50 points unmultiplied',
        '    }',
        '  }',
        '  stage sale from 2026-11-01 to 2026-11-11 {',
        '    on enter: say "开始"; say "!"',
        '    on exit: say "结束"',
        '  }',
        '  stage after from 2026-11-12',
        '  goal orders when count(order.paid) >= 5: notify admins "done"',
        '}',
      ),
  },
  {
    name: 'conditions: spacing, parentheses kept, operators in ASCII',
    input:
      HEADER +
      'roles kol\nschedule s every day 09:00 { at start: say "x" }\nrule r { on message.posted where ( text contains "?"or text matches any[ "a" , /b/i ] ) and not member has role kol\n when member.points≠-1 and absences( s,30d )>=3 and count( message.posted by member within 10s ) > 5 and in stage c.main\n do say "x" }\ncampaign c { stage main from 2026-01-01 }',
    output:
      HEADER_OUT +
      lines(
        'roles kol',
        '',
        'schedule s every day 09:00 {',
        '  at start: say "x"',
        '}',
        '',
        'rule r {',
        '  on message.posted where (text contains "?" or text matches any ["a", /b/i]) and not member has role kol',
        '  when member.points != -1 and absences(s, 30d) >= 3 and count(message.posted by member within 10s) > 5 and in stage c.main',
        '  do say "x"',
        '}',
        '',
        'campaign c {',
        '  stage main from 2026-01-01',
        '}',
      ),
  },
  {
    name: 'strings: one canonical escaping for the same text',
    input: HEADER + 'every day at 09:00: say "\\u4e2d\\u{1F4DA} \\{x\\} \\"q\\" \\\\ \\/ \\n\\t"',
    output: HEADER_OUT + lines('every day at 09:00: say "中📚 \\{x\\} \\"q\\" \\\\ / \\n\\t"'),
  },
  {
    name: 'strings: invisible and bidirectional characters stay escaped',
    input: HEADER + 'every day at 09:00: say "a\\u202eb\\u200fc\\ufffd"',
    output: HEADER_OUT + lines('every day at 09:00: say "a\\u202eb\\u200fc\\ufffd"'),
  },
  {
    name: 'words are kept as written: weekday names, synonyms, optional words',
    input:
      HEADER +
      'every 周六, 周日 10:00: say "a"\nleaderboard alltime top 5 by points every sunday at 21:00: say "b"\nrule r { on order.paid do deduct 5 points; mute member for 10m }',
    output:
      HEADER_OUT +
      lines(
        'every 周六, 周日 10:00: say "a"',
        'leaderboard alltime top 5 by points every sunday at 21:00: say "b"',
        '',
        'rule r {',
        '  on order.paid',
        '  do deduct 5 points; mute member for 10m',
        '}',
      ),
  },
];

const comments: Golden[] = [
  {
    name: 'own-line comments stay before their item, trailing ones at the end of the line',
    input:
      '# header comment\nplaybook "C" { timezone "Asia/Shanghai" } # trailing\n\n\n\n# about the rule\nrule r {   # opens\n  on message.posted   # event\n  # before when\n  when text contains "x"\n  do say "a" # after a\n     say "b"\n\n\n  # closing notes\n}\n# end 1\n\n# end 2',
    output: lines(
      '# header comment',
      'playbook "C" {',
      '  timezone "Asia/Shanghai"',
      '} # trailing',
      '',
      '# about the rule',
      'rule r { # opens',
      '  on message.posted # event',
      '  # before when',
      '  when text contains "x"',
      '  do {',
      '    say "a" # after a',
      '    say "b"',
      '  }',
      '',
      '  # closing notes',
      '}',
      '# end 1',
      '',
      '# end 2',
    ),
  },
  {
    name: 'a comment inside a line moves up to its own line',
    input: HEADER + 'rule r { on message.posted when text\n  # explains the second half\n  contains "x" do say "a" }',
    output: HEADER_OUT + lines('rule r {', '  on message.posted', '  # explains the second half', '  when text contains "x"', '  do say "a"', '}'),
  },
  {
    name: 'a comment between actions keeps the list broken',
    input: HEADER + 'ladder l { 1: say to member "a"; # one\n  mute member 1h # two\n  2: remove member }',
    output: HEADER_OUT + lines('ladder l {', '  1 {', '    say to member "a" # one', '    mute member 1h # two', '  }', '  2: remove member', '}'),
  },
  {
    name: 'two comments that end up on one line: the first moves up',
    input: HEADER + 'rule r { on message.posted when text # what\n contains "x" # why\n do say "a" }',
    output: HEADER_OUT + lines('rule r {', '  on message.posted', '  # what', '  when text contains "x" # why', '  do say "a"', '}'),
  },
  {
    name: 'a comment inside an action list breaks the list; one inside an action moves up',
    input: HEADER + 'rule r { on message.posted do say to member # to whom\n "hi" # what\n}',
    output: HEADER_OUT + lines('rule r {', '  on message.posted', '  do {', '    # to whom', '    say to member "hi" # what', '  }', '}'),
  },
  {
    name: 'comments stay in order around dropped punctuation',
    input: HEADER + 'every day at 09:00\n# one\n: # two\nsay "a" # three\nrule r { on message.posted do say "b" }\n# four\n; # five\n',
    output:
      HEADER_OUT +
      lines('# one', '# two', 'every day at 09:00: say "a" # three', '', 'rule r {', '  on message.posted', '  do say "b"', '}', '# four', '# five'),
  },
  {
    name: 'a comment after a dropped separator stays on its line',
    input: HEADER + 'levels {\n a at 0;   # start\n b at 10 }\nrule r { on message.posted do say "a" }\n;  # after the rule',
    output: HEADER_OUT + lines('levels {', '  a at 0 # start', '  b at 10', '}', '', 'rule r {', '  on message.posted', '  do say "a"', '} # after the rule'),
  },
  {
    name: 'comments in otherwise empty blocks keep the block',
    input: HEADER + 'badge b when member.points > 5 {\n # nothing yet\n}\nevent e.x {\n # fields later\n}',
    output: HEADER_OUT + lines('badge b when member.points > 5 {', '  # nothing yet', '}', '', 'event e.x {', '  # fields later', '}'),
  },
  {
    name: 'a file of comments only',
    input: '\n\n# one\n\n\n# two\n   # three   \n',
    output: lines('# one', '', '# two', '# three'),
  },
];

const blanks: Golden[] = [
  {
    name: 'one blank line at most; none after `{` or before `}`',
    input: HEADER + '\n\n\nrule r {\n\n\n  on message.posted\n\n\n\n  do say "a"\n\n}\n\n\n\nevery day at 09:00: say "b"\n\n\n',
    output: HEADER_OUT + lines('rule r {', '  on message.posted', '', '  do say "a"', '}', '', 'every day at 09:00: say "b"'),
  },
  {
    name: 'one-line items stay together unless a blank line separated them; blocks get one around them',
    input:
      HEADER +
      'template a "x"\ntemplate b "y"\n\ntemplate c "z"\nrule r { on message.posted do say a }\nsegment s where member.points > 1\nsegment t where member.points > 2',
    output:
      HEADER_OUT +
      lines(
        'template a "x"',
        'template b "y"',
        '',
        'template c "z"',
        '',
        'rule r {',
        '  on message.posted',
        '  do say a',
        '}',
        '',
        'segment s where member.points > 1',
        'segment t where member.points > 2',
      ),
  },
  {
    name: 'CRLF, tabs, ideographic spaces and a byte-order mark',
    input: '\uFEFFplaybook "W" {\r\n\ttimezone\u3000"Asia/Shanghai"\r\n}\r\nroles\tkol\r\n',
    output: lines('playbook "W" {', '  timezone "Asia/Shanghai"', '}', '', 'roles kol'),
  },
  { name: 'an empty file stays empty', input: '  \n\n', output: '' },
];

describe('fmt golden cases', () => {
  for (const [group, cases] of [
    ['constructs', constructs],
    ['comments', comments],
    ['blank lines', blanks],
  ] as const) {
    describe(group, () => {
      it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
        const out = fmt(c.input);
        expect(out).toBe(c.output);
        expect(fmt(out)).toBe(out);
        const before = compile(c.input);
        if (before.errors === 0) expect(irOf(out)).toEqual(irOf(c.input));
      });
    });
  }
});

// ------------------------------------------------------------------ what is not formatted

describe('fmt refuses what it cannot format faithfully', () => {
  it('leaves files with syntax errors alone and returns their diagnostics', () => {
    const r = formatPlaybook('rule r { on message.posted do say "unterminated }\n', { file: 'bad.playbook' });
    expect(r.ok).toBe(false);
    const failure = r as Extract<FormatResult, { reason: 'syntax' }>;
    expect(failure.reason).toBe('syntax');
    expect(failure.diagnostics.map((d) => d.code)).toContain('E0003');
    expect(failure.diagnostics[0]!.file).toBe('bad.playbook');
  });

  it('formats files whose only problems are semantic (like gofmt with type errors)', () => {
    const r = formatPlaybook('rule r{on message.postd do warn member on ladder nope}');
    expect(r).toEqual({ ok: true, changed: true, text: lines('rule r {', '  on message.postd', '  do warn member on ladder nope', '}') });
  });

  it('refuses `: { … }` followed by an action, which earlier parsers read as replacing the braces', () => {
    const src = HEADER + 'ritual r {\n  starts on member.joined\n  deadline 24h: { say to member "a" }\n  say to member "b"\n}\n';
    const r = formatPlaybook(src);
    expect(r).toMatchObject({ ok: false, reason: 'unsupported', line: 4 });
    // Without the `:` it is an ordinary block and formats.
    expect(formatPlaybook(src.replace('24h: {', '24h {')).ok).toBe(true);
  });

  it('reports unchanged input as unchanged', () => {
    const tidy = lines('playbook "G" {', '  timezone "Asia/Shanghai"', '}');
    expect(formatPlaybook(tidy)).toEqual({ ok: true, changed: false, text: tidy });
  });
});

// ------------------------------------------------------------------ examples and docs

const exampleFiles = readdirSync(join(root, 'examples')).filter((f) => f.endsWith('.playbook') && !f.endsWith('.test.playbook'));

describe('examples', () => {
  it('there are examples', () => expect(exampleFiles.length).toBeGreaterThanOrEqual(8));

  it.each(exampleFiles)('%s is formatted (fmt --check is clean)', (f) => {
    const source = readFileSync(join(root, 'examples', f), 'utf8');
    expect(fmt(source)).toBe(source);
  });
});

function playbookBlocks(markdown: string): { line: number; source: string; before: string }[] {
  const out: { line: number; source: string; before: string }[] = [];
  for (const m of markdown.matchAll(/^```playbook[^\n]*\n([\s\S]*?)^```[ \t]*$/gm)) {
    const preceding = markdown.slice(0, m.index).trimEnd().split('\n');
    out.push({ line: preceding.length + 1, source: m[1]!, before: preceding[preceding.length - 1] ?? '' });
  }
  return out;
}

describe('docs', () => {
  const language = playbookBlocks(readFileSync(join(root, 'docs/language.md'), 'utf8'));
  it.each(language.map((b) => [b.line, b.source] as const))('language.md example at line %i keeps its IR and formats idempotently', (_line, source) => {
    const out = fmt(source);
    expect(fmt(out)).toBe(out);
    expect(irOf(out)).toEqual(irOf(source));
  });

  const formatting = playbookBlocks(readFileSync(join(root, 'docs/formatting.md'), 'utf8'));
  it('formatting.md has examples', () => expect(formatting.length).toBeGreaterThanOrEqual(4));
  it.each(formatting.map((b, i) => [b.line, b, formatting[i + 1]] as const))('formatting.md example at line %i', (_line, block, next) => {
    if (/^Before:?$/.test(block.before.trim())) {
      // A "Before:" block is followed by the formatter's output for it.
      expect(next, 'a Before: block needs a block after it').toBeDefined();
      expect(fmt(block.source)).toBe(next!.source);
    } else {
      expect(fmt(block.source)).toBe(block.source);
    }
  });
});

// ------------------------------------------------------------------ properties

/** Whitespace without blank lines or comments: playbooks that differ only in these format alike. */
const PLAIN_GAPS = [' ', '  ', '\t', '\n', '\n    ', '\u3000', '\r\n'];
function refill(template: string, picks: number[]): string {
  let k = 0;
  return template.replace(/[\u0001-\u0004]/g, (m) => {
    const choice = PLAIN_GAPS[picks[k++ % picks.length]! % PLAIN_GAPS.length]!;
    if (m === '\u0002') return choice.includes('\n') ? ' ' : choice; // same line
    if (m === '\u0004') return choice.includes('\n') ? choice : '\n' + choice; // a line break
    return choice;
  });
}

describe('fmt properties', () => {
  it(
    'generated playbooks: formatted once is formatted, and the IR is the same',
    () => {
      fc.assert(
        fc.property(playbookTemplateArb, gapsArb, (template, gaps) => {
          for (const source of [plain(template), fillGaps(template, gaps)]) {
            const once = fmt(source);
            expect(fmt(once)).toBe(once);
            const before = compiled(source);
            const after = compiled(once);
            expect(after.ir).toEqual(before.ir);
            expect(after.comments).toEqual(before.comments);
          }
        }),
        params(),
      );
    },
    TIMEOUT,
  );

  it(
    'layout is canonical: the same playbook spread differently over lines formats the same',
    () => {
      fc.assert(
        fc.property(
          playbookTemplateArb,
          fc.array(fc.nat(), { minLength: 1, maxLength: 40 }),
          fc.array(fc.nat(), { minLength: 1, maxLength: 40 }),
          (template, a, b) => {
            expect(fmt(refill(template, a))).toBe(fmt(refill(template, b)));
          },
        ),
        params(Math.ceil(RUNS / 2)),
      );
    },
    TIMEOUT,
  );

  it(
    'never throws on arbitrary text, and whatever it formats stays formatted',
    () => {
      const text = fc.oneof(
        fc.string({ unit: 'grapheme', maxLength: 200 }),
        fc.string({ unit: fc.constantFrom(...'rule r{ }on do say"#\n;:,.-+>=()[]/\\0123456789aàé中 \t\r→≥'.split('')), maxLength: 200 }),
      );
      fc.assert(
        fc.property(text, (src) => {
          const r = formatPlaybook(src);
          if (r.ok) expect(fmt(r.text)).toBe(r.text);
          else expect(r.reason).not.toBe('internal');
        }),
        params(RUNS * 5),
      );
    },
    TIMEOUT,
  );

  it(
    'never throws on damaged playbooks (characters dropped, doubled or inserted)',
    () => {
      const damage = fc.record({ at: fc.nat(), len: fc.nat(6), insert: fc.constantFrom('', '{', '}', '"', '#', ':', ';', '\n', 'do', ' and ', '/', '-') });
      fc.assert(
        fc.property(playbookTemplateArb, gapsArb, fc.array(damage, { minLength: 1, maxLength: 3 }), (template, gaps, damages) => {
          let src = fillGaps(template, gaps);
          for (const d of damages) {
            const at = d.at % (src.length + 1);
            src = src.slice(0, at) + d.insert + src.slice(at + d.len);
          }
          const r = formatPlaybook(src);
          if (r.ok) expect(fmt(r.text)).toBe(r.text);
          else expect(r.reason).not.toBe('internal');
        }),
        params(),
      );
    },
    TIMEOUT,
  );
});

// ------------------------------------------------------------------ CLI

const tmp = mkdtempSync(join(tmpdir(), 'playbook-fmt-'));
function file(name: string, text: string): string {
  const p = join(tmp, name);
  writeFileSync(p, text);
  return p;
}

async function cli(args: string[], stdin?: string): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: Io & { readStdin?: () => Promise<string> } = { out: (t) => void (out += t), err: (t) => void (err += t), isTTY: false };
  if (stdin !== undefined) io.readStdin = async () => stdin;
  const code = await run(args, io);
  return { code, out, err };
}

const MESSY = 'playbook "M" { timezone "Asia/Shanghai" }\nrule r { on message.posted do say "a" }\n';
const TIDY = fmt(MESSY);

describe('playbook fmt', () => {
  it('rewrites changed files in place and prints their names', async () => {
    const messy = file('messy.playbook', MESSY);
    const tidy = file('tidy.playbook', TIDY);
    const r = await cli(['fmt', messy, tidy]);
    expect(r).toEqual({ code: 0, out: `${messy}\n`, err: '' });
    expect(readFileSync(messy, 'utf8')).toBe(TIDY);
    expect(readFileSync(tidy, 'utf8')).toBe(TIDY);
    expect(await cli(['fmt', messy])).toEqual({ code: 0, out: '', err: '' });
  });

  it('--check lists files that would change, writes nothing, exits 1', async () => {
    const messy = file('check-messy.playbook', MESSY);
    const tidy = file('check-tidy.playbook', TIDY);
    const r = await cli(['fmt', '--check', messy, tidy]);
    expect(r).toEqual({ code: 1, out: `${messy}\n`, err: '' });
    expect(readFileSync(messy, 'utf8')).toBe(MESSY);
    expect(await cli(['fmt', '--check', tidy])).toEqual({ code: 0, out: '', err: '' });
  });

  it('--check is clean on the examples', async () => {
    const r = await cli(['fmt', '--check', ...exampleFiles.map((f) => join(root, 'examples', f))]);
    expect(r).toEqual({ code: 0, out: '', err: '' });
  });

  it('leaves a file with syntax errors untouched, prints its diagnostics and exits 1', async () => {
    const text = 'rule r { on message.posted do say "a" \nrule s { }\n';
    const bad = file('bad.playbook', text);
    const messy = file('with-bad.playbook', MESSY);
    const r = await cli(['fmt', bad, messy]);
    expect(r.code).toBe(1);
    expect(r.out).toBe(`${messy}\n`);
    expect(r.err).toMatch(new RegExp(`${bad.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+:\\d+: error\\[E0010\\]`));
    expect(r.err).toContain(`playbook fmt: ${bad}: not formatted`);
    expect(r.err).not.toMatch(/\n\s+at /);
    expect(readFileSync(bad, 'utf8')).toBe(text);
  });

  it('reports what it refuses to lay out, with the line', async () => {
    const p = file('refused.playbook', HEADER + 'ritual r {\n  starts on member.joined\n  deadline 24h: { say to member "a" }\n  say to member "b"\n}\n');
    const r = await cli(['fmt', p]);
    expect(r.code).toBe(1);
    expect(r.err).toContain(`${p}:4: not formatted`);
  });

  it('- and --stdin read standard input and write the formatted text to standard output', async () => {
    expect(await cli(['fmt', '-'], MESSY)).toEqual({ code: 0, out: TIDY, err: '' });
    expect(await cli(['fmt', '--stdin'], TIDY)).toEqual({ code: 0, out: TIDY, err: '' });
    expect(await cli(['fmt', '-', '--check'], MESSY)).toEqual({ code: 1, out: '<stdin>\n', err: '' });
    expect(await cli(['fmt', '--stdin', '--check'], TIDY)).toEqual({ code: 0, out: '', err: '' });
    const bad = await cli(['fmt', '-'], 'rule {');
    expect(bad.code).toBe(1);
    expect(bad.out).toBe('');
    expect(bad.err).toContain('<stdin>:1:');
  });

  it('exits 2 on usage problems and unreadable files', async () => {
    expect((await cli(['fmt'])).code).toBe(2);
    expect((await cli(['fmt', '--bogus', 'x'])).code).toBe(2);
    expect((await cli(['fmt', '-', 'x.playbook'], '')).code).toBe(2);
    const missing = await cli(['fmt', join(tmp, 'missing.playbook')]);
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('no such file');
    // A folder with no playbook in it (a folder with some formats them: test/cli-folders.test.ts).
    expect((await cli(['fmt', mkdtempSync(join(tmpdir(), 'playbook-no-playbooks-'))])).code).toBe(2);
  });

  it('prints help', async () => {
    const r = await cli(['fmt', '--help']);
    expect(r.code).toBe(0);
    expect(r.out).toContain('Usage: playbook fmt FILE|FOLDER... [--check]');
  });
});

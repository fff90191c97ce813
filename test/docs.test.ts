import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { compile } from '../src/compiler/compile.js';
import { runCli } from './helpers/cli.js';
import { CODES } from '../src/parser/diagnostic-codes.js';

/**
 * The docs are part of the product: every ```playbook example in docs/language.md must compile
 * with no errors; docs/diagnostics.md must list exactly the diagnostic codes the source can
 * emit; every block and output of docs/tutorial.md must be what the tool does (its convention is
 * described above its tests below); docs/embedding.md's example bot must type-check and print
 * what the page shows; docs/cli.md must document every command and option.
 */

const root = fileURLToPath(new URL('..', import.meta.url));
const read = (rel: string) => readFileSync(join(root, rel), 'utf8');

interface Block {
  line: number;
  source: string;
}

function playbookBlocks(markdown: string): Block[] {
  const out: Block[] = [];
  const re = /^```playbook[^\n]*\n([\s\S]*?)^```[ \t]*$/gm;
  for (const m of markdown.matchAll(re)) {
    out.push({ line: markdown.slice(0, m.index).split('\n').length, source: m[1]! });
  }
  return out;
}

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...sourceFiles(path));
    else if (/\.(?:ts|mts|js|mjs)$/.test(name) && !name.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

describe('docs/language.md', () => {
  const markdown = read('docs/language.md');
  const blocks = playbookBlocks(markdown);

  it('has playbook examples and balanced code fences', () => {
    expect(blocks.length).toBeGreaterThan(20);
    expect((markdown.match(/^```/gm) ?? []).length % 2).toBe(0);
  });

  it.each(blocks.map((b) => [b.line, b] as const))('example at line %i compiles with no errors', (_line, block) => {
    const result = compile(block.source, { file: `docs/language.md:${block.line}` });
    const errors = result.diagnostics.filter((d) => d.severity === 'error').map((d) => `${block.line + d.line}:${d.column} ${d.code} ${d.message}`);
    expect(errors).toEqual([]);
    expect(result.ir).toBeDefined();
  });
});

describe('docs/diagnostics.md', () => {
  const markdown = read('docs/diagnostics.md');
  const documented = [...markdown.matchAll(/^\|\s*`?([EW]\d{4})`?\s*\|/gm)].map((m) => m[1]!);

  // The codes of the registry; test/diagnostic-registry.test.ts checks that the source reports each.
  const emitted = new Set<string>(CODES.filter((c) => /^[EW]/.test(c.code)).map((c) => c.code));

  it('lists each code once', () => {
    const dupes = documented.filter((c, i) => documented.indexOf(c) !== i);
    expect(dupes).toEqual([]);
    expect(documented.length).toBeGreaterThan(0);
  });

  it('documents every code the source can emit', () => {
    const missing = [...emitted].filter((c) => !documented.includes(c)).sort();
    expect(missing).toEqual([]);
  });

  it('documents no code the source does not emit', () => {
    const stale = documented.filter((c) => !emitted.has(c)).sort();
    expect(stale).toEqual([]);
  });

  it('gives every code a severity that matches its letter', () => {
    for (const m of markdown.matchAll(/^\|\s*`?([EW])\d{4}`?\s*\|\s*(\w+)\s*\|/gm)) {
      expect(m[2]).toBe(m[1] === 'E' ? 'error' : 'warning');
    }
  });
});

// ---------------------------------------------------------------------------------------------
// docs/tutorial.md
//
// The tutorial builds one playbook, `club.playbook`, step by step, and shows the commands an
// operator runs with their output. Its code blocks follow this convention, which the test
// enforces, so every block and every output shown is what the tool really does:
//
// - ```playbook            appended to club.playbook. It must compile with no errors on its own,
//                          and club.playbook so far must compile with no errors.
// - ```playbook fragment   appended to club.playbook like the above, but it may use names defined
//                          in earlier blocks, so only club.playbook so far is compiled.
// - ```playbook broken F   a separate file F, kept out of club.playbook, for showing errors.
// - ```jsonl events F      an events file F, one event per line.
// - ```sh                  commands. Each line `npx playbook check|simulate ...` runs through the
//                          real CLI, with the files above written to a temporary folder:
//                          · `check club.playbook` must report 0 errors and 0 warnings;
//                          · `check F` (a broken file) must print exactly the ```text block that
//                            follows (standard error, with the folder name removed);
//                          · `simulate ...` may be followed by `| grep -F 'TEXT'` (keep lines
//                            containing TEXT) or `| grep -vF 'TEXT'` (drop them), and must be
//                            followed by a ```jsonl actions block; every input line must be valid.
// - ```jsonl actions       the actions of the simulate command before it: the same number, in
//                          the same order, and each action has every field the block shows with
//                          the same value (`at` compared as an instant). Fields left out of the
//                          block (the tutorial omits `community` and `cause`) are not compared.

interface Fence {
  line: number;
  info: string[];
  body: string;
}

function fences(markdown: string): Fence[] {
  const out: Fence[] = [];
  for (const m of markdown.matchAll(/^```([^\n]*)\n([\s\S]*?)^```[ \t]*$/gm)) {
    out.push({ line: markdown.slice(0, m.index).split('\n').length, info: m[1]!.trim().split(/\s+/).filter(Boolean), body: m[2]! });
  }
  return out;
}

type TutorialStep =
  | { kind: 'block'; line: number; source: string; standalone: boolean; playbook: string }
  | { kind: 'check'; line: number; file: string; files: Map<string, string>; expected?: Fence }
  | { kind: 'simulate'; line: number; args: string[]; pipes: { keep: boolean; text: string }[]; files: Map<string, string>; expected?: Fence };

/** Reads the tutorial into the checks the convention above asks for. */
function tutorialSteps(markdown: string): { steps: TutorialStep[]; problems: string[] } {
  const steps: TutorialStep[] = [];
  const problems: string[] = [];
  const files = new Map<string, string>();
  let playbook = '';
  let waiting: Extract<TutorialStep, { kind: 'check' | 'simulate' }> | undefined;
  const all = fences(markdown);
  for (const f of all) {
    const [lang, kind, name] = f.info;
    if (waiting && !((lang === 'jsonl' && kind === 'actions') || lang === 'text')) {
      if (waiting.kind === 'simulate' || files.has(`broken:${waiting.file}`)) problems.push(`line ${waiting.line}: the command's output block is missing`);
      waiting = undefined;
    }
    if (lang === 'playbook' && (kind === undefined || kind === 'fragment')) {
      playbook += (playbook ? '\n' : '') + f.body;
      files.set('club.playbook', playbook);
      steps.push({ kind: 'block', line: f.line, source: f.body, standalone: kind === undefined, playbook });
    } else if (lang === 'playbook' && kind === 'broken' && name) {
      files.set(name, f.body);
      files.set(`broken:${name}`, '');
    } else if (lang === 'playbook') {
      problems.push(`line ${f.line}: unknown playbook block kind \`${f.info.join(' ')}\``);
    } else if (lang === 'jsonl' && kind === 'events' && name) {
      files.set(name, f.body);
    } else if (lang === 'jsonl' && kind === 'actions') {
      if (waiting?.kind === 'simulate') waiting.expected = f;
      else problems.push(`line ${f.line}: an actions block without a simulate command before it`);
      waiting = undefined;
    } else if (lang === 'text' && waiting?.kind === 'check') {
      waiting.expected = f;
      waiting = undefined;
    } else if (lang === 'sh') {
      for (const [i, raw] of f.body.split('\n').entries()) {
        const line = f.line + 1 + i;
        const m = /^npx playbook (\S+)\s+(.*)$/.exec(raw.trim());
        if (!m) continue;
        const [command, rest] = [m[1]!, m[2]!];
        const [cmd, ...pipeTexts] = rest.split(' | ');
        const pipes = pipeTexts.map((p) => {
          const g = /^grep (-F|-vF) '([^']*)'$/.exec(p.trim());
          if (!g) problems.push(`line ${line}: only \`grep -F 'TEXT'\` and \`grep -vF 'TEXT'\` may follow a command, not \`${p}\``);
          return { keep: g?.[1] === '-F', text: g?.[2] ?? '' };
        });
        const args = cmd!.trim().split(/\s+/);
        if (command === 'check') {
          waiting = { kind: 'check', line, file: args[0]!, files: new Map(files) };
          steps.push(waiting);
        } else if (command === 'simulate') {
          waiting = { kind: 'simulate', line, args, pipes, files: new Map(files) };
          steps.push(waiting);
        } else problems.push(`line ${line}: the tutorial only runs check and simulate, not \`${command}\` (add a check for it here)`);
      }
    }
  }
  if (waiting?.kind === 'simulate') problems.push(`line ${waiting.line}: the command's output block is missing`);
  return { steps, problems };
}

function writeFiles(files: Map<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'playbook-tutorial-'));
  for (const [name, text] of files) if (!name.startsWith('broken:')) writeFileSync(join(dir, name), text);
  return dir;
}

/** Differences between the actions printed and those the tutorial shows. */
function actionDifferences(printed: string[], expected: Fence): string[] {
  const want = expected.body.split('\n').filter((l) => l.trim());
  const problems: string[] = [];
  if (printed.length !== want.length) problems.push(`${printed.length} actions printed, ${want.length} shown`);
  want.forEach((line, i) => {
    const docLine = expected.line + 1 + i;
    let shown: Record<string, unknown>;
    try {
      shown = JSON.parse(line) as Record<string, unknown>;
    } catch {
      problems.push(`line ${docLine}: not JSON`);
      return;
    }
    const got = printed[i] === undefined ? undefined : (JSON.parse(printed[i]!) as Record<string, unknown>);
    if (!got) return;
    for (const [key, value] of Object.entries(shown)) {
      const same = key === 'at' ? Date.parse(String(got[key])) === Date.parse(String(value)) : JSON.stringify(got[key]) === JSON.stringify(value);
      if (!same) problems.push(`line ${docLine}: ${key} is ${JSON.stringify(got[key])}, the tutorial shows ${JSON.stringify(value)}\n  printed: ${printed[i]}`);
    }
  });
  return problems;
}

describe('docs/tutorial.md', () => {
  const markdown = read('docs/tutorial.md');
  const { steps, problems } = tutorialSteps(markdown);
  const blocks = steps.filter((s): s is Extract<TutorialStep, { kind: 'block' }> => s.kind === 'block');

  it('follows the block convention, with balanced fences', () => {
    expect(problems).toEqual([]);
    expect((markdown.match(/^```/gm) ?? []).length % 2).toBe(0);
    expect(blocks.length).toBeGreaterThanOrEqual(8);
    expect(steps.filter((s) => s.kind === 'simulate').length).toBeGreaterThanOrEqual(8);
  });

  it('covers the practices it promises', () => {
    const whole = blocks.at(-1)!.playbook;
    for (const construct of [
      /^ritual /m,
      /^rule no_ads/m,
      /^ladder /m,
      /^points /m,
      /^levels /m,
      /checkin\.done/,
      /^schedule /m,
      /absences\(/,
      /^campaign /m,
      /^lifecycle /m,
      /silent members/,
    ]) {
      expect(whole).toMatch(construct);
    }
  });

  it.each(blocks.map((b) => [b.line, b] as const))('playbook block at line %i compiles, alone and in club.playbook', (_line, block) => {
    if (block.standalone) {
      const alone = compile(block.source, { file: `docs/tutorial.md:${block.line}` });
      expect(alone.diagnostics.filter((d) => d.severity === 'error').map((d) => `${block.line + d.line}:${d.column} ${d.code} ${d.message}`)).toEqual([]);
    }
    const together = compile(block.playbook, { file: 'club.playbook' });
    expect(together.diagnostics.map((d) => `club.playbook:${d.line}:${d.column} ${d.code} ${d.message}`)).toEqual([]);
  });

  const commands = steps.filter((s): s is Extract<TutorialStep, { kind: 'check' | 'simulate' }> => s.kind !== 'block');
  it.each(commands.map((c) => [c.line, c.kind, c] as const))('command at line %i (%s) prints what the tutorial shows', async (_line, _kind, step) => {
    const dir = writeFiles(step.files);
    const inDir = (a: string) => (/\.(?:playbook|jsonl)$/.test(a) ? join(dir, a) : a);
    if (step.kind === 'check') {
      expect(step.files.has(step.file), `${step.file} is not shown before line ${step.line}`).toBe(true);
      const r = await runCli(['check', inDir(step.file)]);
      const stderr = r.err.split(dir + sep).join('');
      if (step.expected) {
        expect(stderr).toBe(step.expected.body);
        expect(r.code).toBe(1);
      } else {
        expect(stderr).toBe('checked 1 file: 0 errors, 0 warnings\n');
        expect(r.code).toBe(0);
      }
      return;
    }
    const eventsFile = step.args[step.args.indexOf('--events') + 1]!;
    expect(step.files.has(eventsFile), `${eventsFile} is not shown before line ${step.line}`).toBe(true);
    const r = await runCli(['simulate', ...step.args.map(inDir)]);
    expect(r.code, r.err).toBe(0);
    expect(r.err).toMatch(/ 0 bad lines skipped, 0 duplicates, 0 late;/);
    let printed = r.out.split('\n').filter((l) => l.trim());
    for (const pipe of step.pipes) printed = printed.filter((l) => l.includes(pipe.text) === pipe.keep);
    expect(printed.length, 'a filter that keeps nothing shows nothing').toBeGreaterThan(0);
    expect(actionDifferences(printed, step.expected!)).toEqual([]);
  });

  it('the action check catches a wrong value, a missing action and an extra one', () => {
    const printed = ['{"at":"2026-03-02T10:00:00+08:00","type":"member.remove","member":"bob","reason":"x"}'];
    const fence = (body: string): Fence => ({ line: 1, info: ['jsonl', 'actions'], body });
    expect(actionDifferences(printed, fence('{"at":"2026-03-02T02:00:00Z","type":"member.remove","member":"bob"}\n'))).toEqual([]);
    expect(actionDifferences(printed, fence('{"type":"member.remove","member":"carol"}\n'))).toHaveLength(1);
    expect(actionDifferences(printed, fence(''))).toHaveLength(1);
    expect(actionDifferences([...printed, ...printed], fence('{"type":"member.remove"}\n'))).toHaveLength(1);
  });
});

// ---------------------------------------------------------------------------------------------
// docs/embedding.md and its example bot (examples/embedding)

describe('docs/embedding.md and examples/embedding', () => {
  const markdown = read('docs/embedding.md');
  const exampleDir = join(root, 'examples/embedding');

  it('the example bot type-checks under the project settings', () => {
    const configPath = join(root, 'tsconfig.json');
    const config = ts.readConfigFile(configPath, (p) => ts.sys.readFile(p));
    const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, root);
    const files = readdirSync(exampleDir)
      .filter((f) => f.endsWith('.ts'))
      .map((f) => join(exampleDir, f));
    expect(files.length).toBeGreaterThanOrEqual(2);
    const program = ts.createProgram(files, { ...parsed.options, noEmit: true });
    // Only the example's own files: the sources it imports have their own type-check.
    const problems = ts
      .getPreEmitDiagnostics(program)
      .filter((d) => d.file && d.file.fileName.startsWith(exampleDir.split(sep).join('/')))
      .map((d) => {
        const { line, character } = d.file!.getLineAndCharacterOfPosition(d.start ?? 0);
        return `${d.file!.fileName.slice(root.length)}:${line + 1}:${character + 1} ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
      });
    expect(problems).toEqual([]);
    // A whole-program type-check: about 15 s idle, past 80 s at a load average of 20.
  }, 240_000);

  it('the example bot prints exactly what the page shows', async () => {
    const bot = await import('../examples/embedding/bot.js');
    const shown = fences(markdown).find((f, i, all) => f.info[0] === 'text' && all[i - 1]?.body.includes('npx tsx examples/embedding/bot.ts'));
    expect(shown, 'a ```text block after the command that runs the example').toBeDefined();
    expect(bot.formatDemo(bot.runDemo())).toBe(shown!.body);
  });

  it('the example bot is deterministic and counts the duplicate and the late event', async () => {
    const bot = await import('../examples/embedding/bot.js');
    const first = bot.runDemo();
    const second = bot.runDemo();
    expect(second.transcript).toEqual(first.transcript);
    expect(first.stats).toMatchObject({ duplicates: 1, late: 1, invalid: 0 });
    // The second ad came after the restart: the warning from before it survived in the snapshot.
    const removal = first.transcript.indexOf('[removed] carol (二次发广告)');
    expect(removal).toBeGreaterThan(first.transcript.indexOf('[dm carol] 第一次警告:本群禁止广告'));
    // The deadline removed Bob although no event of his came after it: a timer did.
    expect(first.transcript).toContain('[removed] Bob (未完成自我介绍)');
  });

  it('the executor handles every action type of the table, and only those', async () => {
    const { carryOut } = await import('../examples/embedding/bot.js');
    const { FakeChat } = await import('../examples/embedding/fake-chat.js');
    const table = markdown.slice(markdown.indexOf('## 8. Actions out'), markdown.indexOf('## 9.'));
    const documented = [...table.matchAll(/^\| `([a-z]+\.[a-z]+)`(?: \/ `([a-z]+\.[a-z]+)`)? \|/gm)].flatMap((m) =>
      [m[1]!, m[2]].filter((x): x is string => !!x),
    );
    expect(documented.sort()).toEqual([
      'admin.notify',
      'badge.granted',
      'goal.reached',
      'join.approve',
      'join.reject',
      'level.reached',
      'lifecycle.changed',
      'lottery.drawn',
      'member.ban',
      'member.mute',
      'member.remove',
      'member.tag',
      'member.unmute',
      'member.untag',
      'member.warn',
      'message.delete',
      'message.pin',
      'message.reply',
      'message.send',
      'points.award',
      'role.grant',
      'role.revoke',
      'stage.entered',
      'stage.exited',
      'warnings.cleared',
      'webhook.call',
    ]);
    const skipped: unknown[] = [];
    const original = console.error;
    console.error = (...args: unknown[]) => void skipped.push(args);
    try {
      const chat = new FakeChat('c', '2026-03-02T10:00:00+08:00');
      for (const type of documented) {
        carryOut(chat, {
          at: '2026-03-02T10:00:00+08:00',
          type,
          community: 'c',
          member: 'u1',
          text: 't',
          messageId: 'm',
          until: '2026-03-02T10:10:00+08:00',
          tag: 'x',
        });
      }
      expect(skipped).toEqual([]);
      carryOut(chat, { at: '2026-03-02T10:00:00+08:00', type: 'future.action', community: 'c' });
      expect(skipped).toHaveLength(1);
    } finally {
      console.error = original;
    }
  });

  it('every action type the runtime emits is in the table', () => {
    const table = markdown.slice(markdown.indexOf('## 8. Actions out'), markdown.indexOf('## 9.'));
    const runtimeSource = sourceFiles(join(root, 'src/runtime'))
      .map((f) => readFileSync(f, 'utf8'))
      .join('\n');
    const emitted = new Set([...runtimeSource.matchAll(/emit\([^,]+,\s*'([a-z]+\.[a-z]+)'/g)].map((m) => m[1]!));
    expect(emitted.size).toBeGreaterThan(10);
    for (const type of emitted) expect(table, type).toContain(`\`${type}\``);
  });

  it('names only methods the runtime has and exports the package has', async () => {
    const index = await import('../src/index.js');
    const runtime = index.createRuntime(compile('playbook "x" { timezone "UTC" }').ir!);
    for (const m of markdown.matchAll(/\brt\.([a-zA-Z]+)\(/g)) {
      expect(typeof (runtime as unknown as Record<string, unknown>)[m[1]!], `rt.${m[1]}`).toBe('function');
    }
    const indexSource = read('src/index.ts');
    const exported = new Set(
      [...indexSource.matchAll(/export (?:type )?\{([^}]*)\}/g)].flatMap((m) =>
        m[1]!
          .split(',')
          .map((n) =>
            n
              .trim()
              .replace(/^type\s+/, '')
              .split(/\s+as\s+/)
              .at(-1)!,
          )
          .filter(Boolean),
      ),
    );
    for (const m of markdown.matchAll(/import \{([^}]*)\} from 'playbook'/g)) {
      for (const name of m[1]!.split(',').map((n) => n.trim().replace(/^type\s+/, ''))) expect(exported.has(name), name).toBe(true);
    }
    const table = markdown.slice(markdown.indexOf('## 10. Other exports'));
    const listed = new Set([...table.matchAll(/^\| ([^|]+) \|/gm)].flatMap((m) => [...m[1]!.matchAll(/`([A-Za-z_]+)`/g)].map((x) => x[1]!)));
    expect([...exported].filter((name) => !listed.has(name)).sort(), 'exports missing from the table').toEqual([]);
    expect([...listed].filter((name) => !exported.has(name)).sort(), 'names in the table that are not exported').toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------
// docs/cli.md: a section for every command of the CLI, naming exactly the options its --help names

describe('docs/cli.md', () => {
  const markdown = read('docs/cli.md');
  // The table's type names arrow functions (`=>`), so the match skips to the first brace.
  const table = /const COMMANDS[^{]*\{([\s\S]*?)\n\}\)?;/.exec(read('src/cli/main.ts'));
  const commands = [...(table?.[1] ?? '').matchAll(/^\s*([a-z][a-z-]*)\s*:/gm)].map((m) => m[1]!);
  const sectionOf = (name: string): string | undefined => {
    const start = markdown.search(new RegExp(`^## playbook ${name}\\s*$`, 'm'));
    if (start < 0) return undefined;
    const next = markdown.slice(start + 1).search(/^## /m);
    return next < 0 ? markdown.slice(start) : markdown.slice(start, start + 1 + next);
  };
  const optionsIn = (text: string) => new Set([...text.matchAll(/(?<![\w-])--([a-z][a-z-]*)/g)].map((m) => m[1]!).filter((o) => o !== 'help'));

  it('finds the commands registered in src/cli/main.ts', () => {
    expect(commands).toEqual(expect.arrayContaining(['check', 'compile', 'simulate', 'test', 'fmt', 'graph']));
  });

  it.each(commands)('has a section for `playbook %s` naming the options its --help names', async (name) => {
    const section = sectionOf(name);
    expect(section, `docs/cli.md needs a "## playbook ${name}" section`).toBeDefined();
    const help = await runCli([name, '--help']);
    expect(help.code).toBe(0);
    const helped = optionsIn(help.out);
    const documented = optionsIn(section!);
    expect(
      [...helped].filter((o) => !documented.has(o)).map((o) => `--${o}`),
      'options of --help missing from the section',
    ).toEqual([]);
    expect(
      [...documented].filter((o) => !helped.has(o)).map((o) => `--${o}`),
      'options in the section that --help does not name',
    ).toEqual([]);
    expect(markdown, 'the contents line links the section').toContain(`(#playbook-${name})`);
  });
});

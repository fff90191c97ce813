/**
 * `playbook bot` as a user runs it, for the end-to-end tests of every chat network: the CLI in
 * a child process on test/fixtures/bots/room.playbook, its stdout read line by line as it
 * comes (the `ready: ...` line, one JSON line per action outcome) and its log kept for failure
 * messages.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { eventually } from './common.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const CLI = join(ROOT, 'bin', 'playbook.js');
/** Entry ritual with a 6 s deadline, no ads, flood control: the community every bot test runs. */
export const BOT_PLAYBOOK = join(ROOT, 'test', 'fixtures', 'bots', 'room.playbook');
/** The platform actions (reply, roles, pin, unmute, a timed ban), one word each (issue 16). */
export const PLATFORM_PLAYBOOK = join(ROOT, 'test', 'fixtures', 'bots', 'platform.playbook');
/** Waits for the playbook's 6 s deadline on a machine that may be busy: generous, never a measurement. */
export const DEADLINE_WAIT_MS = 30_000;

/** The welcome the playbook's ritual sends a newcomer privately. */
export const welcomeText = (name: string) => `Welcome ${name}! Introduce yourself as name-city-job within 6 seconds`;

/** One JSON line of the bot's stdout: what became of one action. */
export interface OutcomeLine {
  seq: number | null;
  type: string;
  member?: string;
  community: string;
  status: string;
  reason?: string;
}

export class BotProcess {
  readonly child: ChildProcess;
  readonly outcomes: OutcomeLine[] = [];
  /** Stdout lines that are neither the ready line nor an outcome: a broken contract, there should be none. */
  readonly strayLines: string[] = [];
  private readyLine: string | undefined;
  private log = '';
  /** `exited (code 3)`, `exited (SIGKILL)`, `could not start: ...` once the bot is gone. */
  private exit: string | undefined;
  /** Settles once the process is gone and its stdout and stderr are read to the end. */
  private readonly gone: Promise<void>;

  /**
   * @param env changes to this process's environment for the bot; `undefined` removes a
   *   variable (a PLAYBOOK_BOT_PASSWORD left over would be sent to a server that wants none).
   * @param playbook the playbook file (a copy a test edits and reloads with SIGHUP)
   * @param launcher the program and arguments before `bot` (default: node on bin/playbook.js),
   *   e.g. an installed `node_modules/.bin/playbook` or an operator's wrapper script
   */
  constructor(
    readonly label: string,
    args: string[],
    env: Record<string, string | undefined> = {},
    playbook: string = BOT_PLAYBOOK,
    launcher: string[] = [process.execPath, CLI],
  ) {
    const botEnv: Record<string, string | undefined> = { ...process.env, ...env };
    for (const [key, value] of Object.entries(env)) if (value === undefined) delete botEnv[key];
    this.child = spawn(launcher[0]!, [...launcher.slice(1), 'bot', playbook, ...args], { cwd: ROOT, env: botEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    let pending = '';
    this.child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      pending += chunk;
      let nl: number;
      while ((nl = pending.indexOf('\n')) >= 0) {
        this.onLine(pending.slice(0, nl));
        pending = pending.slice(nl + 1);
      }
    });
    this.child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (this.log += chunk));
    // 'close' rather than 'exit': by then the last lines the bot wrote have been read too, so a
    // wait that gives up on an exited bot has seen all it printed.
    this.gone = new Promise((resolve) => {
      this.child.once('close', (code, signal) => {
        this.exit ??= `exited (${signal ?? `code ${code}`})`;
        resolve();
      });
      this.child.once('error', (e) => {
        this.exit ??= `could not start: ${e.message}`;
        resolve();
      });
    });
  }

  private onLine(line: string): void {
    if (this.readyLine === undefined && line.startsWith('ready: ')) {
      this.readyLine = line;
      return;
    }
    try {
      this.outcomes.push(JSON.parse(line) as OutcomeLine);
    } catch {
      this.strayLines.push(line);
    }
  }

  /** The `ready: ...` line, once it came. */
  get ready(): string | undefined {
    return this.readyLine;
  }

  /** Send the process a signal (SIGHUP reloads its playbook). */
  signal(name: NodeJS.Signals): void {
    this.child.kill(name);
  }

  /** Resolves with how the process ended (`exited (code 0)`). */
  async ended(): Promise<string> {
    await this.gone;
    return this.exit!;
  }

  /** Everything the bot logged so far. */
  stderr(): string {
    return this.log;
  }

  /** Why the bot is not running any more, or undefined while it is. */
  exited(): string | undefined {
    return this.exit === undefined ? undefined : `the bot ${this.label} ${this.exit}`;
  }

  /** The bot's outcomes and the end of its log, for a failure message. */
  report(): string {
    const state = this.exit ?? 'running';
    const strays = this.strayLines.length > 0 ? `\n--- stray stdout lines:\n${this.strayLines.join('\n')}` : '';
    return `${reportHeading(this.label)}(${state}); outcomes:\n${this.outcomes.map((o) => JSON.stringify(o)).join('\n')}${strays}\n--- its log:\n${this.log.slice(-6000)}`;
  }

  waitReady(timeoutMs = 30_000): Promise<string> {
    return this.explained(
      eventually(
        `the bot ${this.label} to print its ready line`,
        () => {
          this.alive();
          return this.readyLine;
        },
        timeoutMs,
      ),
    );
  }

  /**
   * The log's lines that contain `text`, once there is one: stderr is another pipe than stdout,
   * so a line logged before the ready line may still be on its way when the ready line is read.
   */
  waitLog(text: string, timeoutMs = 15_000): Promise<string[]> {
    return this.explained(
      eventually(
        `the bot ${this.label} to log "${text}"`,
        () => {
          const lines = this.log.split('\n').filter((l) => l.includes(text));
          return lines.length > 0 ? lines : undefined;
        },
        timeoutMs,
      ),
    );
  }

  /** The first outcome line that matches; fails at once when the bot exited without printing it. */
  waitOutcome(what: string, match: (o: OutcomeLine) => boolean, timeoutMs = 15_000): Promise<OutcomeLine> {
    return this.explained(
      eventually(
        `the bot ${this.label}: ${what}`,
        () => {
          const found = this.outcomes.find(match);
          if (found === undefined) this.alive();
          return found;
        },
        timeoutMs,
      ),
    );
  }

  /** SIGTERM (the bot leaves its rooms), then SIGKILL when it has not stopped after a few seconds. */
  async stop(): Promise<void> {
    if (this.exit !== undefined) return;
    const hard = setTimeout(() => this.child.kill('SIGKILL'), 4000);
    this.child.kill('SIGTERM');
    await this.gone;
    clearTimeout(hard);
  }

  /** SIGKILL, as a crash would: the bot has no chance to leave or to write anything more. */
  async kill(): Promise<void> {
    if (this.exit !== undefined) return;
    this.child.kill('SIGKILL');
    await this.gone;
  }

  private alive(): void {
    const gone = this.exited();
    if (gone !== undefined) throw new Error(gone);
  }

  private async explained<T>(wait: Promise<T>): Promise<T> {
    try {
      return await wait;
    } catch (e) {
      throw new Error(`${(e as Error).message}\n${this.report()}`, { cause: e });
    }
  }
}

const reportHeading = (label: string) => `--- bot ${label} `;

/** Runs a case; when it fails, the failure carries what the bots logged (once each: a bot's own wait already adds its report). */
export async function withBotLogs(bots: () => BotProcess[], run: () => Promise<void>): Promise<void> {
  try {
    await run();
  } catch (e) {
    const err = e as Error;
    const missing = bots().filter((b) => !err.message.includes(reportHeading(b.label)));
    if (missing.length > 0) err.message = `${err.message}\n${missing.map((b) => b.report()).join('\n')}`;
    throw err;
  }
}

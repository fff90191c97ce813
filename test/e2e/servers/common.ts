/**
 * Starting real chat servers for end-to-end tests: on 127.0.0.1, on free ports, in a
 * temporary folder, as an unprivileged user (the servers refuse root, and should), stopped
 * when the test ends. Nothing here reaches the network beyond loopback.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** `npm run e2e` sets this: there, a missing server is a failure, not a skip. */
export const E2E_REQUIRED = process.env['PLAYBOOK_E2E'] === 'require';

/**
 * Why the tests of a server cannot run here (a missing program), or undefined when they can.
 * Prints the reason once, so `npm test` says what it skipped and how to get it.
 */
export function missingPrograms(server: string, programs: string[], aptPackages: string): string | undefined {
  const missing = programs.filter((p) => !existsSync(p));
  if (missing.length === 0) return undefined;
  const reason = `${server} end-to-end tests skipped: ${missing.join(', ')} not installed (apt-get install ${aptPackages}; see docs/bots.md)`;
  if (E2E_REQUIRED) throw new Error(reason.replace('skipped', 'cannot run'));
  console.warn(reason);
  return reason;
}

/** A port on 127.0.0.1 that was free a moment ago. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

/** Resolves when something accepts TCP connections on the port, rejects after `timeoutMs`. */
export async function waitForPort(port: number, timeoutMs: number, alive: () => string | undefined = () => undefined): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const sock = connect({ host: '127.0.0.1', port });
      sock.once('connect', () => {
        sock.destroy();
        resolve(true);
      });
      sock.once('error', () => resolve(false));
    });
    if (ok) return;
    const dead = alive();
    if (dead) throw new Error(dead);
    if (Date.now() > deadline) throw new Error(`nothing listens on 127.0.0.1:${port} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The user a server runs as: itself when not root, else the named system user. */
export interface RunAs {
  uid: number;
  gid: number;
  name: string;
}

export function runAsUser(systemUser: string): RunAs | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const res = spawnSync('id', ['-u', systemUser], { encoding: 'utf8' });
  const gidRes = spawnSync('id', ['-g', systemUser], { encoding: 'utf8' });
  if (res.status !== 0 || gidRes.status !== 0) throw new Error(`running as root and there is no user ${systemUser} to run the server as`);
  return { uid: Number(res.stdout.trim()), gid: Number(gidRes.stdout.trim()), name: systemUser };
}

/** A temporary folder the server's user can write to. */
export function serverDir(prefix: string, user: RunAs | undefined): string {
  const dir = mkdtempSync(join(tmpdir(), `playbook-${prefix}-`));
  if (user) {
    chmodSync(dir, 0o755);
    chownSync(dir, user.uid, user.gid);
  }
  return dir;
}

/** Give the server's user every file and folder under `dir` (after writing its config). */
export function handOver(dir: string, user: RunAs | undefined): void {
  if (!user) return;
  const walk = (p: string) => {
    chownSync(p, user.uid, user.gid);
    if (statSync(p).isDirectory()) for (const e of readdirSync(p)) walk(join(p, e));
  };
  walk(dir);
}

export interface RunningProcess {
  child: ChildProcess;
  /** Everything the process wrote so far (stdout and stderr), for failure messages. */
  output(): string;
  /** A message when the process has exited, else undefined. */
  exited(): string | undefined;
  stop(): Promise<void>;
}

/** Spawn a server, as `user` when given (setpriv keeps the signal and exit semantics of exec). */
export function spawnServer(command: string, args: string[], options: { cwd: string; user: RunAs | undefined; env?: Record<string, string> }): RunningProcess {
  const argv = options.user
    ? ['/usr/bin/setpriv', `--reuid=${options.user.uid}`, `--regid=${options.user.gid}`, '--init-groups', command, ...args]
    : [command, ...args];
  const child = spawn(argv[0]!, argv.slice(1), {
    cwd: options.cwd,
    env: { ...process.env, HOME: options.cwd, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  let exit: string | undefined;
  const keep = (b: Buffer) => {
    text += b.toString('utf8');
    if (text.length > 200_000) text = text.slice(-100_000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  child.on('exit', (code, signal) => {
    exit = `${command} exited (${signal ?? `code ${code}`}):\n${text.slice(-4000)}`;
  });
  child.on('error', (e) => {
    exit = `${command} could not start: ${e.message}`;
  });
  return {
    child,
    output: () => text,
    exited: () => exit,
    stop: () =>
      new Promise<void>((resolve) => {
        if (exit !== undefined || child.exitCode !== null) return resolve();
        const kill = setTimeout(() => child.kill('SIGKILL'), 5000);
        child.once('exit', () => {
          clearTimeout(kill);
          resolve();
        });
        child.kill('SIGTERM');
      }),
  };
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** Poll until `check` returns a value (not undefined), or fail with `what` after `timeoutMs`. */
export async function eventually<T>(what: string, check: () => T | undefined | Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

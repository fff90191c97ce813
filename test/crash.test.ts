import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';
import { durablePlaybook } from './fixtures/durable.js';
import { mulberry32 } from './fixtures/random.js';

/**
 * The crash test of `playbook serve`: the real server process is killed with SIGKILL at random
 * points while a generated stream is sent to it, restarted on the same database, and the client
 * resends from the first event it has no reply for. The final action log must equal one
 * uninterrupted `playbook simulate` of the stream: nothing lost, nothing repeated, every timer
 * fired.
 */

/** The CLI to run (PLAYBOOK_CLI points elsewhere, e.g. at an installed launcher). */
const CLI = process.env['PLAYBOOK_CLI'] ?? 'bin/playbook.js';
const serveAvailable = spawnSync(process.execPath, [CLI, 'serve', '--help'], { encoding: 'utf8' }).status === 0;
if (!serveAvailable) console.warn(`crash test skipped: \`node ${CLI} serve --help\` fails (run \`npm run build\`; is serve registered in src/cli/main.ts?)`);

/** Timers of every kind: ritual reminder and deadline, a lifecycle `after`, a daily job and leaderboard. */
const PLAYBOOK = durablePlaybook('Crash Club');

/** Three communities over about two weeks: joins, intros, ads, red packets, departures, redeliveries, late and unknown events. */
function stream(rnd: () => number, count: number): Record<string, unknown>[] {
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)]!;
  let t = Date.parse('2026-03-01T08:00:00+08:00');
  const out: Record<string, unknown>[] = [];
  for (let i = 0; i < count; i++) {
    t += Math.floor(rnd() * 1.6 * 3_600_000);
    const community = pick(['north', 'south', 'east']);
    const member = `m${Math.floor(rnd() * 10)}`;
    const at = new Date(t).toISOString();
    const r = rnd();
    if (r < 0.04 && out.length > 0) out.push(pick(out));
    else if (r < 0.07)
      out.push({ id: `e${i}`, type: 'message.posted', at: new Date(t - 4 * 3_600_000).toISOString(), community, member, messageId: `x${i}`, text: 'late hi' });
    else if (r < 0.09) out.push({ id: `e${i}`, type: 'platform.ping', at, community });
    else if (r < 0.24) out.push({ id: `e${i}`, type: 'member.joined', at, community, member, name: member.toUpperCase() });
    else if (r < 0.31) out.push({ id: `e${i}`, type: 'redpacket.sent', at, community, member, amount: pick([1, 5, 10]), shares: 5 });
    else if (r < 0.36) out.push({ id: `e${i}`, type: 'checkin.done', at, community, member });
    else if (r < 0.39) out.push({ id: `e${i}`, type: 'member.left', at, community, member });
    else out.push({ id: `e${i}`, type: 'message.posted', at, community, member, messageId: `x${i}`, text: pick(['hi', 'ann-bj-dev', 'cheap ad', 'ok']) });
  }
  return out;
}

interface Running {
  child: ChildProcess;
  url: string;
  exited: Promise<void>;
}

/** A reply slower than this is a hang: the test fails naming the request instead of timing out blind. */
const REPLY_MS = 60_000;

const serveArgs = (file: string, db: string) => [CLI, 'serve', file, '--db', db, '--port', '0', '--clock', 'events', '--sync', 'normal'];

/** Start the server and wait for its first stdout line, which names the port it got. */
function startServer(file: string, db: string): Promise<Running> {
  const child = spawn(process.execPath, serveArgs(file, db), { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    const stuck = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the server did not listen within ${REPLY_MS} ms of its start: ${stderr}`));
    }, REPLY_MS);
    const lines = createInterface({ input: child.stdout! });
    lines.once('line', (line) => {
      clearTimeout(stuck);
      const m = /^listening on (http:\/\/\S+)$/.exec(line);
      if (m) resolve({ child, url: m[1]!, exited });
      else reject(new Error(`unexpected first line: ${line}`));
    });
    child.once('exit', (code, signal) => {
      clearTimeout(stuck);
      reject(new Error(`server exited (${code ?? signal}) before listening: ${stderr}`));
    });
  });
}

async function kill(s: Running): Promise<void> {
  s.child.kill('SIGKILL');
  await s.exited;
}

async function readLog(url: string): Promise<Record<string, unknown>[]> {
  const out: Record<string, unknown>[] = [];
  for (let after = 0; ;) {
    const res = await fetch(`${url}/actions?after=${after}&limit=5000`);
    expect(res.status).toBe(200);
    const lines = (await res.text())
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    if (lines.length === 0) return out;
    out.push(...lines);
    after = lines[lines.length - 1]!['seq'] as number;
  }
}

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe.skipIf(!serveAvailable)('playbook serve under SIGKILL', () => {
  it('kill -9 at random points, restart, resend: the log equals one uninterrupted simulate', async () => {
    const seed = Number(process.env['CRASH_SEED'] ?? Math.floor(Math.random() * 2 ** 31));
    const rnd = mulberry32(seed);
    const context = `(seed ${seed}; rerun with CRASH_SEED=${seed})`;
    // Printed first, so a run that hangs past the test's timeout still names its seed.
    console.info(`crash test ${context}: starting`);
    const dir = mkdtempSync(join(tmpdir(), 'playbook-crash-'));
    dirs.push(dir);
    const file = join(dir, 'crash.playbook');
    const eventsFile = join(dir, 'events.jsonl');
    const db = join(dir, 'state.db');
    writeFileSync(file, PLAYBOOK);
    const events = stream(rnd, 420);
    writeFileSync(eventsFile, events.map((e) => JSON.stringify(e)).join('\n') + '\n');
    const last = Date.parse(events[events.length - 1]!['at'] as string);
    const until = new Date(last + 4 * 86_400_000).toISOString();

    const sim = spawnSync(process.execPath, [CLI, 'simulate', file, '--events', eventsFile, '--until', until], { encoding: 'utf8', maxBuffer: 64 << 20 });
    expect(sim.status, sim.stderr).toBe(0);
    const expected = sim.stdout
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    // The comparison means something only if timers fire across restarts.
    expect(expected.filter((a) => String(a['cause']).startsWith('timer:')).length).toBeGreaterThan(20);

    const KILLS = 21;
    let kills = 0;
    let next = 0; // the first event without a reply
    let advanced = false;
    const stats = { interrupted: 0, resentAlreadyCommitted: 0, duringStart: 0 };
    /** Restart; now and then kill the new process first while it starts (opening and recovering the database). */
    const restart = async () => {
      if (kills < KILLS && rnd() < 0.1) {
        const child = spawn(process.execPath, serveArgs(file, db), { stdio: 'ignore' });
        const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
        await new Promise((r) => setTimeout(r, rnd() * 400));
        child.kill('SIGKILL');
        await exited;
        kills++;
        stats.duringStart++;
      }
      return startServer(file, db);
    };
    let resending = false;
    // Typical reply time; kill delays are drawn around it, so most kills land while a request is
    // read, processed or committed rather than long after its reply.
    let typicalMs = 5;
    let server = await startServer(file, db);
    while (!advanced || kills < KILLS) {
      // The number of requests this server life answers before the kill lands (if it kills at all).
      const killThisLife = kills < KILLS;
      let budget = Math.floor(rnd() * 4);
      let died = false;
      while (!died) {
        const killNow = killThisLife && budget-- <= 0;
        let request: Promise<Response>;
        // Once the server is dead its request can only fail. Node's fetch sometimes never settles
        // a request whose server was SIGKILLed while it was connecting (seen only under load, on
        // the first request of a process), so the kill also aborts it: a failed request either way.
        const dead = new AbortController();
        const signal = AbortSignal.any([dead.signal, AbortSignal.timeout(REPLY_MS)]);
        let size = 0;
        if (next < events.length) {
          size = Math.min(1 + Math.floor(rnd() * 12), events.length - next);
          const body = events
            .slice(next, next + size)
            .map((e) => JSON.stringify(e))
            .join('\n');
          request = fetch(`${server.url}/events`, { method: 'POST', body, signal });
        } else if (!advanced) {
          request = fetch(`${server.url}/advance?to=${encodeURIComponent(until)}`, { method: 'POST', signal });
        } else {
          request = fetch(`${server.url}/health`, { signal });
        }
        const killer = killNow
          ? new Promise<void>((r) => setTimeout(r, rnd() * 1.5 * typicalMs))
              .then(() => kill(server))
              .then(() => {
                dead.abort();
              })
          : undefined;
        const sentAt = performance.now();
        try {
          const res = await request;
          typicalMs = 0.8 * typicalMs + 0.2 * (performance.now() - sentAt);
          const text = await res.text();
          expect(res.status, `${text} ${context}`).toBe(200);
          // A resent batch whose first event is a duplicate was committed by a server killed before it replied.
          if (
            resending &&
            size > 0 &&
            /duplicate=[1-9]/.test(res.headers.get('playbook-events') ?? '') &&
            events.slice(0, next).every((e) => e['id'] !== events[next]!['id'])
          )
            stats.resentAlreadyCommitted++;
          resending = false;
          if (next < events.length) next += size;
          else advanced = true;
        } catch (e) {
          // A server that is alive and does not answer is a bug, not a kill: say which request hung.
          if ((e as Error).name === 'TimeoutError')
            throw new Error(
              `no reply in ${REPLY_MS} ms to ${next < events.length ? `events ${next}..${next + size - 1}` : advanced ? 'GET /health' : 'POST /advance'} after ${kills} kills (the server ${server.child.signalCode ?? server.child.exitCode ?? 'still running'}${killNow ? ', killed during this request' : ''}) ${context}`,
              { cause: e },
            );
          if (!killNow) throw e;
          stats.interrupted++;
          resending = true;
        }
        if (killer) {
          await killer;
          kills++;
          died = true;
        } else if (!killThisLife && advanced) break;
      }
      if (died) server = await restart();
      else break;
    }
    expect(kills).toBeGreaterThanOrEqual(KILLS);
    console.info(
      `crash test ${context}: ${kills} kills, ${stats.interrupted} during a request, ${stats.resentAlreadyCommitted} after a commit the client never heard of, ${stats.duringStart} while starting`,
    );

    const log = await readLog(server.url);
    await kill(server);
    expect(
      log.map((a) => a['seq']),
      context,
    ).toEqual(log.map((_, i) => i + 1));
    const actions = log.map(({ seq: _seq, ...a }) => a);
    expect(actions.length, context).toBe(expected.length);
    expect(actions, context).toEqual(expected);
    // About 10 s on an idle machine and 50 s at a load average of 14 (about 25 server starts):
    // the limit leaves room for a loaded CI machine; a hang is caught by REPLY_MS first.
  }, 300_000);
});

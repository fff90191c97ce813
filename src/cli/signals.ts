/**
 * How a long-running command (serve, bot) lives with its process signals: SIGHUP reloads the
 * playbook file (a version with errors is refused and the running one goes on); SIGTERM and
 * SIGINT stop it once, cleanly. The command's own reasons to stop (a chat connection lost for
 * good) go through the same path.
 */
import type { ReloadOutcome } from '../hosting/reload.js';
import { readPlaybookFile } from './io.js';
import { messageOf } from '../stdlib/errors.js';

export interface LongRunning {
  file: string;
  log: (line: string) => void;
  /** Switch to a new version of the playbook; throws only on storage errors. */
  reload: (source: string, file: string) => ReloadOutcome;
  /** Close everything (finish work under way, close the database). */
  close: () => Promise<void>;
}

export interface Running {
  /** The exit code, once stopped: the code given to `stop`, or 2 when closing failed. */
  done: Promise<number>;
  /** Stop for a reason of the command's own. */
  stop(why: string, code: number): void;
}

export function untilStopped(run: LongRunning): Running {
  let resolveDone!: (code: number) => void;
  const done = new Promise<number>((r) => (resolveDone = r));
  let stopping = false;
  const stop = (why: string, code: number) => {
    if (stopping) return;
    stopping = true;
    run.log(`${why}: stopping`);
    process.off('SIGHUP', hup);
    process.off('SIGTERM', term);
    process.off('SIGINT', int);
    run.close().then(
      () => {
        resolveDone(code);
      },
      (e: unknown) => {
        run.log(`error while stopping: ${messageOf(e)}`);
        resolveDone(2);
      },
    );
  };
  const hup = () => {
    let text: string;
    try {
      text = readPlaybookFile(run.file);
    } catch (e) {
      run.log(`SIGHUP: ${(e as Error).message}; the running version is unchanged`);
      return;
    }
    try {
      const outcome = run.reload(text, run.file);
      if (!outcome.ok) run.log(`SIGHUP: ${run.file} has errors; the running version is unchanged\n${outcome.diagnostics!.join('\n\n')}`);
    } catch (e) {
      run.log(`SIGHUP: reload failed: ${messageOf(e)}; the running version is unchanged`);
    }
  };
  const term = () => {
    stop('SIGTERM', 0);
  };
  const int = () => {
    stop('SIGINT', 0);
  };
  process.on('SIGHUP', hup);
  process.on('SIGTERM', term);
  process.on('SIGINT', int);
  return { done, stop };
}

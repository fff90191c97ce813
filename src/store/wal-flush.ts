import { closeSync, fstatSync, fsync, openSync } from 'node:fs';
import { messageOf } from '../stdlib/errors.js';

/** Flushes a file descriptor to the disk; the seam of tests that need a slow or failing disk. */
export type FsyncFn = (fd: number) => Promise<void>;

export const nodeFsync: FsyncFn = (fd) =>
  new Promise((resolve, reject) => {
    // libuv's thread pool: the main thread goes on reading and processing requests meanwhile.
    fsync(fd, (e) => {
      if (e) reject(e);
      else resolve();
    });
  });

/**
 * Flushes running at once. Each covers what was written before it started, so several may run:
 * the kernel and the disk serve concurrent ones together, where one at a time would make each
 * group wait for the previous group's flush as well as its own. Fewer than the 4 threads of
 * libuv's pool, leaving one for other file work.
 */
export const MAX_FLUSHES = 3;

/** The disk failed to confirm a flush: what was written since the last confirmed one may be lost. */
export class WalFlushError extends Error {}

/**
 * The flushes of deferred commits (docs/serve.md, "Group commit"): a commit made with
 * `synchronous=NORMAL` has written its frames to the WAL file but not flushed them; `fsync` of
 * that file afterwards is the sync that `synchronous=FULL` would have done inside the commit
 * (SQLite's pragma docs: FULL in WAL mode is "an additional sync operation of the WAL file after
 * each transaction commit"). Here it runs in the thread pool. A flush covers every commit written
 * before it started; up to MAX_FLUSHES run at once, and each is confirmed (its mark given to the
 * store) in the order they started, once it and every earlier one have succeeded.
 *
 * Checkpoints need nothing from here: with NORMAL, SQLite syncs the WAL before a checkpoint copies
 * it and the database file after, before the WAL is reused, so frames overwritten by a reset are
 * already durable in the database file.
 *
 * After a failed flush nothing later can be trusted (Linux may drop the unwritten pages and report
 * the error once, leaving a hole that WAL recovery stops at, taking later commits with it): the
 * flusher stays broken and the store refuses every later commit until the process restarts.
 */
export class WalFlusher {
  private fd: number | undefined;
  /** The flush started last, until it is confirmed: it covers everything written before it, and is confirmed after every earlier one. */
  private latest: Promise<void> | undefined;
  /** Flushes running. */
  private running = 0;
  /** With MAX_FLUSHES running: the flush that starts when the latest ends, shared by those who wait. */
  private next: Promise<void> | undefined;
  /** A commit was written since the last flush started. */
  private dirty = false;
  /** What the latest written commit gave `written`. */
  private mark = 0;
  private brokenBy: WalFlushError | undefined;
  private closed = false;
  /** Set by `close` while flushes run: closes the descriptor after the last. */
  private whenIdle: (() => void) | undefined;

  constructor(
    private readonly walPath: string,
    /** Called with the mark given to `written` when a flush that covers it has completed. */
    private readonly confirmed: (mark: number) => void,
    private readonly fsyncFn: FsyncFn = nodeFsync,
  ) {}

  get broken(): WalFlushError | undefined {
    return this.brokenBy;
  }

  /** A deferred commit was written; `mark` is what `confirmed` gets once it is on disk. */
  written(mark: number): void {
    this.dirty = true;
    this.mark = mark;
  }

  /** A synchronous full sync just flushed everything written so far (a commit with FULL). */
  flushedInline(): void {
    this.dirty = false;
  }

  /** Resolves once everything written so far is on disk; rejects if the disk did not confirm it. */
  sync(): Promise<void> {
    if (this.brokenBy) return Promise.reject(this.brokenBy);
    if (!this.dirty) return this.next ?? this.latest ?? Promise.resolve();
    if (this.running < MAX_FLUSHES) return this.start();
    // The next starts when the latest ends and covers whatever came meanwhile.
    return (this.next ??= (this.latest ?? Promise.resolve()).then(
      () => this.startNext(),
      () => this.startNext(),
    ));
  }

  private startNext(): Promise<void> {
    this.next = undefined;
    return this.start();
  }

  private start(): Promise<void> {
    if (this.brokenBy) return Promise.reject(this.brokenBy);
    if (this.closed) return Promise.reject(new WalFlushError('the store was closed before this commit was flushed'));
    if (!this.dirty) return this.latest ?? Promise.resolve();
    const mark = this.mark;
    this.dirty = false;
    let fd: number;
    try {
      fd = this.open();
    } catch (e) {
      return Promise.reject(this.fail(e));
    }
    this.running++;
    const own = this.fsyncFn(fd).then(
      () => {
        this.ended();
      },
      (e: unknown) => {
        this.ended();
        throw this.fail(e);
      },
    );
    // Its outcome is read below, maybe after an earlier flush ends.
    own.catch(() => {});
    // Confirmed in the order they started: a flush that completes after an earlier one failed
    // proves nothing (on Linux the error is reported to one fsync of the file, maybe the other),
    // so a flush counts only once every earlier one has succeeded.
    const before = this.latest;
    const p: Promise<void> = (
      before
        ? before.then(
            () => own,
            () => own,
          )
        : own
    ).then(() => {
      if (this.brokenBy) throw this.brokenBy;
      this.confirmed(mark);
    });
    const clear = () => {
      if (this.latest === p) this.latest = undefined;
    };
    void p.then(clear, clear);
    this.latest = p;
    return p;
  }

  private ended(): void {
    this.running--;
    if (this.running === 0) this.whenIdle?.();
  }

  /**
   * The WAL file's descriptor, opened on first use (SQLite has created the file by then). SQLite
   * only deletes it when its last connection closes or the journal mode changes, neither of which
   * happens while the store is open; if it ever were gone, the descriptor would flush a file no
   * longer in use, so the link count is checked before each flush.
   */
  private open(): number {
    if (this.fd !== undefined && fstatSync(this.fd).nlink > 0) return this.fd;
    // Flushes still running hold the old descriptor: it is left open (a file no longer in use).
    this.fd = openSync(this.walPath, 'r');
    return this.fd;
  }

  private fail(e: unknown): WalFlushError {
    this.brokenBy ??= new WalFlushError(`the disk did not confirm a flush of ${this.walPath}: ${messageOf(e)}`);
    return this.brokenBy;
  }

  /** Close the descriptor once no flush uses it. */
  close(): void {
    this.closed = true;
    const fd = this.fd;
    if (fd === undefined) return;
    this.fd = undefined;
    const done = () => {
      this.whenIdle = undefined;
      closeSync(fd);
    };
    if (this.running === 0) done();
    else this.whenIdle = done;
  }
}

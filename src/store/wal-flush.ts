import { closeSync, fstatSync, fsync, openSync } from 'node:fs';

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

/** The disk failed to confirm a flush: what was written since the last confirmed one may be lost. */
export class WalFlushError extends Error {}

/**
 * The flushes of deferred commits (docs/serve.md, "Group commit"): a commit made with
 * `synchronous=NORMAL` has written its frames to the WAL file but not flushed them; `fsync` of
 * that file afterwards is the sync that `synchronous=FULL` would have done inside the commit
 * (SQLite's pragma docs: FULL in WAL mode is "an additional sync operation of the WAL file after
 * each transaction commit"). Here it runs in the thread pool, one at a time; a flush covers every
 * commit written before it started, so callers that arrive while one runs share the next.
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
  private inflight: Promise<void> | undefined;
  private next: Promise<void> | undefined;
  /** A commit was written since the last flush started. */
  private dirty = false;
  private brokenBy: WalFlushError | undefined;
  /** What the latest written commit gave `written`. */
  private mark = 0;
  private closed = false;

  constructor(
    private readonly walPath: string,
    /** Called with the mark given to `written` when the flush that covers it has completed. */
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
    if (!this.dirty) return this.inflight ?? Promise.resolve();
    if (!this.inflight) return this.start();
    // One flush at a time: the next starts when this one ends and covers whatever came meanwhile.
    return (this.next ??= this.inflight.then(() => {
      this.next = undefined;
      return this.start();
    }));
  }

  private start(): Promise<void> {
    if (this.brokenBy) return Promise.reject(this.brokenBy);
    if (this.closed) return Promise.reject(new WalFlushError('the store was closed before this commit was flushed'));
    if (!this.dirty) return Promise.resolve();
    const mark = this.mark;
    this.dirty = false;
    let fd: number;
    try {
      fd = this.open();
    } catch (e) {
      return Promise.reject(this.fail(e));
    }
    const p = this.fsyncFn(fd).then(
      () => {
        if (this.inflight === p) this.inflight = undefined;
        this.confirmed(mark);
      },
      (e: unknown) => {
        if (this.inflight === p) this.inflight = undefined;
        throw this.fail(e);
      },
    );
    this.inflight = p;
    return p;
  }

  /**
   * The WAL file's descriptor, opened on first use (SQLite has created the file by then). SQLite
   * only deletes it when its last connection closes or the journal mode changes, neither of which
   * happens while the store is open; if it ever were gone, the descriptor would flush a file no
   * longer in use, so the link count is checked before each flush.
   */
  private open(): number {
    if (this.fd !== undefined && fstatSync(this.fd).nlink > 0) return this.fd;
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
    this.fd = openSync(this.walPath, 'r');
    return this.fd;
  }

  private fail(e: unknown): WalFlushError {
    this.brokenBy ??= new WalFlushError(
      `the disk did not confirm a flush of ${this.walPath}: ${(e as Partial<Error> | null | undefined)?.message ?? String(e)}`,
    );
    return this.brokenBy;
  }

  /** Close the descriptor once no flush uses it. */
  close(): void {
    this.closed = true;
    const fd = this.fd;
    if (fd === undefined) return;
    this.fd = undefined;
    const done = () => {
      closeSync(fd);
    };
    const pending = this.next ?? this.inflight;
    if (pending) void pending.then(done, done);
    else done();
  }
}

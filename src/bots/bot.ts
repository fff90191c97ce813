/**
 * A playbook running in live chat rooms: the adapter's events go into a durable runtime, and
 * the actions it commits are carried out by the adapter, in order, one at a time.
 *
 * Durability, so a bot killed at any moment and started again on the same database neither
 * loses nor repeats work:
 * - An event is committed (state, timers, actions) as soon as it arrives, before anything is
 *   carried out. Its id (a server message id where the platform gives one) makes a redelivered
 *   message a duplicate.
 * - Carrying out actions is at least once: the store keeps the sequence number of the last
 *   action handled, written after each one, and a restart hands the adapter every action after
 *   it. A crash between doing an action and recording it repeats that one action.
 * - Timed effects the server does not end itself (an XMPP mute) are undo records in the store,
 *   run at their time, also after a restart; mutes that a rejoin clears are applied again.
 *
 * Actions a platform cannot perform, and those the server refused, are reported (the log and
 * `onOutcome`), never dropped silently; bookkeeping actions (points, tags, warnings...) have no
 * effect in the room.
 */
import type { IR } from '../ir/schema.js';
import { dict } from '../stdlib/dict.js';
import type { OutputAction } from '../runtime/runtime.js';
import { TimerLoop, realTimerHost, type TimerHost } from '../hosting/clock.js';
import { adoptStoredVersion, reloadDurable, reloadSummary, type ReloadOutcome } from '../hosting/reload.js';
import type { BatchResult, DurableRuntime } from '../store/durable.js';
import { emptyCommit, type LoggedAction } from '../store/store.js';
import { isPlatformAction, type ActionOutcome, type ChatAdapter, type ChatEvent, type UndoRecord } from './adapter.js';
import { capabilitiesLine, unsupportedByPlatform } from './capabilities.js';
import { describeAction, isoDuration, undoKey } from './bot-text.js';
import { messageOf } from '../stdlib/errors.js';

export { isoDuration } from './bot-text.js';

/** What became of one action. `seq` is its number in the action log (absent for a re-mute). */
export interface DeliveryReport {
  seq?: number;
  action: OutputAction;
  outcome: ActionOutcome | { status: 'recorded' };
}

export interface BotOptions {
  durable: DurableRuntime;
  adapter: ChatAdapter;
  /** The playbook the durable state must follow (state from another version is migrated). */
  playbook: { ir: IR; source: string; file: string };
  log?: (line: string) => void;
  /** Every action's outcome, in order (tests, metrics, an operator's own report). */
  onOutcome?: (report: DeliveryReport) => void;
  /** Every timed undo's outcome (a mute lifted at its end). */
  onUndo?: (record: UndoRecord, outcome: ActionOutcome) => void;
  timerHost?: TimerHost;
}

/** A timed undo waiting for its time. */
interface PendingUndo {
  at: number;
  record: UndoRecord;
  /** Failed attempts so far. */
  tries?: number;
}

/** A failed undo is tried again this much later, up to UNDO_TRIES times in all. */
export const UNDO_RETRY_MS = 30_000;
export const UNDO_TRIES = 10;

/** A mute in force: until when (ms). */
type MuteBook = Map<string, number>;

const key = (community: string, member: string) => `${community}\u0000${member}`;

export class Bot {
  readonly durable: DurableRuntime;
  readonly adapter: ChatAdapter;
  private readonly log: (line: string) => void;
  private readonly onOutcome: (report: DeliveryReport) => void;
  private readonly onUndo: (record: UndoRecord, outcome: ActionOutcome) => void;
  private readonly host: TimerHost;
  private readonly metaKey: { delivered: string; undo: string; mutes: string };
  private readonly timers: TimerLoop;
  private readonly undoLoop: TimerLoop;
  /** Undo records not yet done, by `kind\0community\0member`. */
  private undos = new Map<string, PendingUndo>();
  private undoing = new Set<string>();
  private mutes: MuteBook = new Map();
  /** Carrying out is serial: each step waits for the one before. */
  private chain: Promise<void> = Promise.resolve();
  private stopped = false;
  /** start() failed: nothing is carried out, so what is left stays for the next run. */
  private aborted = false;
  /** Called when the adapter gives up on the connection (the CLI exits then). */
  onFatal: (reason: string) => void = () => {};
  readonly counts = { events: 0, duplicates: 0, stale: 0, invalid: 0, actions: 0, done: 0, unsupported: 0, failed: 0, skipped: 0, recorded: 0 };

  constructor(options: BotOptions) {
    this.durable = options.durable;
    this.adapter = options.adapter;
    this.log = options.log ?? (() => {});
    this.onOutcome = options.onOutcome ?? (() => {});
    this.onUndo = options.onUndo ?? (() => {});
    this.host = options.timerHost ?? realTimerHost;
    const p = `bot.${this.adapter.platform}`;
    this.metaKey = { delivered: `${p}.delivered`, undo: `${p}.undo`, mutes: `${p}.mutes` };

    const notes = adoptStoredVersion(this.durable, options.playbook);
    if (notes) {
      const dropped = notes.dropped.map((n) => `${n.what} (${n.count})`).join('; ') || 'nothing dropped';
      this.log(`the stored state came from another version of the playbook; migrated: ${dropped}`);
    }

    const undo = this.durable.store.getMeta(this.metaKey.undo);
    for (const u of undo ? (JSON.parse(undo) as PendingUndo[]) : []) this.undos.set(undoKey(u.record), u);
    const mutes = this.durable.store.getMeta(this.metaKey.mutes);
    this.mutes = new Map(Object.entries(mutes ? ((JSON.parse(mutes) as Record<string, number> | null) ?? {}) : {}));

    this.timers = new TimerLoop(
      () => this.durable.nextDue(),
      (now) => {
        this.carryOut(this.committed(this.durable.advance(now)));
      },
      (e) => {
        this.log(`timers: ${messageOf(e)}; retrying`);
      },
      this.host,
    );
    this.undoLoop = new TimerLoop(
      () => this.nextUndo(),
      (now) => {
        this.runUndos(now);
      },
      (e) => {
        this.log(`undo: ${messageOf(e)}`);
      },
      this.host,
    );
  }

  /**
   * Connect, then carry out what the last run committed but did not do, then go live. Events
   * that arrive while joining are committed at once and carried out after the leftovers.
   */
  async start(): Promise<void> {
    const store = this.durable.store;
    // A store that writes behind: what the constructor stored (a migrated version) is written first.
    await store.settle?.();
    const stored = store.getMeta(this.metaKey.delivered);
    // A database new to this bot (or used by `playbook serve` before) starts at its log's end:
    // actions from before the bot existed are not carried out now.
    const cursor = stored === undefined ? this.durable.lastSeq() : Number(stored);
    if (stored === undefined) {
      store.commit({ ...emptyCommit(), meta: { [this.metaKey.delivered]: String(cursor) } });
      await store.settle?.();
    }
    const leftover = store.readActionsAfter
      ? (await store.readActionsAfter(cursor)).map((a) => ({ seq: a.seq, action: JSON.parse(a.json) as OutputAction }))
      : this.durable.actionsAfter(cursor, Number.MAX_SAFE_INTEGER);
    let release!: () => void;
    this.chain = new Promise<void>((r) => (release = r));
    if (leftover.length) this.log(`carrying out ${leftover.length} action(s) committed but not done before the last stop`);
    this.enqueue(async () => {
      for (const { seq, action } of leftover) await this.deliver(seq, action);
    });
    try {
      await this.adapter.start({
        event: (e) => {
          this.onEvent(e);
        },
        log: (line) => {
          this.log(`${this.adapter.platform}: ${line}`);
        },
        fatal: (reason) => {
          this.log(`${this.adapter.platform}: connection lost for good: ${reason}`);
          this.onFatal(reason);
        },
      });
    } catch (e) {
      this.aborted = true;
      release();
      throw e;
    }
    release();
    // After connecting: some platforms announce what they can do only then (IRC's ISUPPORT,
    // an XMPP room's service discovery).
    this.log(capabilitiesLine(this.adapter.platform, this.adapter.capabilities));
    for (const line of unsupportedByPlatform(this.durable.ir, this.adapter.platform, this.adapter.capabilities)) this.log(line);
    this.timers.arm();
    this.undoLoop.arm();
  }

  /** Stop taking events, finish what is under way, disconnect. The database stays open. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.timers.stop();
    this.undoLoop.stop();
    await this.idle();
    await this.adapter.stop();
  }

  /** Switch to a new version of the playbook (SIGHUP); one with errors changes nothing. */
  reload(source: string, file: string): ReloadOutcome {
    const outcome = reloadDurable(this.durable, source, file);
    if (!outcome.ok) return outcome;
    const written = this.durable.store.settle?.();
    if (written) this.carryOut(written);
    this.timers.arm();
    this.log(`reloaded ${file} (${outcome.playbook}): ${reloadSummary(outcome)}`);
    for (const line of unsupportedByPlatform(this.durable.ir, this.adapter.platform, this.adapter.capabilities)) this.log(line);
    return outcome;
  }

  /** Resolves when every action committed so far has been handled. */
  idle(): Promise<void> {
    return this.chain;
  }

  // ------------------------------------------------------------------ events in

  private onEvent(event: ChatEvent): void {
    if (this.stopped) return;
    let result;
    try {
      result = this.durable.dispatchBatch([event]);
    } catch (e) {
      // Nothing of the event was applied (the store rolled back); the room moves on.
      this.log(`event ${event.id} (${event.type}) lost: ${messageOf(e)}`);
      return;
    }
    const r = result.results[0]!;
    if (r.status === 'duplicate') this.counts.duplicates++;
    else if (r.status === 'stale') {
      this.counts.stale++;
      this.log(`event ${event.id} (${event.type}) refused as stale: older than the clock minus the horizon`);
    } else if (r.status === 'invalid') {
      this.counts.invalid++;
      this.log(`event ${event.id} (${event.type}) rejected: ${r.reason ?? 'invalid'}`);
    } else this.counts.events++;
    this.carryOut(this.committed(result));
    if (r.status === 'processed' && event.type === 'member.joined' && event.member) this.muteAgainIfMuted(event);
    this.timers.arm();
  }

  /** An XMPP role is lost when the member leaves: a member muted until later is muted again. */
  private muteAgainIfMuted(event: ChatEvent): void {
    if (this.adapter.capabilities.muteSurvivesRejoin) return;
    const until = this.mutes.get(key(event.community, event.member!));
    const now = this.host.now();
    if (until === undefined || until <= now) return;
    const action: OutputAction = {
      at: new Date(now).toISOString(),
      type: 'member.mute',
      community: event.community,
      member: event.member!,
      duration: isoDuration(until - now),
      until: new Date(until).toISOString(),
      reason: 'still muted',
      cause: event.id,
      source: 'bot:rejoin',
    };
    this.enqueue(() => this.deliver(undefined, action));
  }

  // ------------------------------------------------------------------ actions out

  /** The actions a runtime call logged: at once, or once a store that writes behind has written them. */
  private committed(result: BatchResult): readonly LoggedAction[] | Promise<readonly LoggedAction[]> {
    return this.durable.store.settle?.() ?? result.logged;
  }

  private carryOut(logged: readonly LoggedAction[] | Promise<readonly LoggedAction[]>): void {
    if (!(logged instanceof Promise)) {
      if (logged.length === 0) return;
      const batch = logged.map((l) => ({ seq: l.seq, action: JSON.parse(l.json) as OutputAction }));
      this.enqueue(async () => {
        for (const { seq, action } of batch) await this.deliver(seq, action);
      });
      return;
    }
    // Carried out in the order of the calls, each only after the database has its commit.
    logged.catch(() => undefined);
    this.enqueue(async () => {
      let written: readonly LoggedAction[];
      try {
        written = await logged;
      } catch (e) {
        this.storeFailed(e);
        return;
      }
      for (const l of written) await this.deliver(l.seq, JSON.parse(l.json) as OutputAction);
    });
  }

  /**
   * A write behind failed: memory is ahead of the database, so nothing more is carried out and
   * the bot stops (the CLI exits); started again, it goes on from what the database holds.
   */
  private storeFailed(e: unknown): void {
    if (this.aborted) return;
    this.aborted = true;
    const reason = `the database failed: ${messageOf(e)}`;
    this.log(`${reason}; stopping (started again, the bot goes on from what the database holds)`);
    this.onFatal(reason);
  }

  private enqueue(step: () => Promise<void>): void {
    this.chain = this.chain.then(step).catch((e: unknown) => {
      this.log(`carrying out actions: ${messageOf(e)}`);
    });
  }

  private async deliver(seq: number | undefined, action: OutputAction): Promise<void> {
    if (this.aborted) return;
    this.counts.actions++;
    let outcome: ActionOutcome | { status: 'recorded' };
    if (!isPlatformAction(action)) outcome = { status: 'recorded' };
    else if (action.type === 'member.mute' && Date.parse(String(action['until'])) <= this.host.now()) {
      outcome = { status: 'skipped', reason: `the mute ended at ${String(action['until'])} before it could be applied` };
    } else outcome = await this.adapter.perform(action);
    this.counts[outcome.status]++;
    const meta: Record<string, string> = dict();
    if (outcome.status === 'done') {
      if (action.type === 'member.mute' && action.member) {
        this.mutes.set(key(action.community, action.member), Date.parse(String(action['until'])));
        this.pruneMutes();
        const rows = dict<number>();
        for (const [k, until] of this.mutes) rows[k] = until;
        meta[this.metaKey.mutes] = JSON.stringify(rows);
      }
      if (outcome.undo && outcome.undoAt !== undefined) {
        this.undos.set(undoKey(outcome.undo), { at: outcome.undoAt, record: outcome.undo });
        meta[this.metaKey.undo] = JSON.stringify([...this.undos.values()]);
      }
    }
    if (seq !== undefined) meta[this.metaKey.delivered] = String(seq);
    if (Object.keys(meta).length) await this.saveMeta(meta);
    if (outcome.status === 'unsupported' || outcome.status === 'failed' || outcome.status === 'skipped') {
      this.log(`${describeAction(seq, action)} not carried out on ${this.adapter.platform}: ${outcome.status}: ${outcome.reason}`);
    }
    this.onOutcome({ ...(seq !== undefined ? { seq } : {}), action, outcome });
    if (outcome.status === 'done' && outcome.undo) this.undoLoop.arm();
  }

  private pruneMutes(): void {
    const now = this.host.now();
    for (const [k, until] of this.mutes) if (until <= now) this.mutes.delete(k);
  }

  // ------------------------------------------------------------------ timed undo

  private nextUndo(): number | undefined {
    let next: number | undefined;
    for (const [k, u] of this.undos) if (!this.undoing.has(k) && (next === undefined || u.at < next)) next = u.at;
    return next;
  }

  private runUndos(now: number): void {
    const due = [...this.undos].filter(([k, u]) => u.at <= now && !this.undoing.has(k)).sort((a, b) => a[1].at - b[1].at);
    for (const [k, u] of due) {
      // Marked in memory only: a crash before the undo is done leaves it stored, to run again.
      this.undoing.add(k);
      this.enqueue(async () => {
        const outcome = await this.adapter.undo(u.record);
        this.undoing.delete(k);
        let retrying = false;
        // A newer record of the same kind (a mute applied again) may have replaced this one meanwhile.
        if (this.undos.get(k) === u) {
          const tries = (u.tries ?? 0) + 1;
          // The server refused or did not answer (a reconnect under way): a muted member must not
          // stay muted because of that, so try again later, also after a restart.
          retrying = outcome.status === 'failed' && tries < UNDO_TRIES;
          if (retrying) this.undos.set(k, { ...u, at: this.host.now() + UNDO_RETRY_MS, tries });
          else this.undos.delete(k);
        }
        // An undo may hand back the next one: a Discord timeout (28 days at most) renewed until the mute's end.
        if (outcome.status === 'done' && outcome.undo && outcome.undoAt !== undefined) {
          this.undos.set(undoKey(outcome.undo), { at: outcome.undoAt, record: outcome.undo });
        }
        await this.saveMeta({ [this.metaKey.undo]: JSON.stringify([...this.undos.values()]) });
        if (outcome.status !== 'done') {
          const again = retrying ? `; trying again in ${UNDO_RETRY_MS / 1000} s` : '';
          this.log(`undo ${u.record.kind} of ${u.record.member} in ${u.record.community}: ${outcome.status}: ${outcome.reason}${again}`);
        }
        this.onUndo(u.record, outcome);
        this.undoLoop.arm();
      });
    }
  }

  private async saveMeta(meta: Record<string, string>): Promise<void> {
    this.durable.store.commit({ ...emptyCommit(), meta });
    const written = this.durable.store.settle?.();
    if (!written) return;
    try {
      await written;
    } catch (e) {
      this.storeFailed(e);
    }
  }
}

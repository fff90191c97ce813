import { messageOf } from '../stdlib/errors.js';

/**
 * Failure isolation per community in a cluster owner (docs/scaling.md, "A community whose events
 * fail"). An error raised while a community loads (cluster-load.ts) or its events or timers run
 * (a member row in a state the playbook lacks, src/runtime/machines/stored.ts) is that
 * community's, not the database's: the owner sets the community aside, commits the others of its
 * batch, and tries it again later, so one damaged row cannot stall a whole batch or process.
 */

/**
 * An error thrown while loading one community or running its inbox rows or timers. Only errors
 * wrapped in it are isolated; anything else (a query, the connection) still ends the owner's session.
 */
export class CommunityFailure extends Error {
  constructor(
    readonly community: string,
    readonly error: unknown,
  ) {
    const named = `community ${JSON.stringify(community)}`;
    const message = messageOf(error);
    // A StoredStateError (`community "c", member "m": …`) or RememberedIdsFull (`community "c": …`)
    // already names its community first: named once.
    const first = message.startsWith(named) && [':', ','].includes(message.charAt(named.length));
    super(first ? message : `${named}: ${message}`);
  }
}

/** Run `f` for `community`, wrapping whatever it throws in a CommunityFailure. */
export function asCommunity<T>(community: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    throw e instanceof CommunityFailure ? e : new CommunityFailure(community, e);
  }
}

interface SetAside {
  /** The message last logged for it: the same error again is not logged again. */
  logged: string;
  failures: number;
  /** When it may be tried again. */
  until: number;
  /** Handed back for a try (`due`) and not failed since. */
  retrying: boolean;
}

/**
 * The communities set aside, each with its backoff: the first wait is `firstMs`, doubling with
 * every failure in a row up to `maxMs`. A community is logged once per distinct error, and once
 * more when it works again.
 */
export class Quarantine {
  private readonly aside = new Map<string, SetAside>();

  constructor(private readonly options: { firstMs: number; maxMs: number; log: (line: string) => void }) {}

  /** The community's work failed at `now`: set it aside until its backoff ends. */
  fail(community: string, error: unknown, now: number): void {
    const message = messageOf(error);
    const prev = this.aside.get(community);
    const failures = (prev?.failures ?? 0) + 1;
    const wait = this.delay(failures);
    this.aside.set(community, { logged: message, failures, until: now + wait, retrying: false });
    if (prev?.logged === message) return;
    this.options.log(
      `cluster owner: community ${JSON.stringify(community)} set aside, its work stays pending (tried again after a backoff from ${this.options.firstMs} ms): ${message}`,
    );
  }

  /** The wait after `failures` failures in a row. */
  delay(failures: number): number {
    return Math.min(this.options.maxMs, this.options.firstMs * 2 ** Math.min(failures - 1, 30));
  }

  /** The community's work committed: it is no longer set aside. */
  succeeded(community: string): void {
    if (!this.aside.delete(community)) return;
    this.options.log(`cluster owner: community ${JSON.stringify(community)} works again`);
  }

  /** Whether the community waits out its backoff now (its inbox and timers are left alone). */
  isAside(community: string): boolean {
    const a = this.aside.get(community);
    return a !== undefined && !a.retrying;
  }

  /** The communities whose backoff ended by `now`, each handed back once for a try. */
  due(now: number): string[] {
    const out: string[] = [];
    for (const [c, a] of this.aside) {
      if (a.retrying || a.until > now) continue;
      a.retrying = true;
      out.push(c);
    }
    return out;
  }

  /** The earliest end of a backoff still waited out, or Infinity. */
  nextDue(): number {
    let next = Infinity;
    for (const a of this.aside.values()) if (!a.retrying) next = Math.min(next, a.until);
    return next;
  }

  /**
   * Run `batch` on the communities; when one community's work fails (CommunityFailure), set it
   * aside and run the others again without it, until they commit or none is left. Any other error
   * goes up. Returns what the committed run returned, or undefined when none did. The communities
   * it says `ran` work again; one handed back with nothing to run stays as it was (its timers may
   * still fail, and must not log twice).
   */
  async isolate<T extends { ran: readonly string[] }>(
    communities: readonly string[],
    now: () => number,
    batch: (communities: readonly string[]) => Promise<T>,
  ): Promise<T | undefined> {
    let left = communities;
    while (left.length > 0) {
      try {
        const result = await batch(left);
        for (const c of result.ran) this.succeeded(c);
        return result;
      } catch (e) {
        if (!(e instanceof CommunityFailure) || !left.includes(e.community)) throw e;
        this.fail(e.community, e.error, now());
        left = left.filter((c) => c !== e.community);
      }
    }
    return undefined;
  }
}

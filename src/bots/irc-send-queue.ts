/**
 * Outgoing flood control. IRC servers charge every command a penalty and, past a threshold,
 * either stop reading from the client (InspIRCd "fakelag": the lines pile up in the server's
 * receive queue until it overflows, "RecvQ exceeded") or disconnect it ("Excess Flood"). A
 * bot that mutes five spammers at once must not get itself thrown out, so every line goes
 * through a token bucket: `burst` lines at once, then `perSecond` on average.
 */

import { realTimerHost, type TimerHost } from '../hosting/clock.js';
export interface SendRate {
  /** Lines that may go out back to back after a quiet spell. */
  burst: number;
  /** Lines per second in the long run. */
  perSecond: number;
}

/**
 * Within a default InspIRCd connect class (threshold 10, commandrate 1000: ten commands at
 * once, then one a second), leaving two for what the bot cannot count exactly (an unknown
 * command costs the server more than it costs here).
 */
export const DEFAULT_SEND_RATE: SendRate = { burst: 8, perSecond: 1 };

/**
 * What a command costs in the server's flood accounting, in lines. InspIRCd 3 charges JOIN 2
 * and PART 5 (measured against the packaged server: twelve of each took 14 s and 50 s to be
 * processed where PRIVMSG, MODE, KICK, WHO and TBAN took 3 s); everything else we send is 1.
 */
export function commandCost(line: string): number {
  const words = line.split(' ');
  let i = 0;
  if (words[i]?.startsWith('@')) i++;
  if (words[i]?.startsWith(':')) i++;
  switch ((words[i] ?? '').toUpperCase()) {
    case 'JOIN':
      return 2;
    case 'PART':
      return 5;
    default:
      return 1;
  }
}

export class QueueClosedError extends Error {}

interface Waiting {
  line: string;
  cost: number;
  resolve: () => void;
  reject: (e: Error) => void;
}

export class SendQueue {
  private tokens: number;
  private refilledAt: number;
  private readonly waiting: Waiting[] = [];
  private timer: unknown = undefined;

  constructor(
    private readonly write: (line: string) => void,
    private readonly rate: SendRate = DEFAULT_SEND_RATE,
    private readonly clock: TimerHost = realTimerHost,
  ) {
    if (!(rate.burst >= 1) || !(rate.perSecond > 0)) throw new RangeError(`send rate needs burst >= 1 and perSecond > 0, got ${JSON.stringify(rate)}`);
    this.tokens = rate.burst;
    this.refilledAt = clock.now();
  }

  /** Lines accepted but not yet written. */
  get pending(): number {
    return this.waiting.length;
  }

  /** Resolves once the line is written, in the order lines were given. */
  send(line: string): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      // A line costing more than the whole bucket would never go out; it waits for a full bucket instead.
      this.waiting.push({ line, cost: Math.min(commandCost(line), this.rate.burst), resolve, reject });
      this.pump();
    });
  }

  /**
   * Accounts for a line written past the queue (PONG, which the server needs in time, and
   * QUIT): the lines after it wait correspondingly.
   */
  spend(line: string): void {
    this.refill();
    this.tokens -= commandCost(line);
  }

  /** A new connection: the server's accounting starts afresh; lines meant for the old one are dropped. */
  reset(reason: string): void {
    this.drop(reason);
    this.tokens = this.rate.burst;
    this.refilledAt = this.clock.now();
  }

  /** Rejects every waiting line. */
  drop(reason: string): void {
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    for (const w of this.waiting.splice(0)) w.reject(new QueueClosedError(reason));
  }

  private refill(): void {
    const now = this.clock.now();
    this.tokens = Math.min(this.rate.burst, this.tokens + ((now - this.refilledAt) * this.rate.perSecond) / 1000);
    this.refilledAt = now;
  }

  private pump(): void {
    if (this.timer !== undefined) return;
    this.refill();
    while (this.waiting.length > 0 && this.tokens >= this.waiting[0]!.cost) {
      const next = this.waiting.shift()!;
      this.tokens -= next.cost;
      try {
        this.write(next.line);
        next.resolve();
      } catch (e) {
        next.reject(e as Error);
      }
    }
    if (this.waiting.length > 0) {
      const wait = Math.ceil(((this.waiting[0]!.cost - this.tokens) * 1000) / this.rate.perSecond);
      this.timer = this.clock.setTimeout(
        () => {
          this.timer = undefined;
          this.pump();
        },
        Math.max(1, wait),
      );
    }
  }
}

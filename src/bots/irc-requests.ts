/**
 * Requests to the IRC server that wait for an answer (irc.ts): a command goes out through the
 * send queue, and each incoming line is offered to the waiting requests until one recognises it as
 * its reply (a confirming echo, a numeric refusal) or its time runs out.
 */
import type { SendQueue } from './irc-send-queue.js';
import type { IrcLine } from './irc-state.js';

export type Reply = { status: 'done'; detail?: string } | { status: 'failed' | 'skipped'; reason: string };

interface Expectation {
  match(line: IrcLine): Reply | undefined;
  settle(reply: Reply): void;
}

export class IrcRequests {
  private expectations: Expectation[] = [];

  /** `timeoutMs`: how long a request waits for its answer unless it says otherwise. */
  constructor(
    private readonly queue: SendQueue,
    private readonly timeoutMs: number,
  ) {}

  /**
   * Sends `lines` and waits for the reply `match` recognises. The clock for the answer starts
   * once the last line is on the wire, so a backlog in the send queue is not a timeout.
   */
  request(lines: string[], match: (line: IrcLine) => Reply | undefined, timeoutMs = this.timeoutMs): Promise<Reply> {
    return new Promise<Reply>((resolve) => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const expectation: Expectation = {
        match,
        settle: (reply) => {
          clearTimeout(timer);
          resolve(reply);
        },
      };
      this.expectations.push(expectation);
      const sent = lines.map((l) => this.queue.send(l));
      Promise.all(sent).then(
        () => {
          timer = setTimeout(() => {
            this.expectations = this.expectations.filter((x) => x !== expectation);
            resolve({ status: 'failed', reason: `the server did not answer ${lines[0]!.split(' ')[0]} within ${timeoutMs / 1000} s` });
          }, timeoutMs);
        },
        (e: unknown) => {
          this.expectations = this.expectations.filter((x) => x !== expectation);
          resolve({ status: 'failed', reason: `not sent: ${(e as Error).message}` });
        },
      );
    });
  }

  /** Settles the first waiting request that recognises `line` as its reply. */
  offer(line: IrcLine): void {
    for (const e of this.expectations) {
      const reply = e.match(line);
      if (reply) {
        this.expectations = this.expectations.filter((x) => x !== e);
        e.settle(reply);
        break;
      }
    }
  }

  /** Fails every waiting request (the connection is gone, or the bot is stopping). */
  failAll(reason: string): void {
    const pending = this.expectations;
    this.expectations = [];
    for (const e of pending) e.settle({ status: 'failed', reason });
  }
}

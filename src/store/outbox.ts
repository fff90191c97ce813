/**
 * The outbox of `webhook.call` actions (docs/serve.md, "Webhooks"): each such action gets a row
 * in the same transaction that logs it, so a call is never lost between being logged and being
 * sent, and a dispatcher (src/hosting/webhooks.ts) records every attempt there, so a restart
 * goes on with the attempts left and the same Idempotency-Key.
 */

export type OutboxStatus = 'pending' | 'delivered' | 'failed';

export interface OutboxRow {
  /** The action's sequence number in the log. */
  seq: number;
  community: string;
  /** The action's JSON, as logged. */
  action: string;
  /** Attempts made so far. */
  attempts: number;
  /** When the next attempt is due (ms since the epoch). */
  nextAt: number;
  status: OutboxStatus;
  /** Why the last attempt failed. */
  lastError?: string;
}

export interface OutboxUpdate {
  attempts: number;
  status: OutboxStatus;
  nextAt: number;
  lastError?: string;
}

export interface Outbox {
  /** Pending rows due at `now`, oldest first (of the given communities only, when given). */
  due(now: number, limit: number, communities?: readonly string[]): Promise<OutboxRow[]>;
  /** The earliest `nextAt` of a pending row (of the communities, when given), if any. */
  nextDue(communities?: readonly string[]): Promise<number | undefined>;
  record(seq: number, update: OutboxUpdate): Promise<void>;
  /** Rows of one status, newest first. */
  list(status: OutboxStatus, limit: number): Promise<OutboxRow[]>;
  counts(): Promise<Record<OutboxStatus, number>>;
}

/** Whether a logged action is a `webhook.call` (cheap test first: most actions are not). */
export function isWebhookCall(json: string): boolean {
  return json.includes('"webhook.call"') && (JSON.parse(json) as { type?: unknown }).type === 'webhook.call';
}

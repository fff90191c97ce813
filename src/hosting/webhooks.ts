import type { Outbox, OutboxRow } from '../store/outbox.js';
import { messageOf } from '../stdlib/errors.js';

/**
 * Delivery of `webhook.call` actions (docs/serve.md, "Webhooks"). The actions wait in the outbox
 * written with the action log (src/store/outbox.ts); the dispatcher POSTs each one's `body` as
 * JSON to its endpoint's URL with an `Idempotency-Key` that stays the same across attempts and
 * restarts, retries what may succeed later (network errors, timeouts, 408, 429, 5xx) with
 * exponential backoff, honouring Retry-After, up to the endpoint's `retries` more attempts, and
 * gives up at once on other 4xx answers. Every attempt is recorded in the outbox before the next
 * one, so a process killed mid-retry goes on where it was when started again.
 */

/** An endpoint as the IR declares it (`endpoint NAME { url … timeout … retries … }`). */
export interface EndpointSpec {
  url?: string;
  urlEnv?: string;
  timeoutMs: number;
  retries: number;
}

export interface Endpoint {
  url: string;
  timeoutMs: number;
  retries: number;
}

/** An endpoint that cannot be used: the process refuses to start (or a reload is refused). */
export class EndpointError extends Error {}

/** The first retry waits this long; each next one twice as long, up to MAX_BACKOFF_MS. */
export const FIRST_BACKOFF_MS = 1000;
export const MAX_BACKOFF_MS = 60_000;

/** The endpoints of a playbook's IR (the field is optional: playbooks without endpoints have none). */
export function endpointSpecs(ir: object): Map<string, EndpointSpec> {
  const specs = (ir as { endpoints?: Record<string, EndpointSpec> }).endpoints;
  return new Map(specs ? Object.entries(specs) : []);
}

/** Resolve every endpoint's URL now: a missing environment variable or a URL that is not http(s) refuses the start. */
export function resolveEndpoints(specs: Map<string, EndpointSpec>, env: Readonly<Record<string, string | undefined>> = process.env): Map<string, Endpoint> {
  const out = new Map<string, Endpoint>();
  for (const [name, spec] of specs) {
    let url = spec.url;
    if (spec.urlEnv !== undefined) {
      url = env[spec.urlEnv];
      if (url === undefined || url === '') {
        throw new EndpointError(`endpoint ${name} takes its URL from the environment variable ${spec.urlEnv}, which is not set`);
      }
    }
    let parsed: URL;
    try {
      parsed = new URL(url ?? '');
    } catch {
      throw new EndpointError(`endpoint ${name}: ${JSON.stringify(url ?? '')} is not a URL${spec.urlEnv ? ` (from ${spec.urlEnv})` : ''}`);
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
      throw new EndpointError(`endpoint ${name}: ${parsed.protocol} URLs are not delivered to; use http:// or https://`);
    }
    out.set(name, { url: parsed.href, timeoutMs: spec.timeoutMs, retries: spec.retries });
  }
  return out;
}

/** The key a receiver deduplicates by: the same for every attempt of one action, also after a restart. */
export function idempotencyKey(row: Pick<OutboxRow, 'community' | 'seq'>): string {
  return `playbook:${encodeURIComponent(row.community)}:${row.seq}`;
}

/** What one attempt came to. */
export type Attempt = { ok: true; status: number } | { ok: false; retry: boolean; reason: string; retryAfterMs?: number };

/** Retry-After as seconds or an HTTP date, in ms from `now`; undefined when absent or unreadable. */
export function retryAfterMs(value: string | null, now: number): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isFinite(at) ? Math.max(0, at - now) : undefined;
}

/** POST the body once. Never throws. */
export async function attempt(endpoint: Endpoint, key: string, body: unknown, now: () => number): Promise<Attempt> {
  try {
    const res = await fetch(endpoint.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': key, 'user-agent': 'playbook' },
      body: JSON.stringify(body ?? {}),
      signal: AbortSignal.timeout(endpoint.timeoutMs),
      redirect: 'manual',
    });
    await res.arrayBuffer().catch(() => undefined);
    if (res.status >= 200 && res.status < 300) return { ok: true, status: res.status };
    const retry = res.status === 408 || res.status === 429 || res.status >= 500;
    const after = retryAfterMs(res.headers.get('retry-after'), now());
    return { ok: false, retry, reason: `${res.status} ${res.statusText}`.trim(), ...(after !== undefined ? { retryAfterMs: after } : {}) };
  } catch (e) {
    const err = e as Partial<Error> & { cause?: { code?: string; message?: string } };
    const reason =
      err.name === 'TimeoutError' ? `no answer within ${endpoint.timeoutMs} ms` : (err.cause?.code ?? err.cause?.message ?? err.message ?? String(e));
    return { ok: false, retry: true, reason };
  }
}

/** The delay before attempt number `attempts + 1`, after `attempts` failed ones. */
export function backoff(attempts: number, retryAfter: number | undefined, firstMs = FIRST_BACKOFF_MS, maxMs = MAX_BACKOFF_MS): number {
  const exp = Math.min(maxMs, firstMs * 2 ** Math.max(0, attempts - 1));
  return Math.min(maxMs, Math.max(exp, retryAfter ?? 0));
}

export interface DispatcherOptions {
  outbox: Outbox;
  endpoints: Map<string, Endpoint>;
  log: (line: string) => void;
  /** Only these communities' calls (a cluster owner's); all when absent. */
  communities?: () => readonly string[];
  now?: () => number;
  /** How often the outbox is looked at when nothing woke the dispatcher. */
  pollMs?: number;
  firstBackoffMs?: number;
  maxBackoffMs?: number;
  /** Calls in flight at once. */
  concurrency?: number;
}

export class WebhookDispatcher {
  private readonly o: DispatcherOptions;
  private endpoints: Map<string, Endpoint>;
  private readonly now: () => number;
  private stopped = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  readonly counts = { delivered: 0, failed: 0, retried: 0 };

  constructor(options: DispatcherOptions) {
    this.o = options;
    this.endpoints = options.endpoints;
    this.now = options.now ?? Date.now;
  }

  start(): void {
    this.wake();
  }

  /** A reload: calls logged from now on (and those still pending) go to the new endpoints. */
  setEndpoints(endpoints: Map<string, Endpoint>): void {
    this.endpoints = endpoints;
  }

  /** Look at the outbox now (new calls were committed). */
  wake(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.running = this.pass()
      .catch((e: unknown) => {
        this.o.log(`webhooks: ${messageOf(e)}; trying again`);
      })
      .finally(() => {
        this.running = undefined;
        this.schedule();
      });
  }

  /** Stop sending; calls under way finish (and are recorded) first. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  /** Read through a call: `stop()` may set it while a pass awaits. */
  private isStopped(): boolean {
    return this.stopped;
  }

  private schedule(): void {
    if (this.stopped) return;
    if (this.again) {
      this.again = false;
      this.wake();
      return;
    }
    void this.o.outbox
      .nextDue(this.o.communities?.())
      .catch(() => undefined)
      .then((next) => {
        if (this.stopped || this.running) return;
        const poll = this.o.pollMs ?? 1000;
        const wait = next === undefined ? poll : Math.min(poll, Math.max(0, next - this.now()));
        if (this.timer) clearTimeout(this.timer);
        this.timer = setTimeout(() => {
          this.timer = undefined;
          this.wake();
        }, wait);
        // The dispatcher alone never keeps a process alive: its host (a server, a bot) does.
        this.timer.unref();
      });
  }

  /** Send every due call, a few at a time, until none is due. */
  private async pass(): Promise<void> {
    for (;;) {
      if (this.stopped) return;
      const communities = this.o.communities?.();
      if (communities && communities.length === 0) return;
      const rows = await this.o.outbox.due(this.now(), 100, communities);
      if (rows.length === 0) return;
      const width = this.o.concurrency ?? 8;
      for (let i = 0; i < rows.length && !this.isStopped(); i += width) await Promise.all(rows.slice(i, i + width).map((r) => this.deliver(r)));
    }
  }

  private async deliver(row: OutboxRow): Promise<void> {
    const action = JSON.parse(row.action) as { endpoint?: unknown; body?: unknown };
    const name = String(action.endpoint);
    const endpoint = this.endpoints.get(name);
    const attempts = row.attempts + 1;
    const what = `webhook ${name} (action ${row.seq}, community ${JSON.stringify(row.community)})`;
    if (!endpoint) {
      await this.o.outbox.record(row.seq, {
        attempts: row.attempts,
        status: 'failed',
        nextAt: row.nextAt,
        lastError: `no endpoint ${name} in the running playbook`,
      });
      this.counts.failed++;
      this.o.log(`${what}: given up: the running playbook has no endpoint ${name}`);
      return;
    }
    const result = await attempt(endpoint, idempotencyKey(row), action.body, this.now);
    if (result.ok) {
      await this.o.outbox.record(row.seq, { attempts, status: 'delivered', nextAt: this.now() });
      this.counts.delivered++;
      return;
    }
    if (result.retry && attempts <= endpoint.retries) {
      const delay = backoff(attempts, result.retryAfterMs, this.o.firstBackoffMs, this.o.maxBackoffMs);
      await this.o.outbox.record(row.seq, { attempts, status: 'pending', nextAt: this.now() + delay, lastError: result.reason });
      this.counts.retried++;
      this.o.log(`${what}: attempt ${attempts} failed: ${result.reason}; next in ${Math.round(delay / 100) / 10} s`);
      return;
    }
    await this.o.outbox.record(row.seq, { attempts, status: 'failed', nextAt: this.now(), lastError: result.reason });
    this.counts.failed++;
    this.o.log(`${what}: given up after ${attempts} attempt(s): ${result.reason}`);
  }
}

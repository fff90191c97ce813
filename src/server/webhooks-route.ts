import type { ServerResponse } from 'node:http';
import type { IR } from '../ir/schema.js';
import { endpointSpecs, resolveEndpoints, WebhookDispatcher, type DispatcherOptions } from '../hosting/webhooks.js';
import type { Outbox } from '../store/outbox.js';
import { HttpError, sendLines } from './http.js';

/**
 * The webhook side of the servers (docs/serve.md, "Webhooks"): the dispatcher of a store's
 * outbox, and `GET /webhooks?status=failed|pending|delivered`, which lists calls newest first.
 */

/** A dispatcher for the playbook's endpoints; throws EndpointError when one cannot be resolved (the start is refused). */
export function webhooksFor(
  outbox: Outbox | undefined,
  ir: IR,
  log: (line: string) => void,
  more: Partial<DispatcherOptions> = {},
): WebhookDispatcher | undefined {
  if (!outbox) {
    if (endpointSpecs(ir).size > 0) log('warning: this store keeps no outbox (--db :memory:): webhook calls are logged, not delivered');
    return undefined;
  }
  return new WebhookDispatcher({ outbox, endpoints: resolveEndpoints(endpointSpecs(ir)), log, ...more });
}

/** After a reload: the new version's endpoints; one that cannot be resolved is left out (its calls are given up) and logged. */
export function reloadEndpoints(dispatcher: WebhookDispatcher | undefined, ir: IR, log: (line: string) => void): void {
  if (!dispatcher) return;
  const specs = endpointSpecs(ir);
  for (const [name, spec] of specs) {
    try {
      resolveEndpoints(new Map([[name, spec]]));
    } catch (e) {
      log(`reload: ${(e as Error).message}; calls to ${name} are given up until a version with a usable URL is loaded`);
      specs.delete(name);
    }
  }
  dispatcher.setEndpoints(resolveEndpoints(specs));
}

export async function webhooksRoute(url: URL, outbox: Outbox | undefined, res: ServerResponse): Promise<void> {
  const status = url.searchParams.get('status') ?? 'failed';
  if (status !== 'failed' && status !== 'pending' && status !== 'delivered') {
    throw new HttpError(400, `?status must be failed, pending or delivered, not ${JSON.stringify(status.slice(0, 40))}`);
  }
  const given = url.searchParams.get('limit');
  const limit = given === null ? 100 : Number(given);
  if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) throw new HttpError(400, `?limit must be a whole number from 1 to 10000`);
  const rows = outbox ? await outbox.list(status, limit) : [];
  sendLines(
    res,
    rows.map((r) => {
      const a = JSON.parse(r.action) as { endpoint?: unknown; cause?: unknown };
      return JSON.stringify({
        seq: r.seq,
        community: r.community,
        endpoint: a.endpoint,
        cause: a.cause,
        status: r.status,
        attempts: r.attempts,
        ...(r.status === 'pending' ? { nextAt: new Date(r.nextAt).toISOString() } : {}),
        ...(r.lastError !== undefined ? { lastError: r.lastError } : {}),
      });
    }),
  );
}

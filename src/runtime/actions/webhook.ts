import type { Action } from '../../ir/schema.js';
import { dict } from '../../stdlib/dict.js';
import type { Core } from '../core.js';
import type { Ctx } from '../context.js';

/**
 * `call ENDPOINT with …` (docs/language.md, "Webhooks"): `webhook.call` with the body computed now,
 * in the order written. A value that has none (a missing field) is `null`, so the receiver sees
 * every key. `serve` and `bot` deliver it (docs/serve.md); `simulate` only prints it.
 */
export function webhook(core: Core, ctx: Ctx, a: Extract<Action, { do: 'webhook' }>): void {
  const body = dict<unknown>();
  for (const e of a.body) {
    const v = core.value(e.value)(ctx);
    body[e.key] = v === undefined || (typeof v === 'number' && !Number.isFinite(v)) ? null : Array.isArray(v) ? [...(v as unknown[])] : v;
  }
  core.emit(ctx, 'webhook.call', ctx.member?.id, { endpoint: a.endpoint, body });
}

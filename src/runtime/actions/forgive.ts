import type { Action } from '../../ir/schema.js';
import type { Core } from '../core.js';
import { actor, type Ctx } from '../context.js';

/**
 * `forgive member on ladder L` (docs/language.md, "Ladders"): the member's warnings on L are
 * cleared, so their next warning runs step 1 again; `warnings.cleared` is reported only when
 * there was a warning to clear.
 */
export function forgive(core: Core, ctx: Ctx, a: Extract<Action, { do: 'forgive' }>): void {
  const m = actor(ctx);
  if (!m?.warnings?.[a.ladder]?.length) return;
  // eslint-disable-next-line @typescript-eslint/no-dynamic-delete -- warnings is a dict keyed by ladder name
  delete m.warnings[a.ladder];
  if (Object.keys(m.warnings).length === 0) m.warnings = undefined;
  core.emit(ctx, 'warnings.cleared', m.id, { ladder: a.ladder });
}

import type * as A from '../../parser/ast.js';
import { D } from '../../parser/diagnostic-codes.js';
import type { IR, StageRef } from '../../ir/schema.js';
import { actions } from './actions.js';
import { cond, eventMatch } from './conditions.js';
import { memberScope, type Checker, type Scope } from './scopes.js';
import { duration } from './checks.js';
import { didYouMean } from '../../stdlib/suggest.js';
import { constructId } from '../../ir/index.js';

/**
 * `rule NAME { on …; when …; unless …; do … }`, at the top level or inside a campaign stage
 * (campaigns.ts passes the stage). Windowed `count(…)` counters in it are the rule's own.
 */
export function rule(cx: Checker, r: A.RuleDecl, stage?: StageRef): IR['rules'][number] {
  const id = constructId('rule', r.name.name);
  if (r.on.length === 0) cx.bag.report(D.E0401.noTrigger(r.name.name), r.name.span, 'add a line like `on message.posted`');
  if (r.actions.length === 0) cx.bag.report(D.W0401.noActions(r.name.name), r.name.span, 'add `do …` with at least one action');
  const base: Scope = { ...memberScope(`rule \`${r.name.name}\``), countScope: 'community' };
  if (stage) base.campaign = stage.campaign;
  const on = r.on.map((p) => eventMatch(cx, p, base));
  const events = on.map((m) => m.event).filter((e) => cx.events[e]);
  const windows: string[] = [];
  const scope: Scope = { ...base, events, owner: id, windows };
  const checkedBefore = cx.bag.items.length;
  const out: IR['rules'][number] = {
    id,
    name: r.name.name,
    on,
    unless: r.unless.map((u) => cond(cx, u, { ...scope, owner: undefined, windows: undefined })),
    priority: r.priority?.value ?? 0,
    windows,
    // A count in an action (`award sum(…) points`) is read after the `when` windows are used up, so it is not one of them.
    actions: actions(cx, r.actions, { ...scope, owner: undefined, windows: undefined }),
  };
  if (r.when) out.when = cond(cx, r.when, scope);
  // With an unknown `on` event (E0201, with its did-you-mean) the rule's fields and `delete
  // message` have no event to belong to: saying so again for each of them would bury the one fix.
  if (on.some((m) => !cx.events[m.event])) dropDiagnostics(cx, checkedBefore, NO_EVENT_CODES);
  if (r.once) out.once = r.once;
  if (r.onceKey) out.onceKey = onceKey(cx, r.onceKey, events);
  if (r.exclusive) out.exclusive = r.exclusive.name;
  if (r.cooldown) {
    out.cooldownMs = duration(cx, r.cooldown.duration, 'cooldown');
    out.cooldownPer = r.cooldown.per;
  }
  if (stage) out.stage = stage;
  return out;
}

/** `once per FIELD`: a field every triggering event has (`once per orderId`). */
function onceKey(cx: Checker, key: A.Ident, events: readonly string[]): string {
  const lacking = events.filter((e) => !cx.events[e]?.fields[key.name]);
  if (lacking.length > 0) {
    const fields = [...new Set(events.flatMap((e) => Object.keys(cx.events[e]?.fields ?? {})))];
    cx.bag.report(
      D.E0108.oncePer(key.name),
      key.span,
      didYouMean(key.name, ['member', 'community', ...fields]) ?? `fields of ${lacking.join(', ')}: ${fields.join(', ') || 'none'}`,
    );
  }
  // A list is no key: the rule would never be held back, a silent wrong result.
  const list = events.find((e) => cx.events[e]?.fields[key.name]?.type === 'string[]');
  if (list) {
    cx.bag.report(
      D.E0108.oncePerList(key.name, list),
      key.span,
      `for once per item, send one event per item with a text field (\`once per tag\`), or count distinct values with \`count(distinct …)\``,
    );
  }
  return key.name;
}

/** What an unknown `on` event causes in the rest of the rule (see rule()). */
const NO_EVENT_CODES = new Set<string>([D.E0209.code, D.E0409.code]);

function dropDiagnostics(cx: Checker, from: number, codes: ReadonlySet<string>): void {
  const kept = cx.bag.items.slice(from).filter((d) => !codes.has(d.code));
  cx.bag.items.splice(from, cx.bag.items.length - from, ...kept);
}

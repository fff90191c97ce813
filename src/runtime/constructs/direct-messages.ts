import { directTimerId, type DirectMessages } from '../../ir/index.js';
import { own } from '../../stdlib/dict.js';
import { localMinute } from '../../stdlib/local-time.js';
import type { Core } from '../core.js';
import type { Ctx, OutputAction } from '../context.js';
import type { CommunityState, DirectMessageTally, MemberState, Timer } from '../state.js';
import { insertTimer } from '../timers.js';

/**
 * `direct messages { at most N per member per D, else hold|drop; quiet hours A to B, hold|drop }`
 * (docs/language.md, "Direct messages"). Every `message.send` with a `to` passes through here
 * (Core.emit). Each time a message is due to go out (when it is made, and when a held message's
 * turn comes) it goes out if it is outside quiet hours, under the cap and first in its member's
 * line; otherwise the clause that stops it decides: quiet hours first, then the cap. `hold` puts
 * it at the end of the member's line (MemberState.held, part of the state, so snapshots, reloads
 * and serve's store keep it), `drop` drops it (counted). One timer per member with a line brings
 * the next turn; a release is delivered with `at` the release instant and its original `cause`.
 */

const MINUTE = 60_000;
const DAY_MINUTES = 1440;
type Stop = 'quiet' | 'cap';

/** A `message.send` with `to`, made now: delivered, held or dropped. */
export function sendDirect(core: Core, ctx: Ctx, a: OutputAction, to: string): void {
  const rules = core.ir.directMessages;
  const c = ctx.community;
  const m = own(c.members, to);
  // A member no longer in the group has no line to wait in (Core.runActions drops most such messages).
  if (!rules || !m?.present) {
    ctx.out.push(a);
    return;
  }
  const now = ctx.now;
  // Someone in line first: this one waits behind them, or is dropped by the clause holding them.
  const stop: Stop | undefined = m.held?.length ? (isQuiet(rules, now, core.zone) ? 'quiet' : 'cap') : stoppedBy(core, rules, m, now);
  if (stop === undefined) {
    delivered(rules, m, now);
    // Stryker disable next-line ConditionalExpression: Core.emit has already touched the member a message is addressed to; docs/testing.md
    if (m.directSent) core.touch(c, m.id);
    ctx.out.push(a);
    return;
  }
  core.touch(c, m.id);
  const t = tally(c);
  if (policyOf(rules, stop) === 'drop') {
    t.dropped++;
    return;
  }
  const { at: _at, ...action } = a;
  t.held++;
  if (m.held?.length) {
    m.held.push({ since: now, action });
    return;
  }
  m.held = [{ since: now, action }];
  arm(core, c, m, nextTurn(core, rules, m, now, stop));
}

/** A member's turn: the line goes out from the front for as long as nothing stops it. */
export function releaseHeld(core: Core, c: CommunityState, t: Timer, out: OutputAction[]): void {
  const m = t.member === undefined ? undefined : own(c.members, t.member);
  if (!m?.held?.length) return;
  core.touch(c, m.id);
  const now = t.due;
  // A playbook reloaded without the block sends what was held.
  const rules = core.ir.directMessages ?? {};
  const counts = tally(c);
  while (m.held.length > 0) {
    const stop = stoppedBy(core, rules, m, now);
    if (stop !== undefined && policyOf(rules, stop) === 'hold') {
      arm(core, c, m, nextTurn(core, rules, m, now, stop));
      return;
    }
    const h = m.held.shift()!;
    if (stop !== undefined) {
      counts.dropped++;
      continue;
    }
    delivered(rules, m, now);
    counts.released++;
    out.push({ at: core.at(now), ...h.action });
  }
  m.held = undefined;
}

/** The member leaves or is removed: what was held for them is dropped, and counted. */
export function dropHeld(c: CommunityState, m: MemberState): void {
  if (!m.held?.length) return;
  tally(c).gone += m.held.length;
  m.held = undefined;
}

/** Whether quiet hours or the cap stop a message to `m` at `now` (quiet hours are asked first). */
function stoppedBy(core: Core, rules: DirectMessages, m: MemberState, now: number): Stop | undefined {
  if (isQuiet(rules, now, core.zone)) return 'quiet';
  const cap = rules.cap;
  if (cap && capFull(cap, m, now)) return 'cap';
  return undefined;
}

function policyOf(rules: DirectMessages, stop: Stop): 'hold' | 'drop' {
  return (stop === 'quiet' ? rules.quiet?.policy : rules.cap?.policy) ?? 'hold';
}

/**
 * Sliding window: a message at `now` is over the cap when `count` messages were delivered at
 * instants `> now - per` (as `within` windows count), so the oldest of them frees a place exactly
 * `per` after it was sent.
 */
function capFull(cap: NonNullable<DirectMessages['cap']>, m: MemberState, now: number): boolean {
  const sent = m.directSent;
  if (!sent || sent.length < cap.count) return false;
  return sent[sent.length - cap.count]! > now - cap.perMs;
}

/** Note a delivery; only the last `count` instants matter to the cap. */
function delivered(rules: DirectMessages, m: MemberState, now: number): void {
  const cap = rules.cap;
  if (!cap) return;
  const sent = m.directSent ?? [];
  sent.push(now);
  if (sent.length > cap.count) sent.splice(0, sent.length - cap.count);
  m.directSent = sent;
}

/** Quiet from `from` (included) to `to` (excluded), by the wall clock's minute in the playbook's zone. */
function isQuiet(rules: DirectMessages, ms: number, zone: string): boolean {
  const q = rules.quiet;
  if (!q) return false;
  const minute = localMinute(ms, zone);
  return q.from < q.to ? minute >= q.from && minute < q.to : minute >= q.from || minute < q.to;
}

/** When what stops the head of the line now lifts: the end of quiet hours, or the cap's next free place. */
function nextTurn(core: Core, rules: DirectMessages, m: MemberState, now: number, stop: Stop): number {
  if (stop === 'cap') {
    const cap = rules.cap!;
    const sent = m.directSent!;
    return sent[sent.length - cap.count]! + cap.perMs;
  }
  return quietEnd(rules, now, core.zone);
}

/**
 * The first instant after `now` that the wall clock shows outside quiet hours. Jump to about two
 * hours before the wall clock reaches the end (a daylight-saving change moves it by at most one),
 * then go minute by minute: in a spring-forward gap the end may never be shown, and the first
 * minute after the gap is the answer.
 */
function quietEnd(rules: DirectMessages, now: number, zone: string): number {
  const q = rules.quiet!;
  let at = Math.floor(now / MINUTE) * MINUTE;
  const ahead = (q.to - localMinute(at, zone) + DAY_MINUTES) % DAY_MINUTES;
  at += Math.max(1, ahead - 120) * MINUTE;
  // Stryker disable next-line UpdateOperator: quiet hours end within a day, long before the bound either way; docs/testing.md
  for (let i = 0; i < 2 * DAY_MINUTES && isQuiet(rules, at, zone); i++) at += MINUTE;
  return at;
}

function arm(core: Core, c: CommunityState, m: MemberState, due: number): void {
  insertTimer(c, { id: directTimerId(m.id), due, kind: 'direct', ref: 'direct', member: m.id });
}

function tally(c: CommunityState): DirectMessageTally {
  return (c.directMessages ??= { held: 0, released: 0, dropped: 0, gone: 0 });
}

/** The tallies of several communities added up, with the messages still held at the end. */
export function directMessageTotals(communities: Iterable<CommunityState>): DirectMessageTally & { waiting: number } {
  const sum = { held: 0, released: 0, dropped: 0, gone: 0, waiting: 0 };
  for (const c of communities) {
    const t = c.directMessages;
    if (t) {
      sum.held += t.held;
      sum.released += t.released;
      sum.dropped += t.dropped;
      sum.gone += t.gone;
    }
    for (const id in c.members) sum.waiting += c.members[id]!.held?.length ?? 0;
  }
  return sum;
}

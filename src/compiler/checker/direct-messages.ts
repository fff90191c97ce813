import type * as A from '../../parser/ast.js';
import { D } from '../../parser/diagnostic-codes.js';
import type { DirectMessages } from '../../ir/schema.js';
import { didYouMean } from '../../stdlib/suggest.js';
import { duration } from './checks.js';
import type { Checker } from './scopes.js';

/**
 * `direct messages { at most N per member per D, else hold|drop; quiet hours A to B, hold|drop }`
 * (docs/language.md, "Direct messages"): one block, each clause once, a policy on each clause.
 */
export function directMessages(cx: Checker): DirectMessages | undefined {
  const blocks = cx.ast.directMessages;
  const first = blocks[0];
  if (!first) return undefined;
  for (const b of blocks.slice(1)) cx.bag.report(D.E0441.blockTwice(), b.span, 'put the cap and the quiet hours in one `direct messages { … }` block');
  const out: DirectMessages = {};
  for (const [i, cap] of first.caps.entries()) {
    if (i > 0) {
      cx.bag.report(D.E0441.capTwice(), cap.span, 'keep one `at most N per member per D`');
      continue;
    }
    let count = cap.count.value;
    if (!Number.isInteger(count) || count < 1) {
      cx.bag.report(D.E0442.capCount(cap.count.text), cap.count.span, 'write e.g. `at most 1 per member per 1d`');
      count = 1;
    }
    out.cap = { count, perMs: duration(cx, cap.per, 'a cap period'), policy: policy(cx, cap.policy, '`at most …`', cap.span, 'else hold') };
  }
  for (const [i, q] of first.quiet.entries()) {
    if (i > 0) {
      cx.bag.report(D.E0441.quietTwice(), q.span, 'keep one `quiet hours A to B`; it may cross midnight (`22:00 to 08:00`)');
      continue;
    }
    const p = policy(cx, q.policy, '`quiet hours …`', q.span, 'hold');
    // A wrong time was reported by the parser (E0304).
    const { from, to } = q.times;
    if (from === undefined || to === undefined) continue;
    if (from === to) {
      cx.bag.report(D.E0444.sameTimes(hhmm(from)), q.times.span, 'give the hours it is quiet, e.g. `quiet hours 22:00 to 08:00`');
      continue;
    }
    out.quiet = { from, to, policy: p };
  }
  const quiet = first.quiet[0];
  if (out.cap?.policy === 'hold' && out.quiet?.policy === 'drop' && quiet) {
    cx.bag.report(
      D.W0431.heldThenDropped(),
      quiet.policy?.span ?? quiet.span,
      'end quiet hours with `hold` to send held messages in the morning, or the cap with `else drop`',
    );
  }
  if (first.caps.length === 0 && first.quiet.length === 0) {
    cx.bag.report(D.W0430.empty(), first.span, 'add `at most 1 per member per 1d, else hold` or `quiet hours 22:00 to 08:00, hold`, or remove the block');
  }
  return out.cap || out.quiet ? out : undefined;
}

function policy(cx: Checker, word: A.Ident | undefined, clause: string, span: A.Span, example: string): 'hold' | 'drop' {
  if (!word) {
    cx.bag.report(D.E0443.noPolicy(clause), span, `end the clause with \`${example}\` (send it later) or \`drop\` (never send it)`);
    return 'hold';
  }
  if (word.name === 'hold' || word.name === 'drop') return word.name;
  cx.bag.report(D.E0443.unknownPolicy(word.name), word.span, didYouMean(word.name, ['hold', 'drop']) ?? '`hold` sends it later, `drop` never sends it');
  return 'hold';
}

function hhmm(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

/**
 * The actions of the syntax tree (docs/language.md, "Actions"): what rules, steps, ladders,
 * jobs and boards do, with their audiences and message texts. The rest of the tree is ast.ts,
 * which re-exports these, so `A.Action` reads the same everywhere.
 */
import type { Condition, Duration, Ident, Operand, Span, StringLit } from './ast.js';

export type Audience =
  | { kind: 'group' }
  | { kind: 'member' }
  | { kind: 'admins' }
  | { kind: 'channel'; channel: StringLit }
  | {
      kind: 'members';
      silent: boolean;
      tagged?: StringLit;
      segment?: Ident;
      where?: Condition;
      unless?: Condition;
    };

/** A message body: inline text or a named template. */
export type MessageText = { kind: 'inline'; text: StringLit } | { kind: 'template'; name: Ident };

export type Action =
  | { kind: 'say'; to: Audience; text: MessageText; span: Span }
  | { kind: 'notify'; text: MessageText; span: Span }
  | { kind: 'deleteMessage'; span: Span }
  | { kind: 'warn'; reason?: MessageText; ladder: Ident; span: Span }
  /** `mute member 10m` keeps `duration`; a computed length (`mute member 10m * warnings`) keeps `value`. */
  | { kind: 'mute'; duration?: Duration; value?: Operand; reason?: StringLit; span: Span }
  | { kind: 'remove'; reason?: StringLit; span: Span }
  | {
      kind: 'removeMembers';
      silent: boolean;
      tagged?: StringLit;
      segment?: Ident;
      where?: Condition;
      unless?: Condition;
      reason?: StringLit;
      span: Span;
    }
  | { kind: 'tag' | 'untag'; tag: StringLit; span: Span }
  /**
   * `award N points`, `deduct N points`: `amount` is the signed number, or for a computed amount
   * (`award amount / 10 points`) the sign (1 or -1) to apply to `value`.
   */
  | { kind: 'award'; amount: number; value?: Operand; reason?: StringLit; multiplied: boolean; span: Span }
  /** `tag members FILTER "t"`, `untag members FILTER "t"`: every matching member at once. */
  | { kind: 'tagMembers'; untag: boolean; tag: StringLit; tagged?: StringLit; segment?: Ident; where?: Condition; unless?: Condition; span: Span }
  /** `forgive member on ladder L`: clears the member's warnings on L (an appeal granted). */
  | { kind: 'forgive'; ladder: Ident; span: Span }
  /** `award badge NAME`: grants a declared badge (once per member), running its actions. */
  | { kind: 'awardBadge'; badge: Ident; span: Span }
  /** `for each member: ACTIONS`: for each member a leaderboard ranks or a draw picks, in order. */
  | { kind: 'forEach'; actions: Action[]; span: Span }
  /** `draw N members FILTER as NAME [: ACTIONS]`: a lottery; the actions run for each winner. */
  | {
      kind: 'draw';
      count: { value: number; span: Span };
      name?: Ident;
      tagged?: StringLit;
      segment?: Ident;
      where?: Condition;
      unless?: Condition;
      actions: Action[];
      span: Span;
    };

/**
 * The actions of the syntax tree (docs/language.md, "Actions"): what rules, steps, ladders,
 * jobs and boards do, with their audiences and message texts. The rest of the tree is ast.ts,
 * which re-exports these, so `A.Action` reads the same everywhere.
 */
import type { Condition, Duration, Ident, Operand, Span, StringLit } from './ast.js';

export type Audience =
  | { kind: 'group' }
  /** `say to member`, or `say to author` (a target: another member, docs/language.md, "Targets"). */
  | { kind: 'member'; target?: Target }
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

/**
 * The member an action acts on when it is not the event's own (docs/language.md, "Targets"): a
 * field of the handled event that holds a member id (`author`, `invitee`), or `inviter`, the
 * member who invited the event's member. Absent: the member (`warn member`).
 */
export type Target = Ident;

/** A message body: inline text or a named template. */
export type MessageText = { kind: 'inline'; text: StringLit } | { kind: 'template'; name: Ident };

export type Action =
  | { kind: 'say'; to: Audience; text: MessageText; span: Span }
  | { kind: 'notify'; text: MessageText; span: Span }
  | { kind: 'deleteMessage'; span: Span }
  | { kind: 'warn'; target?: Target; reason?: MessageText; ladder: Ident; span: Span }
  /** `mute member 10m` keeps `duration`; a computed length (`mute member 10m * warnings`) keeps `value`. */
  | { kind: 'mute'; target?: Target; duration?: Duration; value?: Operand; reason?: StringLit; span: Span }
  | { kind: 'remove'; target?: Target; reason?: StringLit; span: Span }
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
  | { kind: 'tag' | 'untag'; target?: Target; tag: StringLit; span: Span }
  /**
   * `award N points`, `deduct N points`: `amount` is the signed number, or for a computed amount
   * (`award amount / 10 points`) the sign (1 or -1) to apply to `value`.
   */
  | { kind: 'award'; target?: Target; amount: number; value?: Operand; reason?: StringLit; multiplied: boolean; span: Span }
  /** `tag members FILTER "t"`, `untag members FILTER "t"`: every matching member at once. */
  | { kind: 'tagMembers'; untag: boolean; tag: StringLit; tagged?: StringLit; segment?: Ident; where?: Condition; unless?: Condition; span: Span }
  /** `forgive member on ladder L`: clears the member's warnings on L (an appeal granted). */
  | { kind: 'forgive'; target?: Target; ladder: Ident; span: Span }
  /** `award badge NAME`: grants a declared badge (once per member), running its actions. */
  | { kind: 'awardBadge'; target?: Target; badge: Ident; span: Span }
  | PlatformAction
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

/** The platform actions (docs/language.md, "Platform actions"); the grammar is grammar/platform-actions.ts. */
export type PlatformAction =
  /** `grant role R [to T]`, `revoke role R [from T]`. */
  | { kind: 'role'; revoke: boolean; role: Ident; target?: Target; span: Span }
  | { kind: 'unmute'; target?: Target; span: Span }
  /** `ban member [for D] [reason "…"]`: without a length, for good. */
  | { kind: 'ban'; target?: Target; duration?: Duration; reason?: StringLit; span: Span }
  /** `pin message`: the message the event is about. */
  | { kind: 'pin'; span: Span }
  /** `reply "text"`: answers the message the event is about. */
  | { kind: 'reply'; text: MessageText; span: Span }
  /** `approve member`, `reject member [reason "…"]`: a join request (`member.join_requested`). */
  | { kind: 'join'; reject: boolean; reason?: StringLit; span: Span }
  /** `call ENDPOINT [with KEY: VALUE, FIELD, …]`: a webhook (`endpoint` declarations). */
  | { kind: 'webhook'; endpoint: Ident; body: CallEntry[]; span: Span };

/** One entry of a webhook's body: `KEY: VALUE`, or a bare name (`orderId`, `member`) as its own key. */
export interface CallEntry {
  key: Ident;
  value: Operand;
}

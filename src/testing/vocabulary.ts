/**
 * The fixed words of the test language: the actions a playbook can produce (docs/embedding.md, section 8,
 * normative, so this table is static) and the verbs of the compact event forms. Words read from a
 * test file are looked up in them, so they are `table`s: `constructor` is simply not a verb.
 */

import { table } from '../stdlib/dict.js';

/** Payload fields of each action type, in the order explanations print them. */
export const ACTION_FIELDS = table<readonly string[]>({
  'message.send': ['to', 'channel', 'text'],
  'message.delete': ['messageId'],
  'member.warn': ['ladder', 'count', 'reason'],
  'warnings.cleared': ['ladder'],
  'member.mute': ['duration', 'until', 'reason'],
  'member.remove': ['reason'],
  'member.tag': ['tag'],
  'member.untag': ['tag'],
  'points.award': ['amount', 'balance', 'reason'],
  'level.reached': ['level'],
  'badge.granted': ['badge'],
  'lifecycle.changed': ['lifecycle', 'from', 'to'],
  'stage.entered': ['campaign', 'stage'],
  'stage.exited': ['campaign', 'stage'],
  'goal.reached': ['campaign', 'goal'],
  'lottery.drawn': ['draw', 'winners'],
  'admin.notify': ['text'],
  'role.grant': ['role'],
  'role.revoke': ['role'],
  'member.unmute': [],
  'member.ban': ['reason', 'duration', 'until'],
  'message.pin': ['messageId'],
  'message.reply': ['messageId', 'text'],
  'join.approve': [],
  'join.reject': ['reason'],
  'webhook.call': ['endpoint', 'body'],
});

/** Keys every action may have besides its own fields; `member` is usually written positionally. */
export const COMMON_ACTION_FIELDS = ['member', 'source', 'cause', 'at', 'community'] as const;

export function actionFields(type: string): string[] {
  return [...(ACTION_FIELDS[type] ?? []), ...COMMON_ACTION_FIELDS];
}

/** Compact event verbs and the event type each one sends. */
export const VERBS = table<string>({
  joins: 'member.joined',
  leaves: 'member.left',
  posts: 'message.posted',
  reacts: 'reaction.added',
  sends: 'redpacket.sent',
  checks: 'checkin.done',
  acknowledges: 'rules.acknowledged',
  pays: 'order.paid',
  invites: 'invite.accepted',
  gets: 'role.granted',
  loses: 'role.revoked',
});

/** How each verb is written, for hints. */
export const VERB_USAGE = table<string>({
  joins: 'alice joins [as "Alice"] [invited by bob] [with roles admin, kol]',
  leaves: 'alice leaves',
  posts: 'alice posts "text" [id m1]',
  reacts: 'alice reacts "👍" to m1',
  sends: 'alice sends redpacket 10 in 5 shares',
  checks: 'alice checks in',
  acknowledges: 'alice acknowledges rules',
  pays: 'alice pays 99 [order o1]',
  invites: 'alice invites bob',
  gets: 'alice gets role admin',
  loses: 'alice loses role admin',
});

/** Words that start a statement (editors highlight them); a member with one of these names is written in quotes. */
export const STATEMENT_WORDS = ['test', 'start', 'community', 'expect', 'event', 'repeat'] as const;

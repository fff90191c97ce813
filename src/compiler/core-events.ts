import type { EventType } from '../ir/schema.js';

/** The core event types (docs/language.md, "Core events"), with their payload fields. */
export const CORE_EVENTS: Record<string, EventType> = {
  'member.joined': {
    core: true,
    memberLevel: true,
    fields: {
      name: { type: 'string', optional: true },
      invitedBy: { type: 'string', optional: true },
      roles: { type: 'string[]', optional: true },
    },
  },
  'member.left': { core: true, memberLevel: true, fields: {} },
  'message.posted': {
    core: true,
    memberLevel: true,
    fields: {
      messageId: { type: 'string', optional: false },
      text: { type: 'string', optional: false },
      channel: { type: 'string', optional: true },
      mentions: { type: 'string[]', optional: true },
    },
  },
  'reaction.added': {
    core: true,
    memberLevel: true,
    fields: {
      messageId: { type: 'string', optional: false },
      emoji: { type: 'string', optional: false },
      author: { type: 'string', optional: true },
    },
  },
  'redpacket.sent': {
    core: true,
    memberLevel: true,
    fields: { amount: { type: 'number', optional: false }, shares: { type: 'number', optional: false } },
  },
  'checkin.done': { core: true, memberLevel: true, fields: { kind: { type: 'string', optional: true } } },
  'rules.acknowledged': { core: true, memberLevel: true, fields: {} },
  'order.paid': {
    core: true,
    memberLevel: true,
    fields: {
      orderId: { type: 'string', optional: false },
      amount: { type: 'number', optional: false },
      sku: { type: 'string', optional: true },
    },
  },
  'invite.accepted': { core: true, memberLevel: true, fields: { invitee: { type: 'string', optional: false } } },
  'role.granted': { core: true, memberLevel: true, fields: { role: { type: 'string', optional: false } } },
  'role.revoked': { core: true, memberLevel: true, fields: { role: { type: 'string', optional: false } } },
  // Added in wave 2 (docs/language.md, "Core events").
  'member.join_requested': { core: true, memberLevel: true, fields: { answers: { type: 'string', optional: true } } },
  'member.seen': {
    core: true,
    memberLevel: true,
    fields: {
      name: { type: 'string', optional: true },
      roles: { type: 'string[]', optional: true },
      lastActiveAt: { type: 'string', optional: true },
    },
  },
  'message.edited': {
    core: true,
    memberLevel: true,
    fields: { messageId: { type: 'string', optional: false }, text: { type: 'string', optional: false } },
  },
  'message.reported': {
    core: true,
    memberLevel: true,
    fields: { messageId: { type: 'string', optional: false }, author: { type: 'string', optional: false } },
  },
  'vote.cast': {
    core: true,
    memberLevel: true,
    fields: { poll: { type: 'string', optional: false }, option: { type: 'string', optional: false } },
  },
};

export const ENVELOPE_KEYS = ['id', 'type', 'at', 'community', 'member'] as const;

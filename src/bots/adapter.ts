/**
 * The contract between the bot (src/bots/bot.ts) and a chat platform. An adapter turns what
 * happens in a room into events of docs/embedding.md (section 3) and carries out the actions a playbook
 * produces. It knows nothing of playbooks or the runtime, so a Telegram, Discord or WeChat
 * adapter is one more file beside xmpp.ts and irc.ts.
 */
import type { OutputAction } from '../runtime/runtime.js';

/** The actions a platform can be asked to carry out; every other action is bookkeeping. */
export const PLATFORM_ACTIONS = [
  'message.send',
  'message.delete',
  'member.mute',
  'member.remove',
  'admin.notify',
  // DESIGN.md section 4b (wave 2): an adapter that cannot do one answers `unsupported`.
  'message.reply',
  'message.pin',
  'member.unmute',
  'member.ban',
  'join.approve',
  'join.reject',
  'role.grant',
  'role.revoke',
] as const;
export type PlatformActionType = (typeof PLATFORM_ACTIONS)[number];

export function isPlatformAction(a: OutputAction): boolean {
  return (PLATFORM_ACTIONS as readonly string[]).includes(a.type);
}

/**
 * What a platform can do, as far as the adapter knows after connecting (IRC servers announce
 * some of it in ISUPPORT/CAP, so values may change at `start`).
 */
export interface Capabilities {
  /** Where `messageId` of message.posted comes from: the server (stable, e.g. XMPP stanza-id,
   * IRCv3 msgid) or made up by the adapter (unique, but no server knows it). */
  messageIds: 'server' | 'adapter';
  /** message.delete removes the message for everyone (XMPP XEP-0425). */
  deleteMessage: boolean;
  /** member.mute stops a member from posting. */
  mute: boolean;
  /** Who ends a mute: the server on its own (IRC TBAN), the bot at `until`, or nobody. */
  muteEnds: 'server' | 'bot' | 'never';
  /** A muted member who leaves and comes back is still muted (an IRC host ban); when false
   * (an XMPP role lasts one visit) the bot mutes them again for the time that remains. */
  muteSurvivesRejoin: boolean;
  /** member.remove takes the member out of the room. */
  kick: boolean;
  /** member.remove can also keep the member out (when the bot is configured to ban). */
  ban: boolean;
  /** message.send with `to` reaches only that member. */
  privateMessage: boolean;
  /** admin.notify reaches the configured administrators. */
  adminNotify: boolean;
  /** message.pin pins the message (no pinning in XMPP rooms or IRC channels). Absent: not checked. */
  pin?: boolean;
  /** join.approve and join.reject answer join requests (Telegram, QQ). Absent: not checked. */
  joinRequests?: boolean;
  /**
   * The event types the adapter ever emits. At start the bot names each event a playbook waits
   * for that is not among them (a ritual step on `redpacket.sent` on IRC is never done, so its
   * deadline removes the member). Absent: not checked.
   */
  events?: readonly string[];
  /**
   * What the adapter learnt from the server at start that these values rest on (the software
   * and version, the features a room or the server announced), for the capabilities line the
   * bot logs at start. Absent: nothing is discovered, the values are the platform's.
   */
  discovered?: string;
}

/** A room the adapter joins, and the community id its events carry. */
export interface RoomBinding {
  /** The platform's address of the room: `room@conference.example.org`, `#channel`. */
  room: string;
  community: string;
}

/**
 * An event for the runtime: the envelope of docs/embedding.md (section 3) plus payload. `id` must be
 * unique per community and, where the platform allows it, stable across reconnects (a server
 * message id), so a message seen twice is processed once.
 */
export interface ChatEvent {
  id: string;
  type: string;
  at: string;
  community: string;
  member?: string;
  [payload: string]: unknown;
}

export type ActionOutcome =
  /** Done. `undoAt` (ms since the epoch) asks the bot to call `undo` then (a mute the server
   * does not end itself); `undo` is handed back to the adapter as it was given. An outcome of
   * `undo` may carry the next pair (a Discord timeout renewed for another 28 days). */
  | { status: 'done'; detail?: string; undoAt?: number; undo?: UndoRecord }
  /** The platform cannot do this (no message deletion on IRC, a message id the server never gave). */
  | { status: 'unsupported'; reason: string }
  /** Nothing to do: the member already left, the message is gone. */
  | { status: 'skipped'; reason: string }
  /** The server refused or did not answer. */
  | { status: 'failed'; reason: string };

/** What an adapter needs to undo a timed effect later, possibly after a restart: plain JSON. */
export interface UndoRecord {
  kind: string;
  community: string;
  member: string;
  [detail: string]: unknown;
}

export interface AdapterEvents {
  /** An event from a room. */
  event(e: ChatEvent): void;
  /** A line for the operator's log (connection state, server errors, ignored stanzas). */
  log(line: string): void;
  /** The connection is gone for good (reconnects failed or the server refused us). */
  fatal(reason: string): void;
}

export interface ChatAdapter {
  /** `xmpp`, `irc`: used in logs and in the bot's store keys. */
  readonly platform: string;
  readonly capabilities: Capabilities;
  /** Connect and join every room; resolves when all are joined. */
  start(events: AdapterEvents): Promise<void>;
  /** Carry out one platform action (see PLATFORM_ACTIONS); never throws. */
  perform(action: OutputAction): Promise<ActionOutcome>;
  /** Undo a timed effect recorded by an earlier `perform`; never throws. */
  undo(record: UndoRecord): Promise<ActionOutcome>;
  /** Leave the rooms and disconnect. */
  stop(): Promise<void>;
}

/** `member.remove` either only kicks or also bans. */
export type RemoveMode = 'kick' | 'ban';

/**
 * A stand-in for a chat platform's bot API (Telegram, Discord, a WeChat gateway, ...), small
 * enough to read in one go. It has its own update format, its own ids and its own notion of
 * time, like a real platform, so the bot in bot.ts has to translate in both directions.
 *
 * Nothing here knows about Playbook.
 */

/** What the platform pushes to a bot, in the platform's own words. */
export interface ChatUpdate {
  /** Increases by one per update; the platform may deliver an update twice after a timeout. */
  updateId: number;
  chatId: string;
  kind: 'join' | 'leave' | 'text' | 'promote';
  userId: string;
  /** Seconds since 1970, as many platforms send it. */
  date: number;
  displayName?: string;
  messageId?: string;
  text?: string;
  /** For `promote`: the role given. */
  role?: string;
}

interface ChatMember {
  name: string;
  mutedUntil?: number;
  labels: Set<string>;
}

/**
 * One group chat with a wall clock the test controls. Every call the bot makes is written to
 * `transcript`, which is what a person watching the group (or an admin's inbox) would see.
 */
export class FakeChat {
  readonly transcript: string[] = [];
  readonly members = new Map<string, ChatMember>();
  private readonly messages = new Map<string, { userId: string; text: string }>();
  private nextUpdate = 1;
  private nextMessage = 1;
  /** Milliseconds since 1970. */
  now: number;

  constructor(readonly chatId: string, startIso: string) {
    this.now = Date.parse(startIso);
  }

  // ------------------------------------------------------------------ things users do

  join(userId: string, displayName: string): ChatUpdate {
    this.members.set(userId, { name: displayName, labels: new Set() });
    return this.update({ kind: 'join', userId, displayName });
  }

  say(userId: string, text: string): ChatUpdate {
    const messageId = `msg${this.nextMessage++}`;
    this.messages.set(messageId, { userId, text });
    if (!this.members.has(userId)) this.members.set(userId, { name: userId, labels: new Set() });
    return this.update({ kind: 'text', userId, messageId, text });
  }

  promote(userId: string, role: string): ChatUpdate {
    return this.update({ kind: 'promote', userId, role });
  }

  /** Moves the wall clock forward (never back). */
  wait(ms: number): void {
    this.now += ms;
  }

  private update(fields: Omit<ChatUpdate, 'updateId' | 'chatId' | 'date'>): ChatUpdate {
    return { updateId: this.nextUpdate++, chatId: this.chatId, date: Math.floor(this.now / 1000), ...fields };
  }

  // ------------------------------------------------------------------ the bot API

  post(text: string): void {
    this.transcript.push(`[group] ${text}`);
  }

  directMessage(userId: string, text: string): void {
    this.transcript.push(`[dm ${this.nameOf(userId)}] ${text}`);
  }

  postInChannel(channel: string, text: string): void {
    this.transcript.push(`[#${channel}] ${text}`);
  }

  deleteMessage(messageId: string): void {
    const m = this.messages.get(messageId);
    this.messages.delete(messageId);
    this.transcript.push(`[deleted] ${m ? `${this.nameOf(m.userId)}: ${m.text}` : messageId}`);
  }

  restrict(userId: string, untilMs: number, reason: string): void {
    const m = this.members.get(userId);
    if (m) m.mutedUntil = untilMs;
    this.transcript.push(`[muted] ${this.nameOf(userId)} for ${Math.round((untilMs - this.now) / 60_000)} min (${reason})`);
  }

  kick(userId: string, reason: string): void {
    this.transcript.push(`[removed] ${this.nameOf(userId)} (${reason})`);
    this.members.delete(userId);
  }

  label(userId: string, label: string, on: boolean): void {
    const m = this.members.get(userId);
    if (!m) return;
    if (on) m.labels.add(label);
    else m.labels.delete(label);
    this.transcript.push(`[label] ${this.nameOf(userId)} ${on ? '+' : '-'}${label}`);
  }

  tellAdmins(text: string): void {
    this.transcript.push(`[admins] ${text}`);
  }

  pin(messageId: string): void {
    const m = this.messages.get(messageId);
    this.transcript.push(`[pinned] ${m ? `${this.nameOf(m.userId)}: ${m.text}` : messageId}`);
  }

  reply(messageId: string, text: string): void {
    const m = this.messages.get(messageId);
    this.transcript.push(`[reply to ${m ? this.nameOf(m.userId) : messageId}] ${text}`);
  }

  decideJoin(userId: string, approve: boolean, reason: string): void {
    this.transcript.push(`[join ${approve ? 'approved' : 'rejected'}] ${userId}${reason ? ` (${reason})` : ''}`);
  }

  nameOf(userId: string): string {
    return this.members.get(userId)?.name ?? userId;
  }
}

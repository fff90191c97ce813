/**
 * Scripted people for the XMPP end-to-end tests: each is one plain @xmpp/client connection to
 * the test's Prosody that keeps every stanza the server sends it, so a test can assert what
 * the server did (a retraction, a kick, an error) from a member's point of view.
 */
import { client, xml, type Client, type XmlElement } from '@xmpp/client';
import { eventually } from './common.js';

export const NS_MUC = 'http://jabber.org/protocol/muc';
export const NS_MUC_USER = 'http://jabber.org/protocol/muc#user';
export const NS_MAM = 'urn:xmpp:mam:2';
export const NS_FASTEN = 'urn:xmpp:fasten:0';
export const NS_MODERATE = 'urn:xmpp:message-moderate:0';
export const NS_RETRACT = 'urn:xmpp:message-retract:0';
export const NS_STANZAS = 'urn:ietf:params:xml:ns:xmpp-stanzas';
export const NS_SID = 'urn:xmpp:sid:0';

/** A person in the chat: one plain client connection that keeps every stanza it receives. */
export class Member {
  readonly received: XmlElement[] = [];
  private constructor(
    readonly name: string,
    readonly xmpp: Client,
  ) {}

  /** Log in as `name@<domain>` (registered beforehand) and become available. */
  static async connect(server: { service: string; domain: string }, name: string, password: string): Promise<Member> {
    const xmpp = client({ service: server.service, domain: server.domain, username: name, password });
    xmpp.reconnect.stop();
    const m = new Member(name, xmpp);
    xmpp.on('stanza', (s) => m.received.push(s));
    xmpp.on('error', () => {});
    await xmpp.start();
    // Available for one-to-one messages, like any chat client.
    await xmpp.send(xml('presence'));
    return m;
  }

  get jid(): string {
    return `${this.name}@localhost`;
  }

  /** Enter a room; resolves with our self-presence, or the error presence the room sent. */
  async join(room: string, nick: string = this.name): Promise<XmlElement> {
    const mark = this.received.length;
    await this.xmpp.send(xml('presence', { to: `${room}/${nick}` }, xml('x', { xmlns: NS_MUC }, xml('history', { maxstanzas: '0' }))));
    return this.waitFor(
      `${this.name} to enter ${room}`,
      (s) => s.name === 'presence' && s.attrs['from'] === `${room}/${nick}` && (isSelf(s) || s.attrs['type'] === 'error'),
      mark,
    );
  }

  async leave(room: string, nick: string = this.name): Promise<void> {
    const mark = this.received.length;
    await this.xmpp.send(xml('presence', { to: `${room}/${nick}`, type: 'unavailable' }));
    await this.waitFor(`${this.name} to leave ${room}`, (s) => s.name === 'presence' && s.attrs['type'] === 'unavailable' && isSelf(s), mark);
  }

  /** Post to a room; resolves with the room's echo of it, or the error the room answered. */
  async say(room: string, text: string): Promise<XmlElement> {
    const id = `${this.name}-${Math.random().toString(36).slice(2)}`;
    const mark = this.received.length;
    await this.xmpp.send(xml('message', { to: room, type: 'groupchat', id }, xml('body', {}, text)));
    return this.waitFor(`the room's answer to ${this.name}'s "${text}"`, (s) => s.name === 'message' && s.attrs['id'] === id, mark);
  }

  waitFor(what: string, match: (s: XmlElement) => boolean, from = 0, timeoutMs?: number): Promise<XmlElement> {
    return eventually(what, () => this.received.slice(from).find(match), timeoutMs);
  }

  /** Every stanza received so far (from `from` on) that matches. */
  all(match: (s: XmlElement) => boolean, from = 0): XmlElement[] {
    return this.received.slice(from).filter(match);
  }

  async stop(): Promise<void> {
    await this.xmpp.stop().catch(() => {});
  }
}

/** A presence about the receiver itself (MUC status 110). */
export function isSelf(s: XmlElement): boolean {
  return (
    s
      .getChild('x', NS_MUC_USER)
      ?.getChildren('status')
      .some((c) => c.attrs['code'] === '110') ?? false
  );
}

export function statusCodes(s: XmlElement): string[] {
  return (
    s
      .getChild('x', NS_MUC_USER)
      ?.getChildren('status')
      .map((c) => c.attrs['code'] ?? '') ?? []
  );
}

/** The MUC item of a presence: the occupant's role, affiliation, reason. */
export function itemOf(s: XmlElement): XmlElement | undefined {
  return s.getChild('x', NS_MUC_USER)?.getChild('item');
}

/** The room's stanza-id of a groupchat message (as the room stamped it). */
export function stanzaIdOf(s: XmlElement, room: string): string | undefined {
  return s.getChildren('stanza-id', NS_SID).find((c) => c.attrs['by'] === room)?.attrs['id'];
}

/** The id of the message a moderation notice retracts, when `s` is one (XEP-0425). */
export function retractedId(s: XmlElement): string | undefined {
  const applyTo = s.getChild('apply-to', NS_FASTEN);
  if (!applyTo?.getChild('moderated', NS_MODERATE)?.getChild('retract', NS_RETRACT)) return undefined;
  return applyTo.attrs['id'];
}

/** Bodies in the room's archive (MAM), the latest 50, as one of its occupants sees them. */
export async function archivedBodies(m: Member, room: string): Promise<{ id: string; body: string | null; moderated: boolean }[]> {
  const queryid = `q-${Math.random().toString(36).slice(2)}`;
  const mark = m.received.length;
  await m.xmpp.iqCaller.request(
    xml(
      'iq',
      { type: 'set', to: room },
      xml('query', { xmlns: NS_MAM, queryid }, xml('set', { xmlns: 'http://jabber.org/protocol/rsm' }, xml('max', {}, '50'), xml('before'))),
    ),
  );
  return m.received
    .slice(mark)
    .map((s) => s.getChild('result', NS_MAM))
    .filter((r): r is XmlElement => r !== undefined && r.attrs['queryid'] === queryid)
    .map((r) => {
      const msg = r.getChild('forwarded')?.getChild('message');
      return { id: r.attrs['id'] ?? '', body: msg?.getChildText('body') ?? null, moderated: msg?.getChild('moderated', NS_MODERATE) !== undefined };
    });
}

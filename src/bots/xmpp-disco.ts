/**
 * What an XMPP server and its rooms can do, asked at start by service discovery (XEP-0030
 * disco#info) and software version (XEP-0092), so the adapter reports an action the room cannot
 * carry out as unsupported from the start rather than failing it at run time: message deletion
 * needs the room to announce message moderation (XEP-0425; ejabberd has it from 23.04, Prosody
 * with mod_muc_moderation), server message ids need the room's archive (XEP-0313).
 */
import { xml, type Client, type XmlElement } from '@xmpp/client';
import { messageOf } from '../stdlib/errors.js';

const DISCO_INFO = 'http://jabber.org/protocol/disco#info';
const VERSION = 'jabber:iq:version';
/** The version of XEP-0425 the adapter speaks (xmpp-stanzas.ts moderateIq). */
export const MODERATE = 'urn:xmpp:message-moderate:0';
const MAM = /^urn:xmpp:mam:[0-9]+$/;

/** A room's features, or why they are not known. */
export interface RoomFeatures {
  /** The room's disco#info features; undefined when it did not answer (then nothing is assumed missing). */
  features: Set<string> | undefined;
  /** Why discovery gave nothing, for the log. */
  error?: string;
}

export interface Discovery {
  /** The server's software and version (`ejabberd 23.01`), when it says. */
  software: string | undefined;
  /** The server's own disco#info features. */
  serverFeatures: Set<string> | undefined;
  rooms: Map<string, RoomFeatures>;
}

/** Message moderation as the adapter speaks it: true, false, or undefined when not discovered. */
export function canModerate(f: RoomFeatures | undefined): boolean | undefined {
  return f?.features === undefined ? undefined : f.features.has(MODERATE);
}

/** The room archives its messages (and so stamps them with stanza-ids), or undefined when not discovered. */
export function archives(f: RoomFeatures | undefined): boolean | undefined {
  return f?.features === undefined ? undefined : [...f.features].some((v) => MAM.test(v));
}

/** Why a room cannot delete messages, naming what it announced instead. */
export function noModerationReason(room: string, f: RoomFeatures | undefined): string {
  const other = [...(f?.features ?? [])].filter((v) => v.startsWith('urn:xmpp:message-moderate:'));
  const has = other.length ? `it announces ${other.join(', ')}, and the bot speaks ${MODERATE}` : `its service discovery has no ${MODERATE}`;
  return `${room} cannot retract messages (XEP-0425 message moderation): ${has}; ejabberd has it from 23.04, Prosody with mod_muc_moderation`;
}

export async function discover(client: Client, domain: string, rooms: string[], timeoutMs: number): Promise<Discovery> {
  const ask = async (to: string, query: XmlElement): Promise<XmlElement> => client.iqCaller.request(xml('iq', { to, type: 'get' }, query), timeoutMs);
  const features = async (to: string): Promise<RoomFeatures> => {
    try {
      const answer = await ask(to, xml('query', { xmlns: DISCO_INFO }));
      const query = answer.getChild('query', DISCO_INFO);
      const set = new Set<string>();
      for (const f of query?.getChildren('feature') ?? []) if (typeof f.attrs['var'] === 'string') set.add(f.attrs['var']);
      return { features: set };
    } catch (e) {
      return { features: undefined, error: messageOf(e) };
    }
  };
  const software = async (): Promise<string | undefined> => {
    try {
      const answer = await ask(domain, xml('query', { xmlns: VERSION }));
      const q = answer.getChild('query', VERSION);
      const name = q?.getChildText('name');
      return name ? [name, q?.getChildText('version')].filter(Boolean).join(' ') : undefined;
    } catch {
      return undefined;
    }
  };
  const [sw, server, ...roomFeatures] = await Promise.all([software(), features(domain), ...rooms.map((r) => features(r))]);
  return { software: sw, serverFeatures: server.features, rooms: new Map(rooms.map((r, i) => [r, roomFeatures[i]!])) };
}

/** The `discovered` part of the capabilities line: the software, and per room what matters to the bot. */
export function describeDiscovery(d: Discovery): string {
  const parts = [d.software ?? 'server software not announced'];
  for (const [room, f] of d.rooms) {
    if (f.features === undefined) {
      parts.push(`${room}: no service discovery (${f.error ?? 'no answer'}); moderation and archive assumed`);
      continue;
    }
    const moderate = [...f.features].filter((v) => v.startsWith('urn:xmpp:message-moderate:'));
    parts.push(
      `${room}: ${moderate.length ? moderate.join(' ') : 'no message moderation'}, ${archives(f) ? 'archived (stanza ids)' : 'not archived (no stanza ids)'}`,
    );
  }
  return parts.join('; ');
}

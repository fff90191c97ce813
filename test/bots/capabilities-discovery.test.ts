/**
 * Capabilities discovered at start (issue 17, "Also" 2): what an IRC server's ISUPPORT and
 * version and an XMPP room's service discovery say, the reasons given for what cannot be done,
 * and the one capabilities line the bot logs. The servers' own answers are in the e2e tests
 * (ngIRCd, ejabberd, InspIRCd, Prosody); here, their announcements as the adapters read them.
 */
import { describe, expect, it } from 'vitest';
import type { Capabilities } from '../../src/bots/adapter.js';
import { capabilitiesLine } from '../../src/bots/capabilities.js';
import { applyIsupport, defaultServerInfo, describeServer, muteUnsupported, type ServerInfo } from '../../src/bots/irc-server-info.js';
import { archives, canModerate, describeDiscovery, noModerationReason, type RoomFeatures } from '../../src/bots/xmpp-disco.js';

const server = (version: string, tokens: string[]): ServerInfo => {
  const info = defaultServerInfo();
  info.version = version;
  applyIsupport(info, tokens);
  return info;
};
// As ngIRCd 26.1 (Debian 12) and InspIRCd 3 (with m_muteban) announce themselves.
const NGIRCD = server('ngircd-26.1', ['CASEMAPPING=ascii', 'PREFIX=(qaohv)~&@%+', 'CHANMODES=beI,k,l,imMnOPQRstVz', 'NICKLEN=9']);
const INSPIRCD = server('InspIRCd-3', ['PREFIX=(ov)@+', 'CHANMODES=b,k,l,imnpst', 'EXTBAN=,m']);

describe('IRC: what ISUPPORT and the version say about mutes', () => {
  it('InspIRCd with the mute extban can mute; without it the reason names m_muteban', () => {
    expect(muteUnsupported(INSPIRCD)).toBeUndefined();
    expect(muteUnsupported(server('InspIRCd-3', ['EXTBAN=,cj']))).toBe('this InspIRCd has no mute extban (EXTBAN=,cj; load m_muteban)');
  });

  it('ngIRCd has neither extbans nor a quiet list: unsupported, saying so with its CHANMODES', () => {
    expect(muteUnsupported(NGIRCD)).toBe(
      "ngircd-26.1 has no per-member mute: no extended bans and no quiet list (CHANMODES=beI,k,l,imMnOPQRstVz); the IRC adapter mutes with InspIRCd's m: extban",
    );
  });

  it("a quiet list (+q as a list mode, not ngIRCd's +q prefix) is named as the server's mute, which the adapter does not use", () => {
    const solanum = server('solanum-1.0', ['PREFIX=(ov)@+', 'CHANMODES=eIbq,k,flj,CFLMPQScgimnprstuz', 'EXTBAN=$,ajrxz']);
    expect(muteUnsupported(solanum)).toMatch(/^solanum-1\.0 mutes with a quiet list \(\+q, CHANMODES=eIbq/);
    // ngIRCd's q is the founder prefix: not a quiet list.
    expect(muteUnsupported(NGIRCD)).not.toMatch(/quiet list \(\+q/);
  });

  it('another server with extbans but no m: mute is named with its EXTBAN', () => {
    expect(muteUnsupported(server('UnrealIRCd-6.1', ['EXTBAN=~,acfjmnpqrtCGOST']))).toBe(
      "the IRC adapter mutes with InspIRCd's m: extban, and UnrealIRCd-6.1 (EXTBAN=~,acfjmnpqrtCGOST) has no such mute",
    );
  });

  it('describes the server for the capabilities line', () => {
    expect(describeServer(NGIRCD, { msgids: false, timedBans: false })).toBe(
      'ngircd-26.1, no EXTBAN, CHANMODES=beI,k,l,imMnOPQRstVz, PREFIX=(qaohv)~&@%+, NICKLEN=9, no msgid tags',
    );
    expect(describeServer(INSPIRCD, { msgids: true, timedBans: true })).toBe(
      'InspIRCd-3, EXTBAN=,m, CHANMODES=b,k,l,imnpst, PREFIX=(ov)@+, NICKLEN=30, msgid tags, TBAN',
    );
  });
});

describe("XMPP: a room's service discovery", () => {
  const room = (...vars: string[]): RoomFeatures => ({ features: new Set(['http://jabber.org/protocol/muc', ...vars]) });

  it('moderation only with the version the bot speaks; archive with any MAM version; undiscovered assumes nothing missing', () => {
    expect(canModerate(room('urn:xmpp:message-moderate:0'))).toBe(true);
    expect(canModerate(room('urn:xmpp:message-moderate:1'))).toBe(false);
    expect(canModerate(room())).toBe(false);
    expect(canModerate({ features: undefined, error: 'timeout' })).toBeUndefined();
    expect(canModerate(undefined)).toBeUndefined();
    expect(archives(room('urn:xmpp:mam:2'))).toBe(true);
    expect(archives(room('urn:xmpp:mam:tmp'))).toBe(false);
    expect(archives({ features: undefined })).toBeUndefined();
  });

  it('says why a room cannot delete, naming what it announces instead', () => {
    expect(noModerationReason('club@muc.test', room('urn:xmpp:mam:2'))).toBe(
      'club@muc.test cannot retract messages (XEP-0425 message moderation): its service discovery has no urn:xmpp:message-moderate:0; ejabberd has it from 23.04, Prosody with mod_muc_moderation',
    );
    expect(noModerationReason('club@muc.test', room('urn:xmpp:message-moderate:1'))).toMatch(
      /it announces urn:xmpp:message-moderate:1, and the bot speaks urn:xmpp:message-moderate:0/,
    );
  });

  it('describes the server and each room for the capabilities line', () => {
    const rooms = new Map<string, RoomFeatures>([
      ['a@muc.test', room('urn:xmpp:mam:2')],
      ['b@muc.test', room('urn:xmpp:message-moderate:0', 'urn:xmpp:mam:2')],
      ['c@muc.test', { features: undefined, error: 'service-unavailable' }],
    ]);
    expect(describeDiscovery({ software: 'ejabberd 23.01', serverFeatures: new Set(), rooms })).toBe(
      'ejabberd 23.01; a@muc.test: no message moderation, archived (stanza ids); b@muc.test: urn:xmpp:message-moderate:0, archived (stanza ids); c@muc.test: no service discovery (service-unavailable); moderation and archive assumed',
    );
  });
});

describe('the capabilities line', () => {
  const caps: Capabilities = {
    messageIds: 'server',
    deleteMessage: true,
    mute: true,
    muteEnds: 'bot',
    muteSurvivesRejoin: false,
    kick: true,
    ban: true,
    privateMessage: true,
    adminNotify: false,
  };

  it('is one line naming each capability, with what was discovered', () => {
    expect(capabilitiesLine('xmpp', { ...caps, discovered: 'Prosody 0.12.3' })).toBe(
      "capabilities: xmpp (Prosody 0.12.3): message ids the server's; delete yes; mute yes (ended by the bot, applied again by the bot when the member rejoins); kick yes; ban yes; private messages yes; admin notify no",
    );
    const irc = capabilitiesLine('irc', { ...caps, messageIds: 'adapter', deleteMessage: false, mute: false, muteEnds: 'never', muteSurvivesRejoin: true });
    expect(irc).toBe('capabilities: irc: message ids made up by the bot; delete no; mute no; kick yes; ban yes; private messages yes; admin notify no');
    expect(capabilitiesLine('irc', { ...caps, muteEnds: 'server', muteSurvivesRejoin: true })).toContain(
      'mute yes (ended by the server, kept when the member rejoins)',
    );
    expect(irc).not.toContain('\n');
  });
});

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Capabilities } from '../../src/bots/adapter.js';
import { eventSites, unproducedEvents, unsupportedByPlatform } from '../../src/bots/capabilities.js';
import { compile } from '../../src/compiler/compile.js';

const irOf = (source: string) => {
  const r = compile(source, { file: 'x.playbook' });
  if (!r.ir) throw new Error(r.diagnostics.map((d) => d.message).join('\n'));
  return r.ir;
};
const CHAT: Capabilities = {
  messageIds: 'server',
  deleteMessage: true,
  mute: true,
  muteEnds: 'bot',
  muteSurvivesRejoin: false,
  kick: true,
  ban: true,
  privateMessage: true,
  adminNotify: true,
  events: ['member.joined', 'member.left', 'message.posted'],
};

describe('events a playbook waits for that the platform never produces (issue 17, "Also" 4)', () => {
  it('names redpacket.sent in examples/entry-ritual.playbook, with the ritual that waits for it', () => {
    const ir = irOf(readFileSync('examples/entry-ritual.playbook', 'utf8'));
    expect(eventSites(ir).get('redpacket.sent')).toEqual(['onboarding']);
    expect(unproducedEvents(ir, 'irc', CHAT)).toEqual([
      "warning: irc never produces redpacket.sent, which onboarding waits for: rules on it never fire and ritual steps on it are never done (a ritual's deadline then runs out)",
    ]);
    // The same line comes with the notes the bot logs at start.
    expect(unsupportedByPlatform(ir, 'irc', CHAT).filter((l) => l.includes('redpacket.sent'))).toHaveLength(1);
    // A platform that produces it, or an adapter that does not say what it produces: nothing.
    expect(unproducedEvents(ir, 'x', { ...CHAT, events: [...CHAT.events!, 'redpacket.sent'] })).toEqual([]);
    expect(unproducedEvents(ir, 'x', { ...CHAT, events: undefined })).toEqual([]);
  });

  it('finds rule triggers, counts, points, cancels and lifecycle `without`, each once with every construct', () => {
    const ir = irOf(`playbook "P" {
  timezone "UTC"
}

event checkin.done {}

rule thanks {
  on reaction.added
  do say "thanks"
}

rule busy {
  on message.posted
  when count(rules.acknowledged by member within 1h) > 2
  do say "busy"
}

points {
  order.paid: +5
}

ritual intro {
  starts on member.joined
  step hello "hello": message.posted
  deadline 1h: remove member reason "none"
  cancel on member.left
  done: say "in"
}

lifecycle activity {
  active -> idle after 30d without invite.accepted
}
`);
    const sites = eventSites(ir);
    expect(sites.get('reaction.added')).toEqual(['thanks']);
    expect(sites.get('message.posted')).toEqual(expect.arrayContaining(['busy', 'intro']));
    expect([...sites.keys()]).toEqual(expect.arrayContaining(['rules.acknowledged', 'order.paid', 'member.left', 'invite.accepted']));
    const missing = unproducedEvents(ir, 'irc', CHAT).map((l) => /never produces (\S+),/.exec(l)![1]);
    expect(missing.sort()).toEqual(['invite.accepted', 'order.paid', 'reaction.added', 'rules.acknowledged']);
  });

  it('the room every bot test runs waits only for what XMPP, IRC and QQ produce', () => {
    const ir = irOf(readFileSync('test/fixtures/bots/room.playbook', 'utf8'));
    expect(unproducedEvents(ir, 'irc', CHAT)).toEqual([]);
  });
});

describe('platform actions a platform never performs (issue 16)', () => {
  const ir = irOf(readFileSync('test/fixtures/bots/platform.playbook', 'utf8'));
  const note = (platform: string, what: string, by: string) =>
    `note: ${platform} cannot ${what} (used by ${by}); those actions will be reported, not carried out`;

  it('names pin on XMPP and IRC (no pinning), and unmute where there is no mute (ngIRCd)', () => {
    expect(unsupportedByPlatform(ir, 'xmpp', { ...CHAT, pin: false, joinRequests: false })).toEqual([note('xmpp', 'pin messages', 'pins')]);
    expect(unsupportedByPlatform(ir, 'irc', { ...CHAT, mute: false, pin: false })).toEqual([
      note('irc', 'pin messages', 'pins'),
      note('irc', 'mute members', 'hush'),
      note('irc', 'unmute members', 'hush'),
    ]);
  });

  it('checks nothing an adapter leaves unsaid, and nothing a platform can do', () => {
    expect(unsupportedByPlatform(ir, 'x', CHAT)).toEqual([]);
    expect(unsupportedByPlatform(ir, 'telegram', { ...CHAT, pin: true, joinRequests: true })).toEqual([]);
  });

  it('names join answers where there are no join requests', () => {
    const screening = irOf(`playbook "J" { timezone "UTC" }
rule screening {
  on member.join_requested
  do approve member
}
`);
    expect(unsupportedByPlatform(screening, 'xmpp', { ...CHAT, events: undefined, joinRequests: false })).toEqual([
      note('xmpp', 'answer join requests', 'screening'),
    ]);
    expect(unsupportedByPlatform(screening, 'onebot', { ...CHAT, events: undefined, joinRequests: true })).toEqual([]);
  });
});

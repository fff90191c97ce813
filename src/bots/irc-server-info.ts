/**
 * What an IRC server says about itself that the adapter depends on: RPL_ISUPPORT (005) tokens
 * (case mapping, channel modes, prefixes, extended bans, length limits), the software version from
 * RPL_MYINFO (004), and how a MODE line's changes read under those rules.
 */

/** What the server announced in RPL_ISUPPORT (005) that the adapter uses. */
export interface ServerInfo {
  casemapping: string;
  /** Channel-membership modes, highest first (`ov`), and their symbols (`@+`). */
  prefixModes: string;
  prefixSymbols: string;
  /** CHANMODES types A (lists), B (always a parameter), C (a parameter when set), D (none). */
  chanmodes: [string, string, string, string];
  /** EXTBAN: undefined when the server has no extended bans. */
  extban: { prefix: string; types: string } | undefined;
  nicklen: number;
  userlen: number;
  hostlen: number;
  /** The server software and version from RPL_MYINFO (004), e.g. `InspIRCd-3`. */
  version: string;
}

/**
 * Whether `+b m:mask` mutes on this server. Extban letters are not standard: `m` is
 * InspIRCd's mute (m_muteban), but UnrealIRCd's `~m` exempts from restrictions instead, so
 * the letter alone is not enough.
 */
export function hasMuteExtban(info: ServerInfo): boolean {
  return /^InspIRCd/i.test(info.version) && (info.extban?.types.includes('m') ?? false);
}

/**
 * Why `member.mute` cannot be done on this server, or undefined when it can: the reason an
 * action gets as `unsupported` and the capabilities line names at start.
 */
export function muteUnsupported(info: ServerInfo): string | undefined {
  if (hasMuteExtban(info)) return undefined;
  const modes = `CHANMODES=${info.chanmodes.join(',')}`;
  const extban = info.extban ? `EXTBAN=${info.extban.prefix},${info.extban.types}` : 'no EXTBAN';
  if (/^InspIRCd/i.test(info.version)) return `this InspIRCd has no mute extban (${extban}; load m_muteban)`;
  const server = info.version || 'this server (of an unknown kind)';
  // A quiet list (+q that is a list mode, not a prefix: charybdis, solanum) would do; the adapter has not been tested with one.
  if (info.chanmodes[0].includes('q') && !info.prefixModes.includes('q'))
    return `${server} mutes with a quiet list (+q, ${modes}), which the IRC adapter does not use; it mutes only with InspIRCd's m: extban`;
  if (!info.extban) return `${server} has no per-member mute: no extended bans and no quiet list (${modes}); the IRC adapter mutes with InspIRCd's m: extban`;
  return `the IRC adapter mutes with InspIRCd's m: extban, and ${server} (${extban}) has no such mute`;
}

/** What the server said about itself, as the capabilities line at start shows it. */
export function describeServer(info: ServerInfo, found: { msgids: boolean; timedBans: boolean }): string {
  const parts = [
    info.version || 'unknown server software',
    info.extban ? `EXTBAN=${info.extban.prefix},${info.extban.types}` : 'no EXTBAN',
    `CHANMODES=${info.chanmodes.join(',')}`,
    `PREFIX=(${info.prefixModes})${info.prefixSymbols}`,
    `NICKLEN=${info.nicklen}`,
    found.msgids ? 'msgid tags' : 'no msgid tags',
  ];
  if (hasMuteExtban(info)) parts.push(found.timedBans ? 'TBAN' : 'no TBAN');
  return parts.join(', ');
}

export function defaultServerInfo(): ServerInfo {
  return {
    casemapping: 'rfc1459',
    prefixModes: 'ov',
    prefixSymbols: '@+',
    chanmodes: ['b', 'k', 'l', 'imnpst'],
    extban: undefined,
    nicklen: 30,
    userlen: 10,
    hostlen: 64,
    version: '',
  };
}

export interface ModeChange {
  add: boolean;
  mode: string;
  param?: string | undefined;
}

/** Splits `+bo-v mask nick nick2` into single changes, using the server's CHANMODES and PREFIX. */
export function parseModeChanges(info: ServerInfo, modes: string, args: string[]): ModeChange[] {
  const out: ModeChange[] = [];
  let add = true;
  let next = 0;
  const [listModes, always, whenSet] = info.chanmodes;
  for (const c of modes) {
    if (c === '+' || c === '-') {
      add = c === '+';
      continue;
    }
    const takes = listModes.includes(c) || always.includes(c) || info.prefixModes.includes(c) || (add && whenSet.includes(c));
    out.push(takes ? { add, mode: c, param: args[next++] } : { add, mode: c });
  }
  return out;
}

/** Parses the 005 tokens the adapter cares about into `info`. */
export function applyIsupport(info: ServerInfo, tokens: string[]): void {
  for (const token of tokens) {
    const eq = token.indexOf('=');
    const name = (eq < 0 ? token : token.slice(0, eq)).toUpperCase();
    const value = eq < 0 ? '' : token.slice(eq + 1);
    switch (name) {
      case 'CASEMAPPING':
        if (value) info.casemapping = value;
        break;
      case 'PREFIX': {
        const m = /^\(([^)]*)\)(.*)$/.exec(value);
        if (m && m[1]!.length === m[2]!.length) {
          info.prefixModes = m[1]!;
          info.prefixSymbols = m[2]!;
        }
        break;
      }
      case 'CHANMODES': {
        const parts = value.split(',');
        info.chanmodes = [parts[0] ?? '', parts[1] ?? '', parts[2] ?? '', parts[3] ?? ''];
        break;
      }
      case 'EXTBAN': {
        const comma = value.indexOf(',');
        info.extban = comma < 0 ? { prefix: '', types: value } : { prefix: value.slice(0, comma), types: value.slice(comma + 1) };
        break;
      }
      case 'NICKLEN':
      case 'USERLEN':
      case 'HOSTLEN': {
        const n = Number(value);
        if (Number.isInteger(n) && n > 0) info[name.toLowerCase() as 'nicklen' | 'userlen' | 'hostlen'] = n;
        break;
      }
    }
  }
}

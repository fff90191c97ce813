/**
 * XMPP errors as text an operator can act on: a client or server error as one line, and why a
 * room refused the bot's join.
 */
import type { XmppError } from '@xmpp/client';
import { describeError, type StanzaErrorInfo } from './xmpp-stanzas.js';

/** An error from the client or the server as one line: the XMPP condition and text when there are. */
export function explain(e: unknown): string {
  if (e instanceof Error) {
    const x = e as Partial<XmppError>;
    if (x.condition) return x.text ? `${x.condition}: ${x.text}` : x.condition;
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ECONNREFUSED') return `connection refused (${e.message})`;
    return e.message;
  }
  return String(e);
}

/** Why a room refused our join presence, in the terms an operator can act on. */
export function joinRefusal(error: StanzaErrorInfo, nick: string): string {
  const text = error.text ? ` (${error.text})` : '';
  switch (error.condition) {
    case 'conflict':
      return `the nick ${JSON.stringify(nick)} is taken by someone else in the room${text}; choose another nick`;
    case 'forbidden':
      return `the bot's account is banned from the room${text}`;
    case 'registration-required':
      return `the room is members-only and the bot's account is not a member${text}`;
    case 'not-authorized':
      return `the room needs a password${text}`;
    case 'service-unavailable':
      return `the room is full${text}`;
    case 'item-not-found':
    case 'not-allowed':
      return `the room does not exist and the bot may not create it${text}`;
    default:
      return `the room refused the bot: ${describeError(error)}`;
  }
}

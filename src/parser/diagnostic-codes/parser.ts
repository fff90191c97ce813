/**
 * The parser's codes in the diagnostics registry (src/parser/diagnostic-codes.ts): E00xx, reading
 * the file (size, encoding, tokens, syntax) and the internal errors. docs/diagnostics.md.
 */
import { error, q } from './spec.js';

export const PARSER_CODES = {
  E0001: error('file too large', {
    tooLarge: (characters: number, limit: number) => `file is too large (${characters} characters; the limit is ${limit})`,
  }),
  E0002: error('not UTF-8', {
    notUtf8: () => 'file is not valid UTF-8 text',
  }),
  E0003: error('unterminated string', {
    unterminatedString: () => 'unterminated string',
  }),
  E0004: error('unterminated regular expression', {
    unterminatedRegex: () => 'unterminated regular expression',
  }),
  E0005: error('unexpected character', {
    unexpectedCharacters: (shown: string, several: boolean) => `unexpected character${several ? 's' : ''} ${q(shown)}`,
  }),
  E0006: error('not a duration', {
    notADuration: (text: string) => `${q(text)} is not a duration`,
  }),
  E0010: error('syntax error', {
    /** A chevrotain syntax error, worded in parse.ts (`expected … but found …`). */
    syntax: (message: string) => message,
    muteFor: (found: string) => `expected \`for\` or a duration after \`mute member\`, found ${q(found)}`,
  }),
  E0011: error('too many syntax errors', {
    tooMany: (limit: number) => `too many syntax errors (more than ${limit}); the rest of the file was not parsed`,
  }),
  E0097: error('internal error: IR schema', {
    irSchema: (issue: string, path: string | undefined) => `internal error: the IR does not match its schema: ${issue} at ${path}`,
  }),
  E0098: error('internal error in the checker', {
    checkerFailed: (reason: string) => `internal checker error: ${reason}`,
  }),
  E0099: error('internal error: parser gave up', {
    parserGaveUp: (reason: string) => `the parser gave up: ${reason}`,
  }),
} as const;

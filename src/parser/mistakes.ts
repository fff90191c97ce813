import type { IRecognitionException, IToken } from 'chevrotain';
import { table } from '../stdlib/dict.js';
import { didYouMean } from '../stdlib/suggest.js';
import { numberWithoutUnitHint } from './duration-hints.js';
import { keywordWords } from './lexer.js';

/**
 * Typical mistakes behind a syntax error, told by the tokens around it, with the message and the
 * hint that name the fix (docs/diagnostics.md, "Typical mistakes"). parse.ts asks here first and
 * falls back to chevrotain's `expected … but found …`.
 */
export interface Rewording {
  message?: string;
  hint: string;
}

/** Words that begin an action (docs/language.md, "Actions"). */
const ACTION_WORDS = new Set(['say', 'notify', 'delete', 'warn', 'mute', 'remove', 'tag', 'untag', 'award', 'deduct', 'post']);
/** Constructs whose actions follow a calendar after `:` or in braces. */
const CALENDAR_CONSTRUCTS = table<string>({ leaderboard: 'leaderboard', schedule: 'schedule', job: 'periodic job' });
const CAP_PERIOD_WORDS = new Set(['day', 'week', 'month']);

function q(s: string): string {
  return `\`${s}\``;
}

/** The index in `tokens` of the token `tok` (tokens are in source order), or tokens.length at the end. */
function indexOf(tokens: readonly IToken[], tok: IToken): number {
  if (!Number.isFinite(tok.startOffset)) return tokens.length;
  let lo = 0;
  let hi = tokens.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (tokens[mid]!.startOffset < tok.startOffset) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export function knownMistake(err: IRecognitionException, tokens: readonly IToken[]): Rewording | undefined {
  const tok = err.token;
  const i = indexOf(tokens, tok);
  const prev = tokens[i - 1];
  const prev2 = tokens[i - 2];
  const next = tokens[i + 1];
  const stack = err.context.ruleStack;
  const image = Number.isFinite(tok.startOffset) ? tok.image : '';

  // `+5 per day cap 1`: the period of a cap comes after it, `cap 1 per day`.
  if (prev?.image === 'per' && CAP_PERIOD_WORDS.has(image) && stack.includes('pointsBlock')) {
    const limit = next?.image === 'cap' && tokens[i + 2] ? tokens[i + 2]!.image : 'N';
    return {
      message: `${q(`per ${image}`)} belongs to a cap: a points entry limits awards with ${q(`cap N per ${image}`)}`,
      hint: `did you mean ${q(`cap ${limit} per ${image}`)}?`,
    };
  }

  // `text contains any [...]`, `text contains ["a", "b"]`: a list of texts is for `matches any`.
  if ((prev?.image === 'contains' && (image === 'any' || image === '[')) || (prev2?.image === 'contains' && prev?.image === 'any')) {
    return {
      message: '`contains` takes one quoted text, not a list',
      hint: 'did you mean `matches any [...]`? It takes a list of texts and /patterns/ and holds when any of them is found',
    };
  }

  // `leaderboard weekly top 3 by points every mon at 09:00 say "…"`: the `:` before the actions.
  const construct = [...stack].reverse().find((r) => CALENDAR_CONSTRUCTS[r] !== undefined);
  if (construct && ACTION_WORDS.has(image) && prev && prev.image !== ':' && prev.image !== '{' && prev.image !== ';') {
    return {
      message: `expected \`:\` or \`{\` before the actions of a ${CALENDAR_CONSTRUCTS[construct]!}, found ${q(image)}`,
      hint: `did you mean ${q(`${prev.image}: ${image} …`)}?`,
    };
  }

  // `mute member 10 minutes`, `mute member }`: the length is neither a duration nor a value to compute.
  const afterMute = prev?.image === 'member' ? prev2?.image === 'mute' : prev?.image === 'for' && prev2?.image === 'member' && tokens[i - 3]?.image === 'mute';
  if (err.name === 'NoViableAltException' && afterMute) {
    return {
      message: `expected a duration like \`10m\` or \`24h\` but found ${tok.tokenType.name === 'EOF' ? 'the end of the file' : q(image)} in an action`,
      hint:
        tok.tokenType.name === 'NumberLiteral'
          ? numberWithoutUnitHint(image, next?.image)
          : 'write how long, e.g. `mute member 10m`, or compute it: `mute member 10m * …`',
    };
  }

  // `within 10 seconds`: a number where a duration is expected.
  if (
    err.name === 'MismatchedTokenException' &&
    /Expecting token of type --> DurationLiteral <--/.test(err.message) &&
    tok.tokenType.name === 'NumberLiteral'
  ) {
    return { hint: numberWithoutUnitHint(image, next?.image) };
  }

  // `text matchs /x/`, `member hsa role admin`: a misspelt keyword after a value.
  if (tok.tokenType.name === 'Identifier' && prev && (prev.tokenType.name === 'Identifier' || keywordWords.includes(prev.image))) {
    const hint = didYouMean(image, KEYWORD_TYPOS);
    if (hint) return { hint };
  }
  return undefined;
}

/** Keywords an operator writes in the middle of a clause, where a misspelling ends the clause early. */
const KEYWORD_TYPOS = [
  'matches',
  'contains',
  'within',
  'where',
  'unless',
  'when',
  'reason',
  'cooldown',
  'ladder',
  'points',
  'every',
  'after',
  'without',
].filter((w) => keywordWords.includes(w));

/**
 * How to rewrite a pattern JavaScript's syntax refuses (E0501), from the flag or the error
 * message and the source. Most such mistakes come from another regex dialect (PCRE, Python,
 * RE2's own syntax) or from a symbol meant as itself; the table in docs/language.md ("Text:
 * matches and contains") lists the same rewrites.
 */

/** The hint for a flag other than i, m, s and u. */
export function flagHint(flag: string): string {
  if (flag === 'g' || flag === 'y') return `a playbook only asks whether the text matches, so \`${flag}\` changes nothing: leave it out`;
  if (flag === 'v') return 'write `u`: a playbook reads patterns by characters (code points) with or without it';
  if (flag === 'd') return 'leave it out: a playbook does not report where a match is';
  if (flag === 'x') return 'write the pattern without spaces and comments: JavaScript has no extended mode';
  return 'flags are `i` (ignore case), `m` (^ and $ at line breaks), `s` (`.` matches a line break) and `u`';
}

/** Forms of other dialects that JavaScript refuses, with what to write instead. */
const FOREIGN_FORMS: readonly [RegExp, string][] = [
  [/\(\?P<[^>]*>/, 'write a named group as `(?<name>…)` (Python and RE2 write `(?P<name>…)`), or just `(…)`'],
  [/\(\?>/, 'write `(?:…)` for the atomic group `(?>…)`: it only saves a backtracking engine time, and RE2 matches in linear time without it'],
  [/\(\?#/, 'leave the comment `(?#…)` out: JavaScript has no comments in patterns'],
  [/(?:[*+?}])\+/, 'write `a+` for the possessive `a++` (`a*` for `a*+`): it only saves a backtracking engine time, and RE2 matches in linear time without it'],
  [/.\(\?[imsx]+(?:-[imsx]*)?[:)]/, 'inline flags are read only at the very start (`(?i)vx|wechat`); put them there or after the pattern (`/…/i`)'],
  [/\\[AZz]/, "write `^` for the start of the text and `$` for its end (`\\A`, `\\Z` and `\\z` are PCRE's)"],
];

/** The hint for JavaScript's syntax error `message` on `source`. */
export function syntaxHint(source: string, message: string): string {
  for (const [form, hint] of FOREIGN_FORMS) if (form.test(source)) return hint;
  if (/Nothing to repeat/.test(message)) return '`*`, `+`, `?` and `{n}` repeat what comes before them; for the symbol itself write `\\*`, `\\+` or `\\?`';
  if (/Unterminated group/.test(message)) return 'close each `(` with `)`; for a parenthesis itself write `\\(`';
  if (/Unmatched '\)'/.test(message)) return 'for a parenthesis itself write `\\)`';
  if (/Unterminated character class/.test(message)) return 'close the class with `]`; for a bracket itself write `\\[`';
  if (/Lone quantifier brackets|Incomplete quantifier/.test(message)) return 'for a brace itself write `\\{` or `\\}`';
  if (/out of order/.test(message)) return 'write the smaller count first: `{2,5}`';
  if (/at end of pattern/.test(message)) return 'for a backslash itself write `\\\\`';
  // V8 spells it "Invalid Unicode escape" (Node 20) or "Invalid unicode escape" (older).
  if (/Invalid escape|Invalid unicode escape/i.test(message))
    return 'with the `u` flag, escape only symbols (`\\.`, `\\/`, `\\-`); drop the `\\` before a letter, or the `u` flag';
  if (/property name/.test(message)) return 'write a general category (`\\p{L}`, `\\p{N}`, `\\p{P}`) or a script (`\\p{Han}`, `\\p{Latin}`)';
  if (/Invalid group/.test(message)) return 'a group is `(…)`, `(?:…)` or `(?<name>…)`; lookarounds `(?=…)` are not available (see docs/language.md)';
  if (/Duplicate capture group name/.test(message)) return 'give each named group its own name, or use `(…)`';
  return 'see the regex table of docs/language.md, "Text: matches and contains"';
}

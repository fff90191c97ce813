import { prepareRegex } from './regex-re2.js';

/**
 * Text patterns of `matches`: a /regex/ runs on RE2 (re2js), in time linear in the message
 * whatever the pattern (regex-re2.ts has the translation from the JavaScript syntax operators
 * write); a "text" pattern is a case-insensitive substring, as operators expect of a
 * banned-words list. This is the only place member text meets a playbook regex.
 */
/** A `contains` text or a regex: the IR's `TextPattern`, declared here by shape. */
export type TextPattern = { regex: string; flags: string } | { text: string };

export type Matcher = (text: string) => boolean;

export function compileMatcher(patterns: readonly TextPattern[]): Matcher {
  const tests: Matcher[] = patterns.map((p) => {
    if ('regex' in p) {
      // `g` and `y` change nothing for a yes/no test; the checker refuses them in a playbook, and
      // an IR written by hand may still carry them.
      const prepared = prepareRegex(p.regex, p.flags.replace(/[gy]/g, ''));
      // A pattern the checker would refuse never matches (the checker stops such a playbook).
      if (!prepared.ok) return () => false;
      const re = prepared.re;
      return (t) => re.test(t);
    }
    const needle = p.text.toLowerCase();
    return (t) => t.toLowerCase().includes(needle);
  });
  if (tests.length === 1) return tests[0]!;
  return (t) => tests.some((f) => f(t));
}

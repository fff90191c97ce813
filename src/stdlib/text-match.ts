import type { TextPattern } from '../compiler/ir.js';

/**
 * Text patterns of `matches`: a /regex/ is tested as written (flags as given); a "text" pattern
 * is a case-insensitive substring, as operators expect of a banned-words list.
 */
export type Matcher = (text: string) => boolean;

export function compileMatcher(patterns: readonly TextPattern[]): Matcher {
  const tests: Matcher[] = patterns.map((p) => {
    if ('regex' in p) {
      let re: RegExp;
      try {
        re = new RegExp(p.regex, p.flags.replace(/[gy]/g, ''));
      } catch {
        return () => false;
      }
      return (t) => re.test(t);
    }
    const needle = p.text.toLowerCase();
    return (t) => t.toLowerCase().includes(needle);
  });
  if (tests.length === 1) return tests[0]!;
  return (t) => tests.some((f) => f(t));
}

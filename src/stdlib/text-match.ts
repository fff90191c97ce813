import type { RE2JS } from 're2js';
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
      const re = compiledRegex(p.regex, p.flags);
      // A pattern the checker would refuse never matches (the checker stops such a playbook).
      if (!re) return () => false;
      return (t) => re.test(t);
    }
    const needle = p.text.toLowerCase();
    return (t) => t.toLowerCase().includes(needle);
  });
  if (tests.length === 1) return tests[0]!;
  return (t) => tests.some((f) => f(t));
}

/**
 * Compiled patterns by their text and flags. Compiling for RE2 costs about 80 µs a pattern, most
 * of building a runtime of a playbook with a few regexes: every runtime of one playbook (each
 * community of a cluster process, a reload of `serve`, simulate after check) shares them. A
 * compiled RE2 keeps no state between tests, so sharing it changes no result. Bounded, as the
 * patterns of every playbook a process ever loads may differ.
 */
const REGEX_MEMO_SIZE = 4096;
const regexMemo = new Map<string, RE2JS | null>();

function compiledRegex(source: string, flags: string): RE2JS | null {
  // `g` and `y` change nothing for a yes/no test; the checker refuses them in a playbook, and an
  // IR written by hand may still carry them.
  const f = flags.replace(/[gy]/g, '');
  // The flags' length first: an IR written by hand may carry any flags, a `/` among them.
  const key = `${f.length}:${f}/${source}`;
  let re = regexMemo.get(key);
  if (re === undefined) {
    const prepared = prepareRegex(source, f);
    re = prepared.ok ? prepared.re : null;
    // Stryker disable next-line ConditionalExpression,EqualityOperator: a cache: cleared more or less often, each pattern compiles to the same program; docs/testing.md
    if (regexMemo.size >= REGEX_MEMO_SIZE) regexMemo.clear();
    regexMemo.set(key, re);
  }
  return re;
}

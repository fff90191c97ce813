/**
 * The diagnostics registry (issue 14, item 4): every code the parser and the compiler report (E,
 * W; docs/diagnostics.md) and the test-file checks of `playbook test` (T; docs/testing.md), with
 * its severity, a short title and the builders of its messages. It is the one place a code is
 * spelled: a reporter writes `bag.report(D.E0201.unknownEvent(name), span, hint)`, never a code
 * string, and test/diagnostic-registry.test.ts keeps it so. docs/diagnostics.md has one row per
 * E and W code here, with the same severity (test/diagnostics.test.ts); docs/testing.md one per
 * T code (test/diagnostic-registry.test.ts).
 *
 * A code may cover several related problems (the docs say which); each is one named builder, whose
 * typed parameters are the parts that vary. The builders return today's exact texts: the golden
 * tests compare them. A few pass a text made elsewhere through (chevrotain's syntax errors,
 * composed in parse.ts; the RE2 checks of src/stdlib/regex-safety.ts; the test-file syntax errors
 * of src/testing/parser.ts and its parse-*.ts), said at the builder.
 *
 * The codes are in src/parser/diagnostic-codes/, one table per stage: parser.ts (E00xx), checker.ts
 * (E01xx-E08xx and W), clock.ts (the clock and chance conditions), boards.ts, targets.ts (targets, platform actions, webhooks), test-files.ts (T); this file joins them into `D` and `CODES`. The folder
 * imports nothing else, so the parser, the compiler and the test runner can all use it.
 */

import { BOARD_CODES } from './diagnostic-codes/boards.js';
import { CHECKER_CODES } from './diagnostic-codes/checker.js';
import { CLOCK_CODES } from './diagnostic-codes/clock.js';
import { DIRECT_MESSAGES_CODES } from './diagnostic-codes/direct-messages.js';
import { NETWORK_CODES } from './diagnostic-codes/networks.js';
import { PARSER_CODES } from './diagnostic-codes/parser.js';
import { TARGET_CODES } from './diagnostic-codes/targets.js';
import type { Builders, Severity, Spec } from './diagnostic-codes/spec.js';
import { TEST_FILE_CODES } from './diagnostic-codes/test-files.js';

export type { Severity } from './diagnostic-codes/spec.js';

/** What to report, before it has a place: `DiagnosticBag.report(message, span, hint?)`. */
export interface DiagnosticMessage<C extends string = Code> {
  readonly code: C;
  readonly severity: Severity;
  readonly message: string;
}

const SPECS = {
  ...PARSER_CODES,
  ...CHECKER_CODES,
  ...BOARD_CODES,
  ...CLOCK_CODES,
  ...DIRECT_MESSAGES_CODES,
  ...TARGET_CODES,
  ...NETWORK_CODES,
  ...TEST_FILE_CODES,
} as const;

type Specs = typeof SPECS;

/** Every diagnostic code of the parser and the compiler. */
export type Code = keyof Specs;

/** One code's registry entry: its code, severity and title, and a builder per message. */
export type Entry<C extends Code> = {
  readonly code: C;
  readonly severity: Specs[C]['severity'];
  readonly title: string;
} & {
  readonly [K in keyof Specs[C]['messages']]: Specs[C]['messages'][K] extends (...args: infer A) => string ? (...args: A) => DiagnosticMessage<C> : never;
};

function build(): { readonly [C in Code]: Entry<C> } {
  const out = Object.create(null) as Record<string, unknown>;
  for (const code of Object.keys(SPECS) as Code[]) {
    const spec: Spec<Severity, Builders> = SPECS[code];
    const entry = Object.create(null) as Record<string, unknown>;
    entry['code'] = code;
    entry['severity'] = spec.severity;
    entry['title'] = spec.title;
    for (const [name, make] of Object.entries(spec.messages)) {
      const builder = make as (...args: unknown[]) => string;
      entry[name] = (...args: unknown[]): DiagnosticMessage => ({ code, severity: spec.severity, message: builder(...args) });
    }
    out[code] = Object.freeze(entry);
  }
  return Object.freeze(out) as { readonly [C in Code]: Entry<C> };
}

/** The registry: `D.E0201.unknownEvent('mesage.posted')`. */
export const D = build();

/** Every code with its severity and title, in code order. */
export const CODES: readonly { readonly code: Code; readonly severity: Severity; readonly title: string }[] = Object.freeze(
  (Object.keys(SPECS) as Code[]).sort().map((code) => Object.freeze({ code, severity: SPECS[code].severity, title: SPECS[code].title })),
);

/** Whether a string is a registry code (for codes read back from JSON or another tool). */
export function isCode(s: string): s is Code {
  return Object.hasOwn(SPECS, s);
}

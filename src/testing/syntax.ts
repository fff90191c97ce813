/**
 * The tree of a test file, as the parser builds it. Everything keeps its span so later stages
 * (checking against the playbook, running, explaining a failure) can point at the line and column.
 */

export interface Span {
  start: number;
  end: number;
  line: number;
  column: number;
}

/** A problem in a test file; the suite adds the file name when it reports it. */
export interface TestDiagnostic extends Span {
  severity: 'error' | 'warning';
  /** `T` codes, listed in docs/testing.md. */
  code: string;
  message: string;
  hint?: string;
}

export type Value =
  /** Quoted text, or a bare word (`bare`), which may also mean `true`/`false`. */
  | { kind: 'text'; value: string; bare: boolean; span: Span }
  | { kind: 'number'; value: number; span: Span }
  | { kind: 'list'; items: Value[]; span: Span }
  | { kind: 'datetime'; value: string; span: Span };

export interface FieldSpec {
  name: string;
  nameSpan: Span;
  /** `text contains "…"` in an expectation. */
  contains: boolean;
  value: Value;
}

export interface MemberRef {
  id: string;
  span: Span;
}

export type TimeSpec =
  /** `+90s`: this long after the previous line's time. */
  | { kind: 'wait'; ms: number; span: Span }
  /** `2026-03-02T19:20[+08:00]`: an instant; without an offset, in the playbook's time zone. */
  | { kind: 'instant'; text: string; span: Span }
  /** `19:20`: the next time the playbook's local clock shows this time. */
  | { kind: 'clock'; hour: number; minute: number; second: number; span: Span };

export interface EventSpec {
  type: string;
  typeSpan: Span;
  /** The compact verb (`posts`, `joins`, …); absent for the generic `event TYPE …` form. */
  verb?: string;
  member?: MemberRef;
  fields: FieldSpec[];
  span: Span;
}

export type ExpectMode = 'some' | 'none' | 'exactly' | 'nothing';

export interface ExpectSpec {
  mode: ExpectMode;
  /** For `exactly`. */
  count?: number;
  /** Absent only for `expect nothing`. */
  type?: string;
  typeSpan?: Span;
  member?: MemberRef;
  fields: FieldSpec[];
  span: Span;
}

export type Statement =
  | { kind: 'start'; time: TimeSpec; span: Span }
  | { kind: 'community'; name: string; span: Span }
  | { kind: 'step'; time?: TimeSpec; repeat?: RepeatSpec; event?: EventSpec; expect?: ExpectSpec; span: Span };

/** `repeat 6 every 1s: alice posts "…"`: the event `count` times, `everyMs` apart. */
export interface RepeatSpec {
  count: number;
  everyMs: number;
  span: Span;
}

export interface TestCase {
  name: string;
  nameSpan: Span;
  /** `for "x.playbook"`; absent means the file's name without `.test`. */
  playbook?: { path: string; span: Span };
  statements: Statement[];
  span: Span;
  /** The test has syntax errors: it is reported as failed and not run. */
  broken: boolean;
}

export interface TestFileTree {
  tests: TestCase[];
}

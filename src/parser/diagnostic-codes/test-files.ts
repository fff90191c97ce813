/**
 * The codes of `playbook test` in the diagnostics registry (src/parser/diagnostic-codes.ts): T, the
 * test-file checks of src/testing. docs/testing.md.
 */
import { error, q, warning } from './spec.js';

export const TEST_FILE_CODES = {
  T0001: error('text without closing quote', {
    noClosingQuote: () => 'this text has no closing quote',
  }),
  T0002: error('unexpected character in a test', {
    unexpectedCharacter: (char: string) => `unexpected character ${q(char)}`,
  }),
  T0003: error('test syntax error', {
    /** Worded in the test-file parser (src/testing/parser.ts, parse-*.ts), which reports a plain message as this code. */
    syntax: (message: string) => message,
  }),
  T0004: error('unknown member verb', {
    unknownVerb: (found: string) => `unknown action of a member: ${found}`,
    noVerb: (member: string) => `expected what ${member} does after ${q(member)}`,
  }),
  T0005: error('not a real wait, date or time', {
    notAWait: (text: string) => `${q(text)} is not a wait`,
    plusWithoutWait: () => 'a `+` must be followed by a wait such as `+90s`',
    notATimeOfDay: (text: string) => `${q(text)} is not a time of day`,
    notADateTime: (text: string) => `${q(text)} is not a real date and time`,
    outsideYears: () => 'this time is outside the years 1970 to 9999',
  }),
  T0101: error('playbook not found or not named', {
    whichPlaybook: (test: string) => `which playbook does "${test}" test?`,
    cannotRead: (path: string, reason: string) => `cannot read the playbook ${path}: ${reason}`,
  }),
  T0102: error('unknown event type in a test', {
    unknownEventType: (type: string) => `the playbook does not know the event type ${q(type)}`,
  }),
  T0103: error('event field wrong in a test', {
    missingField: (type: string, field: string, fieldType: string) => `${type} needs the field ${q(field)} (${fieldType})`,
    setByTest: (field: string) => `${q(field)} is set by the test itself, not written as a field`,
    noField: (type: string, field: string) => `${type} has no field ${q(field)}`,
    givenTwice: (field: string) => `the field ${q(field)} is given twice`,
    wrongType: (field: string, type: string, want: string) => `${q(field)} of ${type} must be ${want}`,
    notAnInstant: (field: string) => `${q(field)} is an instant: write a date and time such as 2026-03-02T10:00`,
  }),
  T0104: error('unknown action type in an expect', {
    unknownActionType: (type: string) => `unknown action type ${q(type)}`,
  }),
  T0105: error('unknown action field in an expect', {
    noActionField: (type: string, field: string) => `${type} has no field ${q(field)}`,
  }),
  T0106: error('event member missing or extra', {
    needsMember: (type: string) => `${type} events need a member`,
    hasNoMember: (type: string) => `${type} events have no member`,
  }),
  T0107: warning('two tests with one name', {
    duplicateName: (test: string) => `another test in this file is also called "${test}"`,
  }),
  T0108: error('start or community out of place', {
    afterFirstEvent: (kind: string) => `${q(kind)} must come before the test's first event or wait`,
    startTwice: () => 'the test already has a `start`',
    communityTwice: () => 'the test already has a `community`',
  }),
  T0109: error('time before the previous line', {
    beforePrevious: (previous: string, sinceStart: string) => `this time is before the previous line's time (${previous}, ${sinceStart} after the start)`,
  }),
  T0110: error('tested playbook has errors', {
    playbookHasErrors: (path: string) => `the playbook ${path} has errors`,
  }),
  T0111: warning('test without expect', {
    noExpect: (test: string) => `the test "${test}" has no expect, so it can only pass`,
  }),
} as const;

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
 * of src/testing/parser.ts), said at the builder.
 *
 * This file imports nothing, so the parser, the compiler and the test runner can all use it.
 */

export type Severity = 'error' | 'warning';

/** What to report, before it has a place: `DiagnosticBag.report(message, span, hint?)`. */
export interface DiagnosticMessage<C extends string = Code> {
  readonly code: C;
  readonly severity: Severity;
  readonly message: string;
}

type Builders = Record<string, (...args: never[]) => string>;

interface Spec<S extends Severity, B extends Builders> {
  readonly severity: S;
  readonly title: string;
  readonly messages: B;
}

const error = <B extends Builders>(title: string, messages: B): Spec<'error', B> => ({ severity: 'error', title, messages });
const warning = <B extends Builders>(title: string, messages: B): Spec<'warning', B> => ({ severity: 'warning', title, messages });

/** Backquoted, as messages show names and source text. */
const q = (s: string | number) => `\`${s}\``;

const SPECS = {
  // ---------------------------------------------------------------- E00xx reading the file
  'E0001': error('file too large', {
    tooLarge: (characters: number, limit: number) => `file is too large (${characters} characters; the limit is ${limit})`,
  }),
  'E0002': error('not UTF-8', {
    notUtf8: () => 'file is not valid UTF-8 text',
  }),
  'E0003': error('unterminated string', {
    unterminatedString: () => 'unterminated string',
  }),
  'E0004': error('unterminated regular expression', {
    unterminatedRegex: () => 'unterminated regular expression',
  }),
  'E0005': error('unexpected character', {
    unexpectedCharacters: (shown: string, several: boolean) => `unexpected character${several ? 's' : ''} ${q(shown)}`,
  }),
  'E0010': error('syntax error', {
    /** A chevrotain syntax error, worded in parse.ts (`expected … but found …`). */
    syntax: (message: string) => message,
    muteFor: (found: string) => `expected \`for\` or a duration after \`mute member\`, found ${q(found)}`,
  }),
  'E0011': error('too many syntax errors', {
    tooMany: (limit: number) => `too many syntax errors (more than ${limit}); the rest of the file was not parsed`,
  }),
  'E0097': error('internal error: IR schema', {
    irSchema: (issue: string, path: string | undefined) => `internal error: the IR does not match its schema: ${issue} at ${path}`,
  }),
  'E0098': error('internal error in the checker', {
    checkerFailed: (reason: string) => `internal checker error: ${reason}`,
  }),
  'E0099': error('internal error: parser gave up', {
    parserGaveUp: (reason: string) => `the parser gave up: ${reason}`,
  }),

  // ---------------------------------------------------------------- E01xx declarations
  'E0102': error('defined twice', {
    definedTwice: (kind: string, name: string) => `${kind} ${q(name)} is defined twice`,
    ladderStepTwice: (ladder: string, step: number) => `ladder ${q(ladder)} has step ${step} twice`,
    ritualStepTwice: (step: string, ritual: string) => `step ${q(step)} is defined twice in ${ritual}`,
    goalTwice: (goal: string, campaign: string) => `goal ${q(goal)} is defined twice in ${campaign}`,
  }),
  'E0103': error('envelope key declared as a field', {
    envelopeField: (field: string) => `${q(field)} is an envelope key of every event and cannot be declared as a field`,
  }),
  'E0104': error('core field retyped', {
    coreFieldType: (event: string, field: string, coreType: string, declared: string) =>
      `core event ${q(event)} has field ${q(field)} of type ${coreType}, not ${declared}`,
  }),
  'E0107': error('unknown field type', {
    unknownFieldType: (type: string) => `unknown field type ${q(type)}`,
  }),
  'E0108': error('word not one of the allowed', {
    oncePer: (found: string) => `\`once per\` takes \`member\` or \`community\`, not ${q(found)}`,
    capPeriod: (found: string) => `caps are per \`day\`, \`week\` or \`month\`, not ${q(found)}`,
    leaderboardPeriod: (found: string) => `expected a period (daily, weekly, monthly or all), found ${q(found)}`,
    multiplier: (found: string) => `expected a multiplier like \`x2\`, found ${q(found)}`,
  }),
  'E0109': error('clause given twice', {
    startsOnTwice: (ritual: string) => `ritual ${q(ritual)} has more than one \`starts on\``,
    deadlineTwice: (ritual: string) => `ritual ${q(ritual)} has more than one deadline`,
    whenTwice: (rule: string) => `rule ${q(rule)} has more than one \`when\``,
  }),

  // ---------------------------------------------------------------- E02xx names
  'E0201': error('unknown event', {
    unknownEvent: (event: string) => `unknown event ${q(event)}`,
  }),
  'E0202': error('unknown role', {
    unknownRole: (role: string) => `unknown role ${q(role)}`,
  }),
  'E0203': error('unknown segment', {
    unknownSegment: (segment: string) => `unknown segment ${q(segment)}`,
  }),
  'E0204': error('unknown campaign', {
    unknownCampaign: (campaign: string) => `unknown campaign ${q(campaign)}`,
  }),
  'E0205': error('unknown stage', {
    unknownStage: (campaign: string, stage: string) => `campaign ${q(campaign)} has no stage ${q(stage)}`,
  }),
  'E0206': error('unknown level', {
    unknownLevel: (level: string) => `unknown level "${level}"`,
  }),
  'E0207': error('unknown schedule', {
    unknownSchedule: (schedule: string) => `unknown schedule ${q(schedule)}`,
  }),
  'E0208': error('unknown member attribute', {
    noMemberAttribute: (attribute: string) => `members have no attribute ${q(attribute)}`,
  }),
  'E0209': error('no triggering event', {
    noEventHere: (value: string, where: string) => `${q(value)} is not a known value here: ${where} has no triggering event`,
  }),
  'E0210': error('unknown event field', {
    noSuchField: (event: string, field: string) => `event ${q(event)} has no field ${q(field)}`,
  }),
  'E0211': error('unknown template', {
    unknownTemplate: (template: string) => `unknown template ${q(template)}`,
  }),
  'E0212': error('unknown placeholder', {
    /** `groupScope`: the construct with no single member, when a `{member.…}` is why. */
    unknownPlaceholder: (placeholder: string, groupScope: string | undefined) =>
      `unknown placeholder \`{${placeholder}}\`${groupScope !== undefined ? ` (${groupScope} has no single member)` : ''}`,
  }),
  'E0213': error('unknown ladder', {
    unknownLadder: (ladder: string) => `unknown ladder ${q(ladder)}`,
  }),
  'E0214': error('segment defined through itself', {
    segmentCycle: (segment: string, cycle: readonly string[]) => `segment ${q(segment)} is defined through itself: ${cycle.join(' -> ')}`,
  }),

  // ---------------------------------------------------------------- E03xx time
  'E0301': error('unknown time zone', {
    unknownZone: (zone: string) => `unknown time zone "${zone}"`,
  }),
  'E0302': error('not a calendar date', {
    notADate: (date: string) => `${q(date)} is not a calendar date`,
  }),
  'E0303': error('duration out of range', {
    zero: (what: string, text: string) => `a ${what} of ${q(text)} is impossible: it must be longer than zero`,
    overTenYears: (what: string, text: string) => `a ${what} of ${q(text)} is longer than ten years`,
  }),
  'E0304': error('not a time of day', {
    withSeconds: (time: string) => `${q(time)}: calendar times are HH:MM, without seconds`,
    notATime: (time: string) => `${q(time)} is not a time of day`,
    noTime: () => 'a calendar needs a time of day',
  }),
  'E0305': error('day of month out of range', {
    dayOfMonth: (day: string) => `day of month must be 1 to 31, not ${day}`,
  }),
  'E0306': error('several start times with until', {
    severalStarts: () => 'a session with `until` starts at one time of day',
  }),
  'E0307': error('at end without an end time', {
    noEndTime: (schedule: string) => `${schedule} has no end time, so \`at end\` never comes`,
  }),
  'E0308': error('not a weekday', {
    notAWeekday: (word: string) => `${q(word)} is not a weekday`,
    noWeekday: () => 'no weekday given',
  }),

  // ---------------------------------------------------------------- E04xx rules, conditions, actions
  'E0401': error('rule without trigger', {
    noTrigger: (rule: string) => `rule ${q(rule)} has no \`on EVENT\` trigger`,
  }),
  'E0402': error('ritual without starts on', {
    noStartsOn: (ritual: string) => `${ritual} has no \`starts on EVENT\``,
  }),
  'E0404': error('types do not fit', {
    compare: (leftType: string, left: string, rightType: string, right: string) =>
      `cannot compare ${leftType} ${q(left)} with ${rightType} ${q(right)}`,
    order: (op: string, operand: string, type: string) => `${q(op)} needs numbers or text, and ${q(operand)} is a ${type}`,
    orderLevels: (op: string) => `levels are names, so ${q(op)} cannot order them`,
    matchesNeedsText: (operand: string, type: string) => `\`matches\` needs text, and ${q(operand)} is a ${type}`,
    containsNeedsText: (operand: string, type: string) => `\`contains\` needs text or a list, and ${q(operand)} is a ${type}`,
  }),
  'E0405': error('not a condition', {
    notACondition: (operand: string, type: string) => `${q(operand)} is a ${type}, not a condition`,
  }),
  'E0406': error('pattern matches everything', {
    noPatterns: () => '`matches any []` has no patterns',
    emptyPattern: () => 'an empty text pattern matches every message',
  }),
  'E0407': error('no member here', {
    noMember: (where: string) => `there is no member here (${where} runs for the whole group)`,
  }),
  'E0408': error('silent members outside a schedule', {
    silentOutsideSchedule: () => '`silent members` only makes sense inside a schedule, where there is a session to be silent in',
  }),
  'E0409': error('delete message without a message', {
    deleteNeedsMessage: (where: string) => `\`delete message\` needs a message: ${where} is not triggered by one`,
  }),
  'E0410': error('empty tag', {
    emptyTag: () => 'a tag cannot be empty',
  }),

  // ---------------------------------------------------------------- E05xx ladders and regexes
  'E0501': error('invalid regular expression', {
    invalidRegex: (reason: string) => `invalid regular expression: ${reason}`,
  }),
  'E0503': error('ladder step number', {
    stepNumber: (step: number) => `ladder steps are numbered 1, 2, 3…; ${q(step)} is not`,
  }),
  'E0504': error('ladder without steps', {
    noSteps: (ladder: string) => `ladder ${q(ladder)} has no steps`,
  }),
  'E0505': error('regex backreference', {
    /** Worded by src/stdlib/regex-safety.ts, which finds the construct. */
    backreference: (message: string) => message,
  }),
  'E0506': error('regex lookaround', {
    /** Worded by src/stdlib/regex-safety.ts. */
    lookaround: (message: string) => message,
  }),
  'E0507': error('regex RE2 cannot run', {
    /** Worded by src/stdlib/regex-safety.ts. */
    unsupported: (message: string) => message,
  }),

  // ---------------------------------------------------------------- E06xx points, levels, badges
  'E0601': error('zero points', {
    zeroEntry: () => 'a points entry must award a non-zero amount',
    zeroAward: () => 'awarding 0 points does nothing',
  }),
  'E0602': error('cap not a positive whole number', {
    capLimit: (limit: number) => `a cap must be a whole number of at least 1, not ${limit}`,
  }),
  'E0603': error('two levels, one threshold', {
    sameThreshold: (first: string, second: string, points: number) =>
      `levels ${q(first)} and ${q(second)} have the same threshold ${points}`,
  }),
  'E0604': error('size or streak out of range', {
    streakDays: (days: number) => `a streak is 1 to 366 days, not ${days}`,
    notPositive: (what: string) => `${what} must be a whole number of at least 1`,
  }),

  // ---------------------------------------------------------------- E07xx lifecycles
  'E0701': error('lifecycle without transitions', {
    noTransitions: (lifecycle: string) => `${lifecycle} has no transitions`,
  }),
  'E0702': error('initial state not in transitions', {
    initialNotAState: (initial: string, lifecycle: string) => `initial state ${q(initial)} is not a state of ${lifecycle}`,
  }),

  // ---------------------------------------------------------------- E08xx campaigns
  'E0801': error('campaign without stages', {
    noStages: (campaign: string) => `${campaign} has no stages`,
  }),
  'E0802': error('stage ends before it starts', {
    endsBeforeStart: (stage: string) => `stage ${q(stage)} ends before it starts`,
  }),
  'E0803': error('stages overlap', {
    overlaps: (stage: string, previous: string) => `stage ${q(stage)} starts before stage ${q(previous)} ends`,
  }),
  'E0804': error('open stage not last', {
    openEnded: (stage: string) => `stage ${q(stage)} has no end date but is not the last stage`,
  }),
  'E0805': error('multiplier not positive', {
    multiplier: () => 'a multiplier must be above zero',
  }),

  // ---------------------------------------------------------------- warnings
  'W0101': warning('no time zone', {
    noHeader: () => 'no `playbook "…" { timezone "…" }` header; calendar logic will use UTC',
    noTimezone: () => 'no `timezone` in the header; calendar logic will use UTC',
  }),
  'W0102': warning('custom event without namespace', {
    noNamespace: (event: string) => `custom event ${q(event)} has no namespace`,
  }),
  'W0401': warning('rule without actions', {
    noActions: (rule: string) => `rule ${q(rule)} does nothing`,
  }),
  'W0402': warning('ritual without steps', {
    noSteps: (ritual: string) => `${ritual} has no steps, so it is done as soon as it starts`,
  }),
  'W0403': warning('reminder after the deadline', {
    reminderTooLate: (deadline: string) => `this reminder comes at or after the deadline (${deadline}), so it never runs`,
  }),
  'W0404': warning('remove members without filter', {
    removeEveryone: () => '`remove members` with no filter removes everyone',
  }),
  'W0501': warning('regex backtracks exponentially elsewhere', {
    /** Worded by src/stdlib/regex-safety.ts. */
    backtracking: (message: string) => message,
  }),
  'W0601': warning('levels out of order', {
    levelsOrder: () => 'levels are not listed in rising order of points',
  }),
  'W0701': warning('unreachable lifecycle state', {
    unreachable: (state: string, lifecycle: string, initial: string) =>
      `state ${q(state)} of ${lifecycle} can never be reached from ${q(initial)}`,
  }),
  'W0702': warning('transition to itself', {
    selfTransition: (state: string) => `transition from ${q(state)} to itself`,
  }),

  // ---------------------------------------------------------------- T: test files (docs/testing.md)
  'T0001': error('text without closing quote', {
    noClosingQuote: () => 'this text has no closing quote',
  }),
  'T0002': error('unexpected character in a test', {
    unexpectedCharacter: (char: string) => `unexpected character ${q(char)}`,
  }),
  'T0003': error('test syntax error', {
    /** Worded in src/testing/parser.ts, which reports a plain message as this code. */
    syntax: (message: string) => message,
  }),
  'T0004': error('unknown member verb', {
    unknownVerb: (found: string) => `unknown action of a member: ${found}`,
    noVerb: (member: string) => `expected what ${member} does after ${q(member)}`,
  }),
  'T0005': error('not a real wait, date or time', {
    notAWait: (text: string) => `${q(text)} is not a wait`,
    plusWithoutWait: () => 'a `+` must be followed by a wait such as `+90s`',
    notATimeOfDay: (text: string) => `${q(text)} is not a time of day`,
    notADateTime: (text: string) => `${q(text)} is not a real date and time`,
    outsideYears: () => 'this time is outside the years 1970 to 9999',
  }),
  'T0101': error('playbook not found or not named', {
    whichPlaybook: (test: string) => `which playbook does "${test}" test?`,
    cannotRead: (path: string, reason: string) => `cannot read the playbook ${path}: ${reason}`,
  }),
  'T0102': error('unknown event type in a test', {
    unknownEventType: (type: string) => `the playbook does not know the event type ${q(type)}`,
  }),
  'T0103': error('event field wrong in a test', {
    missingField: (type: string, field: string, fieldType: string) => `${type} needs the field ${q(field)} (${fieldType})`,
    setByTest: (field: string) => `${q(field)} is set by the test itself, not written as a field`,
    noField: (type: string, field: string) => `${type} has no field ${q(field)}`,
    givenTwice: (field: string) => `the field ${q(field)} is given twice`,
    wrongType: (field: string, type: string, want: string) => `${q(field)} of ${type} must be ${want}`,
    notAnInstant: (field: string) => `${q(field)} is an instant: write a date and time such as 2026-03-02T10:00`,
  }),
  'T0104': error('unknown action type in an expect', {
    unknownActionType: (type: string) => `unknown action type ${q(type)}`,
  }),
  'T0105': error('unknown action field in an expect', {
    noActionField: (type: string, field: string) => `${type} has no field ${q(field)}`,
  }),
  'T0106': error('event member missing or extra', {
    needsMember: (type: string) => `${type} events need a member`,
    hasNoMember: (type: string) => `${type} events have no member`,
  }),
  'T0107': warning('two tests with one name', {
    duplicateName: (test: string) => `another test in this file is also called "${test}"`,
  }),
  'T0108': error('start or community out of place', {
    afterFirstEvent: (kind: string) => `${q(kind)} must come before the test's first event or wait`,
    startTwice: () => 'the test already has a `start`',
    communityTwice: () => 'the test already has a `community`',
  }),
  'T0109': error('time before the previous line', {
    beforePrevious: (previous: string, sinceStart: string) =>
      `this time is before the previous line's time (${previous}, ${sinceStart} after the start)`,
  }),
  'T0110': error('tested playbook has errors', {
    playbookHasErrors: (path: string) => `the playbook ${path} has errors`,
  }),
  'T0111': warning('test without expect', {
    noExpect: (test: string) => `the test "${test}" has no expect, so it can only pass`,
  }),
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
  readonly [K in keyof Specs[C]['messages']]: Specs[C]['messages'][K] extends (...args: infer A) => string
    ? (...args: A) => DiagnosticMessage<C>
    : never;
};

function build(): { readonly [C in Code]: Entry<C> } {
  const out: Record<string, unknown> = Object.create(null);
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

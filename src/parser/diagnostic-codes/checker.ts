/**
 * The compiler's codes in the diagnostics registry (src/parser/diagnostic-codes.ts): the E01xx-E08xx
 * errors of the checker, by what they are about, and the W warnings. docs/diagnostics.md.
 */
import { error, q, warning } from './spec.js';

export const CHECKER_CODES = {
  E0102: error('defined twice', {
    definedTwice: (kind: string, name: string) => `${kind} ${q(name)} is defined twice`,
    ladderStepTwice: (ladder: string, step: number) => `ladder ${q(ladder)} has step ${step} twice`,
    ritualStepTwice: (step: string, ritual: string) => `step ${q(step)} is defined twice in ${ritual}`,
    goalTwice: (goal: string, campaign: string) => `goal ${q(goal)} is defined twice in ${campaign}`,
  }),
  E0103: error('envelope key declared as a field', {
    envelopeField: (field: string) => `${q(field)} is an envelope key of every event and cannot be declared as a field`,
  }),
  E0104: error('core field retyped', {
    coreFieldType: (event: string, field: string, coreType: string, declared: string) =>
      `core event ${q(event)} has field ${q(field)} of type ${coreType}, not ${declared}`,
  }),
  E0107: error('unknown field type', {
    unknownFieldType: (type: string) => `unknown field type ${q(type)}`,
  }),
  E0108: error('word not one of the allowed', {
    oncePer: (found: string) => `\`once per\` takes \`member\`, \`community\` or a field of the event, not ${q(found)}`,
    oncePerList: (field: string, event: string) => `\`once per\` needs one value per event, but ${q(field)} of ${q(event)} is a list`,
    cooldownPer: (found: string) => `a rule's cooldown is \`per member\` or \`per community\`, not ${q(found)}`,
    capPeriod: (found: string) => `caps are per \`day\`, \`week\` or \`month\`, not ${q(found)}`,
    leaderboardPeriod: (found: string) => `expected a period (daily, weekly, monthly or all), found ${q(found)}`,
    multiplier: (found: string) => `expected a multiplier like \`x2\`, found ${q(found)}`,
  }),
  E0109: error('clause given twice', {
    startsOnTwice: (ritual: string) => `ritual ${q(ritual)} has more than one \`starts on\``,
    deadlineTwice: (ritual: string) => `ritual ${q(ritual)} has more than one deadline`,
    whenTwice: (rule: string) => `rule ${q(rule)} has more than one \`when\``,
  }),

  // ---------------------------------------------------------------- E02xx names
  E0201: error('unknown event', {
    unknownEvent: (event: string) => `unknown event ${q(event)}`,
  }),
  E0202: error('unknown role', {
    unknownRole: (role: string) => `unknown role ${q(role)}`,
  }),
  E0203: error('unknown segment', {
    unknownSegment: (segment: string) => `unknown segment ${q(segment)}`,
  }),
  E0204: error('unknown campaign', {
    unknownCampaign: (campaign: string) => `unknown campaign ${q(campaign)}`,
  }),
  E0205: error('unknown stage', {
    unknownStage: (campaign: string, stage: string) => `campaign ${q(campaign)} has no stage ${q(stage)}`,
  }),
  E0206: error('unknown level', {
    unknownLevel: (level: string) => `unknown level "${level}"`,
  }),
  E0207: error('unknown schedule', {
    unknownSchedule: (schedule: string) => `unknown schedule ${q(schedule)}`,
  }),
  E0208: error('unknown member attribute', {
    noMemberAttribute: (attribute: string) => `members have no attribute ${q(attribute)}`,
  }),
  E0209: error('no triggering event', {
    noEventHere: (value: string, where: string) => `${q(value)} is not a known value here: ${where} has no triggering event`,
  }),
  E0210: error('unknown event field', {
    noSuchField: (event: string, field: string) => `event ${q(event)} has no field ${q(field)}`,
  }),
  E0211: error('unknown template', {
    unknownTemplate: (template: string) => `unknown template ${q(template)}`,
  }),
  E0220: error('unknown function', {
    unknownFunction: (fn: string) => `unknown function ${q(fn)}`,
    arity: (fn: string, wanted: string, given: number) => `\`${fn}(…)\` takes ${wanted} argument${wanted === '1' ? '' : 's'}, not ${given}`,
  }),
  E0221: error('division by zero', {
    divideByZero: () => 'this divides by zero',
  }),
  E0222: error('sum of a field that is not a number', {
    notNumeric: (field: string, event: string, type: string) => `\`sum(${field} of ${event})\`: field ${q(field)} is ${type}, not a number`,
  }),
  E0223: error('ambiguous field in a count filter', {
    ambiguous: (field: string, event: string) =>
      `\`event.${field}\` is ambiguous inside the \`where\` of a count: the counted ${event}'s field or the event being handled?`,
  }),
  E0224: error('this. outside a count filter', {
    outside: (field: string) => `\`this.${field}\` is only meaningful inside the \`where\` of count(…) or sum(…)`,
  }),
  E0225: error('not allowed in a count filter', {
    notInFilter: (what: string) => `${what} cannot be used inside the \`where\` of count(…) or sum(…), which tests the counted event`,
  }),
  E0226: error('count filter reading this. without within', {
    needsWithin: () => 'a count whose `where` reads `this.…` must say `within D`: it keeps each counted event for that long',
  }),
  E0227: error('distinct count without within', {
    needsWithin: (field: string) => `\`count(distinct ${field} of …)\` must say \`within D\`: it keeps the values seen for that long`,
  }),
  E0228: error('distinct of a list field', {
    listField: (field: string) => `\`distinct ${field}\`: field ${q(field)} is a list; distinct counts texts, numbers and yes/no values`,
  }),
  E0212: error('unknown placeholder', {
    notFilledInConditions: (placeholder: string) => `\`{${placeholder}}\` is not filled in here: a tag in a condition is compared as written`,
    /** `groupScope`: the construct with no single member, when a `{member.…}` is why. */
    unknownPlaceholder: (placeholder: string, groupScope: string | undefined) =>
      `unknown placeholder \`{${placeholder}}\`${groupScope !== undefined ? ` (${groupScope} has no single member)` : ''}`,
  }),
  E0213: error('unknown ladder', {
    unknownLadder: (ladder: string) => `unknown ladder ${q(ladder)}`,
  }),
  E0214: error('segment defined through itself', {
    segmentCycle: (segment: string, cycle: readonly string[]) => `segment ${q(segment)} is defined through itself: ${cycle.join(' -> ')}`,
  }),

  // ---------------------------------------------------------------- E03xx time
  E0301: error('unknown time zone', {
    unknownZone: (zone: string) => `unknown time zone "${zone}"`,
  }),
  E0302: error('not a calendar date', {
    notADate: (date: string) => `${q(date)} is not a calendar date`,
  }),
  E0303: error('duration out of range', {
    zero: (what: string, text: string) => `a ${what} of ${q(text)} is impossible: it must be longer than zero`,
    overTenYears: (what: string, text: string) => `a ${what} of ${q(text)} is longer than ten years`,
  }),
  E0304: error('not a time of day', {
    withSeconds: (time: string) => `${q(time)}: calendar times are HH:MM, without seconds`,
    notATime: (time: string) => `${q(time)} is not a time of day`,
    noTime: () => 'a calendar needs a time of day',
  }),
  E0305: error('day of month out of range', {
    dayOfMonth: (day: string) => `day of month must be 1 to 31, not ${day}`,
  }),
  E0306: error('several start times with until', {
    severalStarts: () => 'a session with `until` starts at one time of day',
  }),
  E0307: error('at end without an end time', {
    noEndTime: (schedule: string) => `${schedule} has no end time, so \`at end\` never comes`,
  }),
  E0308: error('not a weekday', {
    notAWeekday: (word: string) => `${q(word)} is not a weekday`,
    noWeekday: () => 'no weekday given',
  }),
  // E0309-E0319: dated jobs, agendas and daily windows (docs/language.md, "Calendars", "Agendas").
  E0309: error('daily window ends before it starts', {
    windowBackwards: (from: string, to: string) => `the window \`between ${from} and ${to}\` ends before it starts`,
  }),
  E0310: error('until with a drawn start', {
    untilWithWindow: () => 'a session with `until` needs a fixed start time, but `between` draws one each day',
  }),
  E0311: error('agenda steps out of order', {
    outOfOrder: (step: string, previous: string) => `step at ${step} comes after the step at ${previous} but is earlier`,
  }),
  E0312: error('agenda without steps', {
    noSteps: (agenda: string) => `agenda ${q(agenda)} has no steps`,
  }),
  E0313: error('dated job outside its stage', {
    outsideStage: (what: string, stage: string) => `${what} is outside stage ${q(stage)}, so it never runs`,
  }),

  // ---------------------------------------------------------------- E04xx rules, conditions, actions
  E0401: error('rule without trigger', {
    noTrigger: (rule: string) => `rule ${q(rule)} has no \`on EVENT\` trigger`,
  }),
  E0402: error('ritual without starts on', {
    noStartsOn: (ritual: string) => `${ritual} has no \`starts on EVENT\``,
  }),
  E0404: error('types do not fit', {
    compare: (leftType: string, left: string, rightType: string, right: string) => `cannot compare ${leftType} ${q(left)} with ${rightType} ${q(right)}`,
    order: (op: string, operand: string, type: string) => `${q(op)} needs numbers or text, and ${q(operand)} is a ${type}`,
    orderLevels: (op: string) => `levels are names, so ${q(op)} cannot order them`,
    matchesNeedsText: (operand: string, type: string) => `\`matches\` needs text, and ${q(operand)} is a ${type}`,
    containsNeedsText: (operand: string, type: string) => `\`contains\` needs text or a list, and ${q(operand)} is a ${type}`,
    amountNeedsNumber: (operand: string, type: string) => `an amount of points is a number, and ${q(operand)} is a ${type}`,
    arithNeedsNumbers: (op: string, operand: string, type: string) => `${q(op)} needs numbers, and ${q(operand)} is a ${type}`,
    functionArgument: (fn: string, operand: string, type: string, wanted: string) => `\`${fn}(…)\` needs ${wanted}, and ${q(operand)} is a ${type}`,
    durationArith: (op: string, left: string, leftType: string, right: string, rightType: string) =>
      `${q(op)} cannot combine ${leftType} ${q(left)} with ${rightType} ${q(right)}`,
    muteNeedsDuration: (operand: string, type: string) => `a mute lasts a duration, and ${q(operand)} is a ${type}`,
  }),
  E0405: error('not a condition', {
    notACondition: (operand: string, type: string) => `${q(operand)} is a ${type}, not a condition`,
  }),
  E0406: error('pattern matches everything', {
    noPatterns: () => '`matches any []` has no patterns',
    emptyPattern: () => 'an empty text pattern matches every message',
  }),
  E0407: error('no member here', {
    noMember: (where: string) => `there is no member here (${where} runs for the whole group)`,
  }),
  E0408: error('silent members outside a schedule', {
    silentOutsideSchedule: () => '`silent members` only makes sense inside a schedule, where there is a session to be silent in',
  }),
  E0409: error('delete message without a message', {
    deleteNeedsMessage: (where: string) => `\`delete message\` needs a message: ${where} is not triggered by one`,
    needsMessage: (action: string, where: string) => `\`${action}\` needs a message: ${where} is not triggered by one`,
  }),
  E0410: error('empty tag', {
    emptyTag: () => 'a tag cannot be empty',
  }),

  // ---------------------------------------------------------------- E05xx ladders and regexes
  E0501: error('invalid regular expression', {
    invalidRegex: (reason: string) => `invalid regular expression: ${reason}`,
  }),
  E0503: error('ladder step number', {
    stepNumber: (step: number) => `ladder steps are numbered 1, 2, 3…; ${q(step)} is not`,
  }),
  E0504: error('ladder without steps', {
    noSteps: (ladder: string) => `ladder ${q(ladder)} has no steps`,
  }),
  E0505: error('regex backreference', {
    /** Worded by src/stdlib/regex-safety.ts, which finds the construct. */
    backreference: (message: string) => message,
  }),
  E0506: error('regex lookaround', {
    /** Worded by src/stdlib/regex-safety.ts. */
    lookaround: (message: string) => message,
  }),
  E0507: error('regex RE2 cannot run', {
    /** Worded by src/stdlib/regex-safety.ts. */
    unsupported: (message: string) => message,
  }),
  E0508: error('regex of another dialect', {
    /** Worded by src/stdlib/regex-syntax.ts: a PCRE or POSIX form JavaScript reads differently. */
    foreign: (message: string) => message,
  }),

  // ---------------------------------------------------------------- E06xx points, levels, badges
  E0601: error('zero points', {
    zeroEntry: () => 'a points entry must award a non-zero amount',
    zeroAward: () => 'awarding 0 points does nothing',
  }),
  E0602: error('cap not a positive whole number', {
    capLimit: (limit: number) => `a cap must be a whole number of at least 1, not ${limit}`,
  }),
  E0603: error('two levels, one threshold', {
    sameThreshold: (first: string, second: string, points: number) => `levels ${q(first)} and ${q(second)} have the same threshold ${points}`,
  }),
  E0604: error('size or streak out of range', {
    streakDays: (days: number) => `a streak is 1 to 366 days, not ${days}`,
    notPositive: (what: string) => `${what} must be a whole number of at least 1`,
  }),
  E0605: error('unknown badge', {
    unknownBadge: (name: string) => `no badge is named ${q(name)}`,
  }),

  // ---------------------------------------------------------------- E07xx lifecycles
  E0701: error('lifecycle without transitions', {
    noTransitions: (lifecycle: string) => `${lifecycle} has no transitions`,
  }),
  E0702: error('initial state not in transitions', {
    initialNotAState: (initial: string, lifecycle: string) => `initial state ${q(initial)} is not a state of ${lifecycle}`,
  }),

  // ---------------------------------------------------------------- E08xx campaigns
  E0801: error('campaign without stages', {
    noStages: (campaign: string) => `${campaign} has no stages`,
  }),
  E0802: error('stage ends before it starts', {
    endsBeforeStart: (stage: string) => `stage ${q(stage)} ends before it starts`,
  }),
  E0803: error('stages overlap', {
    overlaps: (stage: string, previous: string) => `stage ${q(stage)} starts before stage ${q(previous)} ends`,
  }),
  E0804: error('open stage not last', {
    openEnded: (stage: string) => `stage ${q(stage)} has no end date but is not the last stage`,
  }),
  E0805: error('multiplier not positive', {
    multiplier: () => 'a multiplier must be above zero',
  }),

  // ---------------------------------------------------------------- warnings
  W0101: warning('no time zone', {
    noHeader: () => 'no `playbook "…" { timezone "…" }` header; calendar logic will use UTC',
    noTimezone: () => 'no `timezone` in the header; calendar logic will use UTC',
  }),
  W0102: warning('custom event without namespace', {
    noNamespace: (event: string) => `custom event ${q(event)} has no namespace`,
  }),
  W0201: warning('count filter compares a field with itself', {
    sameField: (field: string) => `\`${field} == ${field}\` compares the counted event's ${q(field)} with itself, so it is always true`,
  }),
  W0202: warning("distinct member of the member's own events", {
    atMostOne: () => "`count(distinct member of …)` of the member's own events is at most 1",
  }),
  W0401: warning('rule without actions', {
    noActions: (rule: string) => `rule ${q(rule)} does nothing`,
  }),
  W0402: warning('ritual without steps', {
    noSteps: (ritual: string) => `${ritual} has no steps, so it is done as soon as it starts`,
  }),
  W0403: warning('reminder after the deadline', {
    reminderTooLate: (deadline: string) => `this reminder comes at or after the deadline (${deadline}), so it never runs`,
  }),
  W0404: warning('remove members without filter', {
    removeEveryone: () => '`remove members` with no filter removes everyone',
  }),
  W0406: warning('action after the member is removed', {
    afterRemoval: (action: string) => `\`${action}\` after \`remove member\` never runs: the member is no longer in the group`,
  }),
  W0407: warning('exclusive group of one rule', {
    alone: (group: string, rule: string) => `rule ${q(rule)} is the only rule in exclusive group ${q(group)}, so the group holds nothing back`,
  }),
  W0501: warning('regex backtracks exponentially elsewhere', {
    /** Worded by src/stdlib/regex-safety.ts. */
    backtracking: (message: string) => message,
  }),
  W0601: warning('levels out of order', {
    levelsOrder: () => 'levels are not listed in rising order of points',
  }),
  W0602: warning('badge never granted', {
    neverGranted: (name: string) => `badge ${q(name)} has no \`when\` or \`streak\` and no \`award badge ${name}\` grants it`,
  }),
  W0701: warning('unreachable lifecycle state', {
    unreachable: (state: string, lifecycle: string, initial: string) => `state ${q(state)} of ${lifecycle} can never be reached from ${q(initial)}`,
  }),
  W0702: warning('transition to itself', {
    selfTransition: (state: string) => `transition from ${q(state)} to itself`,
  }),
} as const;

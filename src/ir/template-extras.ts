/**
 * Template extras: the placeholders, beyond `{member.…}` and the event's fields, that a message
 * may use in each kind of block (docs/language.md, "Messages"). The checker accepts exactly these
 * names in a block of that kind, and the runtime fills exactly these values when it runs one;
 * both read this table, so a name added on one side and not the other is a type error.
 */
export const TEMPLATE_EXTRAS = {
  ladder: ['count', 'ladder', 'reason'],
  badge: ['badge'],
  ritual: ['ritual'],
  /** A ritual's start, reminders and deadline, which can list the steps still missing. */
  ritualPending: ['missing', 'ritual'],
  lifecycle: ['lifecycle', 'from', 'to'],
  session: ['schedule', 'session'],
  leaderboard: ['board'],
  /** A leaderboard's `for each member:` actions: each ranked member's place and score. */
  leaderboardEach: ['board', 'rank', 'score'],
  /** A draw's actions, run for each winner: the draw's name and the winner's place in the draw order. */
  lottery: ['draw', 'rank'],
  stage: ['campaign', 'stage'],
  goal: ['campaign', 'goal'],
} as const satisfies Record<string, readonly string[]>;

export type ExtrasKind = keyof typeof TEMPLATE_EXTRAS;
export type ExtraValue = string | number;
/** The values of one kind's extras, every name required. */
export type ExtrasOf<K extends ExtrasKind> = { [name in (typeof TEMPLATE_EXTRAS)[K][number]]: ExtraValue };
/** Extras as the runtime carries them: any kinds' values, merged as blocks nest. */
export type TemplateExtras = Record<string, ExtraValue>;

/** The extras of a block of kind `kind`, on top of the enclosing block's (a ladder inside a rule). */
export function templateExtras<K extends ExtrasKind>(_kind: K, values: ExtrasOf<K>, outer?: TemplateExtras): TemplateExtras {
  return outer ? { ...outer, ...values } : { ...values };
}

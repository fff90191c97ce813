/**
 * The limits on what Playbook reads, in one place. Every command and route that enforces one
 * imports it from here and names the number in its message, and docs/cli.md#limits and
 * docs/serve.md#limits state each one once (test/limits-docs.test.ts checks the docs against
 * these constants). They exist so that no input, however large or hostile, makes a command use
 * memory or time out of proportion to what a real community produces.
 *
 * | constant                    | value       | what it bounds                                              |
 * |-----------------------------|-------------|-------------------------------------------------------------|
 * | MAX_PLAYBOOK_BYTES          | 4,194,304   | a playbook: a file any command reads, a POST /playbook body |
 * | MAX_EVENT_LINE_BYTES        | 1,048,576   | one event: a JSON Lines line (simulate, POST /events), or   |
 * |                             |             | the single pretty-printed event of a POST /events body      |
 * | MAX_EVENTS_BODY_BYTES       | 16,777,216  | a POST /events body                                         |
 * | MAX_ID_CHARS                | 512         | an event's `id`                                             |
 * | MAX_REF_CHARS               | 256         | `community`, `member`, and the payload fields `name`,       |
 * |                             |             | `invitedBy`, `invitee`, `role`, and each item of `roles`    |
 * |                             |             | and `mentions`: stored with the member and repeated into    |
 * |                             |             | actions                                                     |
 * | MAX_TEXT_CHARS              | 65,536      | any other string payload field (`text`, `messageId`,        |
 * |                             |             | declared fields, ...) and each item of other string lists   |
 * | MAX_LIST_ITEMS              | 256         | items of any list payload field (`roles`, `mentions`, ...)  |
 * | MAX_RELOAD_DIAGNOSTICS      | 100         | diagnostics a refused POST /playbook (or SIGHUP) returns    |
 * | MAX_EVENT_PROBLEMS          | 50          | bad lines a refused POST /events lists                      |
 * | MAX_GROUP_COMMIT_EVENTS     | 10,000      | events of the POST /events requests one group commit takes  |
 * |                             |             | (their bodies: at most MAX_EVENTS_BODY_BYTES together)      |
 * | MAX_LINE_NOTES              | 50          | per-line notes `simulate` prints before summarizing         |
 *
 * Characters are UTF-16 code units, as JavaScript counts string length: a character outside
 * the Basic Multilingual Plane (most emoji) counts as two.
 */

/** A playbook, in bytes of UTF-8 (so also at most this many characters, which the parser checks). */
export const MAX_PLAYBOOK_BYTES = 4 * 1024 * 1024;

/**
 * One event line, in bytes of UTF-8. Checked while reading: a longer line is skipped (simulate)
 * or refused (serve) after reading at most this much of it plus one read chunk.
 */
export const MAX_EVENT_LINE_BYTES = 1024 * 1024;

/** A POST /events body, in bytes. */
export const MAX_EVENTS_BODY_BYTES = 16 * 1024 * 1024;

/** An event's `id`. */
export const MAX_ID_CHARS = 512;

/** Ids and names that are stored with a member and repeated into every action about them. */
export const MAX_REF_CHARS = 256;

/** Any other string payload field, such as a message's `text`. */
export const MAX_TEXT_CHARS = 65_536;

/** Items of a list payload field. */
export const MAX_LIST_ITEMS = 256;

/** Payload fields held to MAX_REF_CHARS (for lists: each item), in every event type. */
export const REF_FIELDS: ReadonlySet<string> = new Set(['name', 'invitedBy', 'invitee', 'role', 'roles', 'mentions']);

/** The longest string a payload field (or an item of a list field) may hold. */
export function maxFieldChars(field: string): number {
  return REF_FIELDS.has(field) ? MAX_REF_CHARS : MAX_TEXT_CHARS;
}

/**
 * Why an event's `community` or `member` is over its limit, or undefined. Checked for every
 * event, of a known type or not: both are stored (a community row, the processed ids).
 */
export function envelopeLimitProblem(community: string, member: string | undefined): string | undefined {
  if (community.length > MAX_REF_CHARS) return `"community" is longer than ${MAX_REF_CHARS} characters`;
  if (member !== undefined && member.length > MAX_REF_CHARS) return `"member" is longer than ${MAX_REF_CHARS} characters`;
  return undefined;
}

/** Why a payload field's value, already of its declared type, is over its limit, or undefined. */
export function fieldLimitProblem(field: string, value: unknown): string | undefined {
  const max = maxFieldChars(field);
  if (typeof value === 'string') return value.length > max ? `payload field "${field}" is longer than ${max} characters` : undefined;
  if (Array.isArray(value)) {
    if (value.length > MAX_LIST_ITEMS) return `payload field "${field}" has more than ${MAX_LIST_ITEMS} items`;
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      if (typeof item === 'string' && item.length > max) return `item ${i + 1} of payload field "${field}" is longer than ${max} characters`;
    }
  }
  return undefined;
}

/** Diagnostics returned when a reload is refused; the rest are counted. */
export const MAX_RELOAD_DIAGNOSTICS = 100;

/** Bad lines listed when a POST /events body is refused; the rest are counted. */
export const MAX_EVENT_PROBLEMS = 50;

/** Events in one group commit of `serve` (src/server/group-commit.ts); a single larger request is committed alone. */
export const MAX_GROUP_COMMIT_EVENTS = 10_000;

/** Per-line notes simulate prints on stderr; the summary counts the rest. */
export const MAX_LINE_NOTES = 50;

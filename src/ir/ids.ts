/**
 * Construct ids: every named construct in the IR carries `id` = `<kind>:<name>`, the word of its
 * grammar rule and its name (`ladder:spam`, `ritual:welcome`). Actions name their source by it,
 * machines and timers are keyed by it, and snapshots store it, so its form is part of the
 * contract (docs/architecture.md).
 */
export const CONSTRUCT_KINDS = ['rule', 'ladder', 'badge', 'leaderboard', 'lottery', 'ritual', 'lifecycle', 'schedule', 'job', 'campaign', 'agenda'] as const;
export type ConstructKind = (typeof CONSTRUCT_KINDS)[number];

export function constructId(kind: ConstructKind, name: string): string {
  return `${kind}:${name}`;
}

/** The kind and name of a construct id, or undefined when `id` is not one. */
export function parseConstructId(id: string): { kind: ConstructKind; name: string } | undefined {
  const colon = id.indexOf(':');
  if (colon < 0) return undefined;
  const kind = id.slice(0, colon);
  return KINDS.has(kind) ? { kind: kind as ConstructKind, name: id.slice(colon + 1) } : undefined;
}

const KINDS: ReadonlySet<string> = new Set<string>(CONSTRUCT_KINDS);

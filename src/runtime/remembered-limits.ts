import { isoDuration } from '../stdlib/durations.js';

/**
 * How large the remembered ids of one community (`RememberedIds`, remembered-ids.ts) may grow,
 * and the error when the ids of one horizon need more (docs/runtime.md, "Duplicates and the
 * horizon"; docs/performance.md, "Memory and simulate floor").
 */

export interface RememberedLimits {
  /** The largest byte arena: the longest typed array the platform allows. */
  bytes: number;
  /**
   * Places at most (ids in processing order, a forgotten front not yet dropped included): a slot
   * holds a place + 1 in 32 bits, and the table of slots (a power of two of at least three per
   * live id) must stay a typed array the platform allows.
   */
  places: number;
  /** The largest arena whose starts are kept in an Int32Array: every start is below its length. */
  int32Bytes: number;
}

/**
 * The longest typed array of `scope` (the global object): Node says (2^32 elements in Node 20, more
 * later); without it (the studio's browser worker) 2^31, which every 64-bit browser allows.
 */
export function longestArray(scope: object = globalThis): number {
  const proc = (scope as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  const buffer = proc?.getBuiltinModule?.('node:buffer') as { constants?: { MAX_LENGTH?: number } } | undefined;
  return buffer?.constants?.MAX_LENGTH ?? 2 ** 31;
}

const platform: RememberedLimits = Object.freeze({ bytes: longestArray(), places: 2 ** 30, int32Bytes: 2 ** 31 });

/** The limits in force: the platform's, unless a test lowered them. Read only where an array is sized, never per id. */
export const rememberedLimits: RememberedLimits = { ...platform };

/**
 * For tests only: lower the limits so that a test reaches them with a few ids instead of
 * gigabytes (at least 256 bytes and 16 places: a map starts with that much). Returns the function
 * that puts the platform's back. Maps already made follow the new limits from their next growth
 * or compaction on.
 */
export function setRememberedLimitsForTests(limits: Partial<RememberedLimits>): () => void {
  Object.assign(rememberedLimits, limits);
  return () => {
    Object.assign(rememberedLimits, platform);
  };
}

/**
 * The ids of one horizon do not fit: thrown before anything of the event is changed (the id is
 * not remembered, the map is as it was), so the event can be sent again once they fit.
 */
export class RememberedIdsFull extends Error {
  constructor(
    readonly ids: number,
    readonly bytes: number,
    readonly where?: { community: string; horizonMs: number },
  ) {
    super(
      (where ? `community ${JSON.stringify(where.community)}: ` : '') +
        `too many event ids to remember within the horizon${where ? ` of ${isoDuration(where.horizonMs)}` : ''}: ` +
        `${ids} ids in ${bytes} bytes, and the next does not fit (at most ${rememberedLimits.places} ids and ${rememberedLimits.bytes} bytes of ids). ` +
        "This event was not processed. Shorten the horizon so that fewer ids are remembered at once: `horizon 1d` in the playbook's header " +
        '(which `serve` follows), `--horizon D` for `simulate`, or `createRuntime(ir, { horizonMs })` (docs/runtime.md, "Duplicates and the horizon")',
    );
  }

  /** The same error, naming the community and its horizon. */
  of(community: string, horizonMs: number): RememberedIdsFull {
    return new RememberedIdsFull(this.ids, this.bytes, { community, horizonMs });
  }
}

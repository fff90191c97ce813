// The honesty check of the benchmark: every baseline must produce exactly the runtime's actions.

/** JSON with keys sorted at every level: equal text means deep-equal values, whatever the key order. */
export function canonical(value) {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.keys(value)
      .filter((k) => value[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(value[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

export class MismatchError extends Error {}

/**
 * Throws a MismatchError naming the first differing action (index, cause, both texts) unless
 * `actual` deep-equals `expected`, action for action, in order.
 */
export function assertSameActions(engine, expected, actual) {
  const n = Math.min(expected.length, actual.length);
  for (let i = 0; i < n; i++) {
    const e = canonical(expected[i]);
    const a = canonical(actual[i]);
    if (e !== a) {
      throw new MismatchError(
        `${engine} does not produce the runtime's actions: action #${i} (event ${expected[i].cause ?? actual[i].cause})\n` +
          `  runtime: ${e}\n  ${engine}: ${a}`,
      );
    }
  }
  if (expected.length !== actual.length) {
    const extra = expected.length > actual.length ? `runtime has ${canonical(expected[n])}` : `${engine} has ${canonical(actual[n])}`;
    throw new MismatchError(`${engine} produced ${actual.length} actions, the runtime ${expected.length}; first extra action #${n}: ${extra}`);
  }
}

/** Counts by action type, for the report ("what the workload does"). */
export function actionCounts(actions) {
  const counts = {};
  for (const a of actions) counts[a.type] = (counts[a.type] ?? 0) + 1;
  return counts;
}

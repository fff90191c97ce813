import fc from 'fast-check';

/**
 * Every fast-check property in the suite runs from one seed, so a run is reproducible: FC_SEED
 * from the environment, or a fixed default. A failing property's message ends with the command
 * that replays it. (A test that passes its own `seed:` keeps it; the message then says so.)
 */
const DEFAULT_SEED = 20_260_314;
const raw = process.env['FC_SEED'];
const seed = raw === undefined || raw === '' ? DEFAULT_SEED : Number(raw);
if (!Number.isInteger(seed)) throw new RangeError(`FC_SEED must be an integer, not ${JSON.stringify(raw)}`);

/** The failure message fast-check would give, plus how to replay it. */
export function replayHint(runSeed: number): string {
  return runSeed === seed
    ? `Replay with: FC_SEED=${seed} npx vitest run <this test file> (seed ${seed}${raw ? ', from FC_SEED' : ', the default'})`
    : `This property sets its own seed (${runSeed}); the suite's FC_SEED is ${seed}.`;
}

function report(details: fc.RunDetails<unknown>): void {
  if (!details.failed) return;
  const message = `${fc.defaultReportMessage(details) ?? 'Property failed'}\n\n${replayHint(details.seed)}`;
  throw new Error(message, details.errorInstance !== undefined ? { cause: details.errorInstance } : undefined);
}

fc.configureGlobal({
  ...fc.readConfigureGlobal(),
  seed,
  // One reporter serves sync and async properties (fast-check refuses a global asyncReporter
  // for sync ones); it throws what fast-check's default reporter throws, plus the replay line.
  reporter: report,
});

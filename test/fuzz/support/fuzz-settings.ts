// Run counts and seeds for the property tests. The CI run is short and
// seeded, so a failure repeats; `npm run fuzz:long` raises the count.

function readPositiveInteger(name: string, fallback: number): number {
  const text = process.env[name];
  if (text === undefined || text === '') return fallback;

  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) {
    throw new Error(`Invalid ${name} "${text}": expected a whole number of at least 1.`);
  }
  return value;
}

// A few hundred cases per route group keep the six properties of the CI
// run near 20 s on the 2-core development machine.
const CI_RUNS_PER_PROPERTY = 250;

// A fixed seed makes the CI run repeat exactly; set OUTPOST_FUZZ_SEED to
// explore other inputs.
const CI_SEED = 20240611;

/** Cases each property runs: OUTPOST_FUZZ_RUNS, or the CI default. */
export const FUZZ_RUNS = readPositiveInteger('OUTPOST_FUZZ_RUNS', CI_RUNS_PER_PROPERTY);

/** Seed of every property: OUTPOST_FUZZ_SEED, or the fixed CI seed. */
export const FUZZ_SEED = readPositiveInteger('OUTPOST_FUZZ_SEED', CI_SEED);

/**
 * Maximum time one request may take before the property fails as a hang. The
 * fuzz server holds long polls for one second, and an argon2 login or an
 * APK parse takes well under a second on the CI machine.
 */
export const REQUEST_TIMEOUT_MS = 10_000;

// Budget per case for the vitest timeout: an estimate at about ten times
// the mean case time measured on the 2-core development machine.
const MS_PER_CASE_BUDGET = 50;
const FIXED_BUDGET_MS = 60_000;

/** Vitest timeout for one property of FUZZ_RUNS cases. */
export function propertyTimeoutMs(runs = FUZZ_RUNS): number {
  return FIXED_BUDGET_MS + runs * MS_PER_CASE_BUDGET;
}

/** fast-check parameters shared by every property. */
export function assertParameters(runs = FUZZ_RUNS) {
  return { numRuns: runs, seed: FUZZ_SEED, endOnFailure: false, verbose: 1 as const };
}

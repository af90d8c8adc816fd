/**
 * Whether an end-to-end suite can run here. On a developer's laptop a suite whose prerequisites
 * are missing is skipped, saying why. Under `BERTH_E2E=required` (what `.ci/run` sets) a missing
 * prerequisite is a failure instead: a CI run that skipped its end-to-end suites would read
 * green while testing nothing.
 */
export function e2eRequired(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.BERTH_E2E === 'required';
}

/**
 * The `skip` option for a suite needing `requirements` (name → present): `false` when all are
 * present, else the reason. Throws under `BERTH_E2E=required`, failing the test file.
 */
export function skipUnless(
  requirements: Record<string, boolean>,
  env: NodeJS.ProcessEnv = process.env,
): string | false {
  const missing = Object.entries(requirements)
    .filter(([, present]) => !present)
    .map(([name]) => name);
  if (missing.length === 0) return false;
  const reason = `needs ${missing.join(', ')}`;
  if (e2eRequired(env)) throw new Error(`BERTH_E2E=required and this suite ${reason}`);
  return reason;
}

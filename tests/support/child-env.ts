/**
 * The environment for a child process that runs routecraft through a loader of its own (tsx,
 * or the built package): not measured for coverage.
 *
 * The test runner tracks every child process and measures its coverage: deleting
 * `NODE_OPTIONS` or `NODE_V8_COVERAGE` from the child's environment is not enough, because the
 * runner's spawn hook puts its loader back. Coverage is merged per file by byte offsets, so a
 * child that loaded `src/x.ts` through another transform corrupts the merged report (whole
 * functions shown as uncovered). `_TAPJS_PROCESSINFO_COVERAGE_=0` is the runner's own switch for
 * "do not measure this process"; the coverage of src/ comes from the test processes alone.
 */
export function unmeasuredEnv (extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra, _TAPJS_PROCESSINFO_COVERAGE_: '0' }
  delete env.NODE_V8_COVERAGE
  delete env.NODE_OPTIONS
  return env
}

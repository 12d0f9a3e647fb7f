import fc from 'fast-check'

/**
 * fast-check's options for a property over the store: `numRuns` runs, ended at four fifths of the test's own
 * timeout (`test`: the test's context's task). A run over the store takes up to a second or more, so shrinking a
 * failure can outlast the test's timeout, which then says only "timed out" (it hid a failing run this way twice in
 * CI). Stopped in time, fast-check reports the failure with its counterexample and seed, shrunk as far as it got;
 * runs cut short before any failure fail the test too, so a slow machine never passes on fewer runs.
 */
export function storeProperty(numRuns: number, test: { readonly timeout: number }): fc.Parameters<unknown> {
  return { numRuns, plugins: [fc.interruptAfterTimeLimit(Math.floor(test.timeout * 0.8), { failOnInterrupt: true })] }
}

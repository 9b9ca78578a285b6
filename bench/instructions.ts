/**
 * Method 1 of MEASURING.md (the shared measuring notes of this project): instructions per request.
 *
 * A server runs under `valgrind --tool=cachegrind --cache-sim=no --smc-check=all-non-file`
 * as `node --single-threaded serve.js <side>` (V8's compiler and GC on the main thread, so the
 * count does not depend on timing), serves N1 requests of one scenario (keep-alive, 8
 * connections, autocannon in another process on the other CPU), gets SIGTERM, and valgrind's
 * `I refs` is read from its stderr. Again with N2 requests. Per request =
 * (I(N2) − I(N1)) / (N2 − N1): start-up, warm-up (JIT) and shutdown cancel out.
 */
import { LoadGenerator, startServer, type Side } from './lib.js'
import type { Scenario } from './servers/common.js'

export interface InstructionCount {
  readonly side: Side
  readonly n1: number
  readonly n2: number
  readonly i1: number
  readonly i2: number
  readonly perRequest: number
}

/** Total instructions of one server process that served `n` requests of `scenario`. */
export async function countOnce (load: LoadGenerator, side: Side, scenario: Scenario, n: number, connections: number, pin = true): Promise<number> {
  const server = await startServer(side, { valgrind: true, pin, readyTimeoutMs: 600_000 })
  const result = await load.run({
    url: `http://127.0.0.1:${server.port}${scenario.path}`,
    method: scenario.method,
    headers: scenario.headers,
    body: scenario.body,
    connections,
    amount: n,
  })
  const { stderr } = await server.stop()
  const ok = result.statusCodes[String(scenario.status)] ?? 0
  if (ok !== n || result.errors > 0) {
    throw new Error(`${side} ${scenario.name}: expected ${n} × ${scenario.status}, got ${JSON.stringify(result.statusCodes)} (${result.errors} errors)`)
  }
  const m = /I\s+refs:\s+([\d,]+)/.exec(stderr)
  if (m === null) throw new Error(`${side} ${scenario.name}: no "I refs" in valgrind's output:\n${stderr.slice(-2000)}`)
  return Number((m[1] as string).replace(/,/g, ''))
}

/**
 * Instructions per request of both sides for `scenario`. With `jobs` > 1 the four valgrind
 * runs go that many at a time, unpinned (the counts do not depend on timing; the wall time
 * does).
 */
export async function instructionsPerRequest (load: LoadGenerator, scenario: Scenario, options: { n1: number; n2: number; connections: number; jobs: number }): Promise<Record<Side, InstructionCount>> {
  const runs: Array<[Side, number]> = [['routecraft', options.n1], ['raw', options.n1], ['routecraft', options.n2], ['raw', options.n2]]
  const counts = new Map<string, number>()
  const pin = options.jobs <= 1
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < runs.length) {
      const [side, n] = runs[next++] as [Side, number]
      counts.set(`${side} ${n}`, await countOnce(load, side, scenario, n, options.connections, pin))
    }
  }
  await Promise.all(Array.from({ length: Math.min(options.jobs, runs.length) }, worker))
  const result = (side: Side): InstructionCount => {
    const i1 = counts.get(`${side} ${options.n1}`) as number
    const i2 = counts.get(`${side} ${options.n2}`) as number
    return { side, n1: options.n1, n2: options.n2, i1, i2, perRequest: (i2 - i1) / (options.n2 - options.n1) }
  }
  return { routecraft: result('routecraft'), raw: result('raw') }
}

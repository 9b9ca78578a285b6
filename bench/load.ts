/**
 * The load generator: a separate process (pinned to its own CPU by the runner) that runs
 * autocannon on request over IPC, so the runner never shares a core with it and no process
 * start-up lands inside a measurement.
 *
 * Message in: a {@link LoadJob}; message out: a {@link LoadResult} with the same `id`.
 */
// autocannon ships no types; the few fields used are typed below.
import autocannon from 'autocannon'

export interface LoadJob {
  readonly id: number
  readonly url: string
  readonly method: string
  readonly headers?: Record<string, string>
  readonly body?: string
  readonly connections: number
  /** Seconds; ignored when `amount` is set. */
  readonly duration?: number
  /** A number of requests to send, then stop. */
  readonly amount?: number
}

export interface LoadResult {
  readonly id: number
  readonly requests: number
  readonly seconds: number
  readonly rps: number
  readonly p50: number
  readonly p99: number
  readonly statusCodes: Record<string, number>
  readonly errors: number
  readonly timeouts: number
  readonly error?: string
}

interface AutocannonResult {
  duration: number
  errors: number
  timeouts: number
  latency: { p50: number; p99: number }
  statusCodeStats: Record<string, { count: number }>
}

const run = autocannon as unknown as (opts: Record<string, unknown>, cb: (err: Error | null, result: AutocannonResult) => void) => unknown

function once (job: LoadJob): Promise<LoadResult> {
  return new Promise(resolve => {
    run({
      url: job.url,
      method: job.method,
      headers: job.headers ?? {},
      ...(job.body === undefined ? {} : { body: job.body }),
      connections: job.connections,
      pipelining: 1,
      ...(job.amount === undefined ? { duration: job.duration ?? 5 } : { amount: job.amount }),
      timeout: 30,
    }, (err, r) => {
      if (err !== null) {
        resolve({ id: job.id, requests: 0, seconds: 0, rps: 0, p50: 0, p99: 0, statusCodes: {}, errors: 1, timeouts: 0, error: err.message })
        return
      }
      const statusCodes: Record<string, number> = {}
      let requests = 0
      for (const [code, { count }] of Object.entries(r.statusCodeStats)) {
        statusCodes[code] = count
        requests += count
      }
      resolve({
        id: job.id,
        requests,
        seconds: r.duration,
        rps: r.duration > 0 ? requests / r.duration : 0,
        p50: r.latency.p50,
        p99: r.latency.p99,
        statusCodes,
        errors: r.errors,
        timeouts: r.timeouts,
      })
    })
  })
}

process.on('message', (job: LoadJob) => {
  void once(job).then(result => process.send?.(result))
})
process.on('disconnect', () => process.exit(0))

/**
 * The soak (issue 8, part 3): the showcase under steady load on loopback, for a bounded number
 * of requests, then it stops by itself.
 *
 *   npm run soak [-- --requests 1000000 --connections 50 --window 100000]
 *
 * This process builds the showcase (playground/app.ts) and listens on 127.0.0.1 (a free port);
 * autocannon runs in a child process (this file with `--worker`), so that the server's RSS is
 * the server's alone; with `taskset` and two or more CPUs, each side is pinned to its own CPU.
 * The load goes in windows of `--window` requests (100k by default), each a mix across the
 * showcase's routes:
 *
 *   GET /items/, GET /items/portal-gun, GET /items/?limit=5&tag=gadget, PUT /items/soak-{1,2,3}
 *   (over a fixed set of ids, so the in-memory catalogue does not grow), POST /items/ followed
 *   by a DELETE of the item it created (a small share; POSTs alone would grow the showcase's
 *   in-memory Map by design, which is not a leak), GET /headers-and-object/, GET /legacy/,
 *   GET /admin/me with Basic credentials (right and wrong: 401), a 404, a 422.
 *
 * Every response is checked against the status its request expects; an unexpected status, a
 * socket error or a timeout is an error (must be 0). Reported: p50/p99 latency per window, the
 * server's RSS after the first window and at the end (growth must be at most 10 %), and the
 * heap after a forced GC when node runs with --expose-gc. A markdown summary goes to stdout;
 * the exit code is 1 when a criterion fails.
 */
import { execFileSync, fork } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import type { AddressInfo } from 'node:net'
import { availableParallelism, loadavg } from 'node:os'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import autocannon from 'autocannon'

// ---------------------------------------------------------------------------------------------
// The request mix (built in the worker: autocannon's hooks are functions)
// ---------------------------------------------------------------------------------------------

const ADMIN = `Basic ${Buffer.from('stanleyjobson:swordfish').toString('base64')}`
const WRONG = `Basic ${Buffer.from('stanleyjobson:trout').toString('base64')}`
const JSON_HEADERS = { 'content-type': 'application/json' }
const itemIn = (name: string): string => JSON.stringify({ name, price: 9.5, tax: 1, tags: ['soak'] })

interface MixEntry {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE'
  path: string
  expect: readonly number[]
  headers?: Record<string, string>
  body?: string
  /** POST → DELETE: the created id is kept in autocannon's per-connection context. */
  role?: 'create' | 'delete-created'
}

/** One pass of a connection through the mix: 20 requests. */
export const MIX: readonly MixEntry[] = [
  { method: 'GET', path: '/items/', expect: [200] },
  { method: 'GET', path: '/items/portal-gun', expect: [200] },
  { method: 'PUT', path: '/items/soak-1', expect: [200, 201], headers: JSON_HEADERS, body: itemIn('Soak one') },
  { method: 'GET', path: '/headers-and-object/', expect: [200] },
  { method: 'GET', path: '/legacy/', expect: [200] },
  { method: 'GET', path: '/admin/me', expect: [200], headers: { authorization: ADMIN } },
  { method: 'GET', path: '/items/soak-1', expect: [200] },
  { method: 'PUT', path: '/items/soak-2', expect: [200, 201], headers: JSON_HEADERS, body: itemIn('Soak two') },
  { method: 'GET', path: '/items/?limit=5&tag=gadget', expect: [200] },
  { method: 'GET', path: '/does-not-exist', expect: [404] },
  { method: 'GET', path: '/items/portal-gun', expect: [200] },
  { method: 'POST', path: '/items/', expect: [422], headers: JSON_HEADERS, body: '{"name":"","price":-1}' },
  { method: 'PUT', path: '/items/soak-3', expect: [200, 201], headers: JSON_HEADERS, body: itemIn('Soak three') },
  { method: 'GET', path: '/items/', expect: [200] },
  { method: 'POST', path: '/items/', expect: [201], headers: JSON_HEADERS, body: itemIn('Soak created'), role: 'create' },
  { method: 'DELETE', path: '/items/', expect: [204], role: 'delete-created' },
  { method: 'GET', path: '/admin/me', expect: [401], headers: { authorization: WRONG } },
  { method: 'GET', path: '/items/no-such-item', expect: [404] },
  { method: 'GET', path: '/headers-and-object/', expect: [200] },
  { method: 'PUT', path: '/items/soak-1', expect: [200, 201], headers: JSON_HEADERS, body: itemIn('Soak one again') },
]

// ---------------------------------------------------------------------------------------------
// Worker: runs autocannon on request
// ---------------------------------------------------------------------------------------------

interface WindowJob { url: string; amount: number; connections: number }
interface WindowResult {
  requests: number
  seconds: number
  p50: number
  p99: number
  p999: number
  max: number
  statusCodes: Record<string, number>
  unexpected: Record<string, number>
  errors: number
  timeouts: number
  error?: string
}

interface Histogram { p50: number; p99: number; p99_9: number; max: number }
interface AutocannonResult { duration: number; errors: number; timeouts: number; latency: Histogram; statusCodeStats: Record<string, { count: number }> }
type Context = Record<string, unknown>
interface Request { method: string; path: string; headers?: Record<string, string>; body?: string }
type Run = (opts: Record<string, unknown>, cb: (err: Error | null, result: AutocannonResult) => void) => unknown

function runWindow (job: WindowJob): Promise<WindowResult> {
  const unexpected: Record<string, number> = {}
  const requests = MIX.map(entry => ({
    method: entry.method,
    path: entry.path,
    ...(entry.headers === undefined ? {} : { headers: entry.headers }),
    ...(entry.body === undefined ? {} : { body: entry.body }),
    ...(entry.role === 'delete-created'
      ? { setupRequest: (req: Request, ctx: Context) => ({ ...req, path: `/items/${String(ctx.created)}` }) }
      : {}),
    onResponse: (status: number, body: string, ctx: Context) => {
      if (!entry.expect.includes(status)) {
        const key = `${entry.method} ${entry.path} → ${status}`
        unexpected[key] = (unexpected[key] ?? 0) + 1
      }
      if (entry.role === 'create' && status === 201) ctx.created = (JSON.parse(body) as { id: string }).id
    },
  }))
  return new Promise(resolve => {
    ;(autocannon as unknown as Run)({
      url: job.url,
      connections: job.connections,
      pipelining: 1,
      amount: job.amount,
      timeout: 10,
      requests,
    }, (err, r) => {
      if (err !== null) {
        resolve({ requests: 0, seconds: 0, p50: 0, p99: 0, p999: 0, max: 0, statusCodes: {}, unexpected, errors: 1, timeouts: 0, error: err.message })
        return
      }
      const statusCodes: Record<string, number> = {}
      let count = 0
      for (const [code, { count: n }] of Object.entries(r.statusCodeStats)) {
        statusCodes[code] = n
        count += n
      }
      resolve({
        requests: count,
        seconds: r.duration,
        p50: r.latency.p50,
        p99: r.latency.p99,
        p999: r.latency.p99_9,
        max: r.latency.max,
        statusCodes,
        unexpected,
        errors: r.errors,
        timeouts: r.timeouts,
      })
    })
  })
}

function worker (): void {
  process.on('message', (job: WindowJob) => {
    void runWindow(job).then(result => process.send!(result))
  })
}

// ---------------------------------------------------------------------------------------------
// Main: the server, the windows, the report
// ---------------------------------------------------------------------------------------------

function pin (pid: number, cpu: number): boolean {
  try {
    execFileSync('taskset', ['-cp', String(cpu), String(pid)], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}

function ask (child: ChildProcess, job: WindowJob): Promise<WindowResult> {
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null): void => { reject(new Error(`the load worker exited (${code})`)) }
    child.once('exit', onExit)
    child.once('message', result => {
      child.off('exit', onExit)
      resolve(result as WindowResult)
    })
    child.send(job)
  })
}

const mb = (bytes: number): string => (bytes / 2 ** 20).toFixed(1)

async function main (): Promise<void> {
  const { values } = parseArgs({
    options: {
      requests: { type: 'string', default: '1000000' },
      connections: { type: 'string', default: '50' },
      window: { type: 'string', default: '100000' },
    },
  })
  const total = Number(values.requests)
  const connections = Number(values.connections)
  const windowSize = Math.min(Number(values.window), total)
  if (!(total > 0 && connections > 0 && windowSize > 0)) throw new Error('--requests, --connections and --window must be positive numbers')

  const { build } = await import('../playground/app.js')
  const app = await build()
  await app.listen({ host: '127.0.0.1', port: 0 })
  const { port } = app.server.address() as AddressInfo
  const url = `http://127.0.0.1:${port}`

  // Before pinning: afterwards the affinity mask (which availableParallelism reads) is one CPU.
  const cpus = availableParallelism()
  const child = fork(fileURLToPath(import.meta.url), ['--worker'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
  const pinned = cpus >= 2 && pin(process.pid, 0) && pin(child.pid!, 1)
  const gc = (globalThis as { gc?: () => void }).gc

  const loadBefore = loadavg()[0]!
  const rows: string[] = []
  const windows: Array<WindowResult & { rss: number; heap: number | undefined }> = []
  let sent = 0
  const started = performance.now()
  try {
    while (sent < total) {
      const amount = Math.min(windowSize, total - sent)
      const result = await ask(child, { url, amount, connections })
      sent += amount
      let heap: number | undefined
      if (gc !== undefined) {
        gc()
        heap = process.memoryUsage().heapUsed
      }
      const rss = process.memoryUsage().rss
      windows.push({ ...result, rss, heap })
      const unexpected = Object.values(result.unexpected).reduce((a, b) => a + b, 0)
      rows.push(`| ${sent.toLocaleString('en')} | ${result.requests.toLocaleString('en')} | ${Math.round(result.requests / result.seconds).toLocaleString('en')} | ${result.p50} | ${result.p99} | ${result.p999} | ${result.max} | ${unexpected + result.errors + result.timeouts} | ${mb(rss)} |${heap === undefined ? '' : ` ${mb(heap)} |`}`)
      process.stderr.write(`soak: ${sent}/${total} requests, p99 ${result.p99} ms, RSS ${mb(rss)} MB\n`)
    }
    // Still healthy after the load.
    const res = await fetch(`${url}/items/portal-gun`)
    if (res.status !== 200) throw new Error(`GET /items/portal-gun answered ${res.status} after the soak`)
  } finally {
    child.kill()
    await app.close()
  }
  const seconds = (performance.now() - started) / 1000
  const loadAfter = loadavg()[0]!

  const statusCodes: Record<string, number> = {}
  const unexpected: Record<string, number> = {}
  let errors = 0
  let timeouts = 0
  let answered = 0
  for (const w of windows) {
    for (const [k, v] of Object.entries(w.statusCodes)) statusCodes[k] = (statusCodes[k] ?? 0) + v
    for (const [k, v] of Object.entries(w.unexpected)) unexpected[k] = (unexpected[k] ?? 0) + v
    errors += w.errors
    timeouts += w.timeouts
    answered += w.requests
  }
  const unexpectedCount = Object.values(unexpected).reduce((a, b) => a + b, 0)
  const first = windows[0]!
  const last = windows[windows.length - 1]!
  const growth = (last.rss - first.rss) / first.rss
  const failures: string[] = []
  if (unexpectedCount + errors + timeouts > 0) failures.push(`${unexpectedCount} unexpected statuses, ${errors} socket errors, ${timeouts} timeouts`)
  if (answered < total) failures.push(`${total - answered} requests got no answer`)
  if (windows.length > 1 && growth > 0.10) failures.push(`RSS grew ${(growth * 100).toFixed(1)} % (limit 10 %)`)

  const heapColumn = gc !== undefined
  const out = [
    `## Soak: the showcase, ${total.toLocaleString('en')} requests`,
    '',
    `Node ${process.version}, ${connections} connections, windows of ${windowSize.toLocaleString('en')} requests, ` +
      `${pinned ? 'server and load generator pinned to CPUs 0 and 1' : 'not pinned'}, ${seconds.toFixed(0)} s in all ` +
      `(${Math.round(answered / seconds).toLocaleString('en')} requests/s); 1-minute load average ${loadBefore.toFixed(1)} before, ` +
      `${loadAfter.toFixed(1)} after, on ${cpus} CPUs (other work on the machine shows in the latencies).`,
    `Mix per connection pass (${MIX.length} requests): ${MIX.map(e => `${e.method} ${e.path}${e.role === 'delete-created' ? '{created}' : ''} (${e.expect.join('/')})`).join(', ')}.`,
    '',
    `| after | requests | req/s | p50 ms | p99 ms | p99.9 ms | max ms | errors | RSS MB |${heapColumn ? ' heap after GC MB |' : ''}`,
    `| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |${heapColumn ? ' ---: |' : ''}`,
    ...rows,
    '',
    `- Errors: ${unexpectedCount} unexpected statuses${unexpectedCount > 0 ? ` (${JSON.stringify(unexpected)})` : ''}, ${errors} socket errors, ${timeouts} timeouts.`,
    `- Status codes: ${Object.entries(statusCodes).map(([k, v]) => `${k}: ${v.toLocaleString('en')}`).join(', ')}.`,
    `- RSS after the first window: ${mb(first.rss)} MB; at the end: ${mb(last.rss)} MB; growth ${(growth * 100).toFixed(1)} % (limit 10 %).`,
    `- p99 latency per window: ${windows.map(w => w.p99).join(', ')} ms.`,
    '',
    failures.length === 0 ? 'Result: pass.' : `Result: FAIL: ${failures.join('; ')}.`,
    '',
  ].join('\n')
  process.stdout.write(out)
  if (failures.length > 0) process.exitCode = 1
}

if (process.argv.includes('--worker')) worker()
else await main()

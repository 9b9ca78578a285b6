/**
 * Durable delivery under faults: `npm run webhook-faults -- --queue [--webhooks 10000] [--seed N]`.
 *
 * Everything on 127.0.0.1: a redis-server of its own (AOF on, temporary directory), a receiver
 * in this process, 2 producer processes (`queueDispatcher`, half the webhooks each) and 3
 * worker processes (`deliveryWorker`, `timeoutMs: 200`). The receiver answers each attempt at
 * random (seeded): half the time it verifies the signature and accepts the message (204),
 * otherwise it answers 500, resets the connection, or accepts the message and answers only
 * after the worker's timeout (a stall). Once 30 % of the webhooks are accepted one worker is
 * killed with SIGKILL (its jobs go back to the queue when their lock expires); at 60 % Redis is
 * stopped and started again (its AOF brings the queue back).
 *
 * Reported: unique webhook-ids accepted (must equal the webhooks sent), lost (must be 0),
 * duplicates on the wire (messages the receiver got again after accepting them: delivery is at
 * least once), time to drain, deliveries per second per worker. Exits 1 when a property fails
 * or the run does not drain within `--limit` seconds (default 900).
 */
import { fork } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { createServer } from 'node:http'
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { Type } from '@sinclair/typebox'
import { Queue } from 'bullmq'
import { verifyWebhook, webhook } from '../src/index.js'
import { prepareDelivery } from '../src/webhooks/index.js'
import { deliveryWorker, queueDispatcher } from '../src/bullmq/index.js'
import { startRedis } from '../tests/bullmq/redis-server.js'
import { prng } from '../tests/support/webhook-faults.js'

const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'
const INTEGRITY_KEY = 'fault-run-integrity-key-0123456789abcdef'
const QUEUE = 'fault-run'
const TIMEOUT_MS = 1000
const PRODUCERS = 2
const WORKERS = 3
const CONCURRENCY = 16
const RETRY = { attempts: 50, minDelayMs: 20, maxDelayMs: 1000 }

const Event = Type.Object({ n: Type.Integer(), producer: Type.Integer() }, { $id: 'QueueFaultEvent' })
const faultEvent = webhook({ name: 'queue-fault-event', body: Event })

type Message =
  | { type: 'produced'; producer: number; queued: number; retries: number }
  | { type: 'delivered'; worker: number; count: number; first: number; last: number }

// ---------------------------------------------------------------------------------------------
// Child roles
// ---------------------------------------------------------------------------------------------

async function producer (index: number, port: number, url: string, count: number): Promise<void> {
  const dispatcher = queueDispatcher({ connection: { host: '127.0.0.1', port }, queueName: QUEUE, integrityKey: INTEGRITY_KEY })
  let retries = 0
  let queued = 0
  let next = 0
  const one = async (): Promise<void> => {
    while (next < count) {
      const n = next++
      const prepared = await prepareDelivery(faultEvent.codec, url, { n, producer: index }, { allowPrivateNetwork: true, webhookId: `msg_p${index}_${n}` })
      if (!prepared.ok) throw new Error(prepared.outcome.error)
      // As an outbox would: keep the message until the queue has it (enqueueing is idempotent).
      for (;;) {
        const outcome = await dispatcher.dispatch(prepared.job)
        if (outcome.error === 'queued') break
        retries++
        await new Promise(resolve => setTimeout(resolve, 100))
      }
      queued++
    }
  }
  await Promise.all(Array.from({ length: 16 }, one))
  process.send!({ type: 'produced', producer: index, queued, retries } satisfies Message)
  await dispatcher.close()
}

async function worker (index: number, port: number): Promise<void> {
  const running = deliveryWorker({
    connection: { host: '127.0.0.1', port }, queueName: QUEUE, integrityKey: INTEGRITY_KEY,
    secret: () => SECRET, allowPrivateNetwork: true, timeoutMs: TIMEOUT_MS, concurrency: CONCURRENCY, retry: RETRY,
  })
  let count = 0
  let first = 0
  let last = 0
  running.worker.on('completed', () => {
    const now = Date.now()
    if (count === 0) first = now
    last = now
    count++
  })
  const report = (): void => { process.send!({ type: 'delivered', worker: index, count, first, last } satisfies Message) }
  const timer = setInterval(report, 200)
  process.on('message', (m: string) => {
    if (m !== 'stop') return
    clearInterval(timer)
    void running.close().then(() => { report(); process.disconnect() })
  })
}

// ---------------------------------------------------------------------------------------------
// The receiver
// ---------------------------------------------------------------------------------------------

type Behaviour = 'ok' | 'fail' | 'reset' | 'stall'

function startReceiver (random: () => number): Promise<{ url: string; accepted: Set<string>; duplicates: () => number; badSignatures: () => number; behaviours: Record<Behaviour, number>; close: () => Promise<void> }> {
  const accepted = new Set<string>()
  const behaviours: Record<Behaviour, number> = { ok: 0, fail: 0, reset: 0, stall: 0 }
  const state = { duplicates: 0, badSignatures: 0 }
  const timers = new Set<NodeJS.Timeout>()
  const handle = (req: IncomingMessage, res: ServerResponse, body: Buffer): void => {
    const r = random()
    const behaviour: Behaviour = r < 0.5 ? 'ok' : r < 0.75 ? 'fail' : r < 0.875 ? 'reset' : 'stall'
    behaviours[behaviour]++
    if (behaviour === 'reset') { req.socket.destroy(); return }
    if (behaviour === 'fail') { res.writeHead(500).end(); return }
    verifyWebhook(faultEvent, body, req.headers, SECRET).then(() => {
      const id = String(req.headers['webhook-id'])
      if (accepted.has(id)) state.duplicates++
      else accepted.add(id)
      if (behaviour === 'ok') { res.writeHead(204).end(); return }
      const timer = setTimeout(() => { timers.delete(timer); if (!res.destroyed) res.writeHead(204).end() }, TIMEOUT_MS + 100)
      timers.add(timer)
    }, () => {
      state.badSignatures++
      res.writeHead(401).end()
    })
  }
  const server = createServer((req, res) => {
    res.on('error', () => {})
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('error', () => {})
    req.on('end', () => handle(req, res, Buffer.concat(chunks)))
  })
  server.on('clientError', (_err, socket) => { socket.destroy() })
  return new Promise(resolve => server.listen(0, '127.0.0.1', () => {
    const { port } = server.address() as AddressInfo
    resolve({
      url: `http://127.0.0.1:${port}/hooks`,
      accepted,
      behaviours,
      duplicates: () => state.duplicates,
      badSignatures: () => state.badSignatures,
      close: () => new Promise<void>(done => {
        for (const timer of timers) clearTimeout(timer)
        server.closeAllConnections()
        server.close(() => done())
      }),
    })
  }))
}

// ---------------------------------------------------------------------------------------------
// The coordinator
// ---------------------------------------------------------------------------------------------

function spawnRole (args: string[]): ChildProcess {
  return fork(fileURLToPath(import.meta.url), args, { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
}

export async function runQueueFaults (options: { webhooks: number; seed: number; limitS: number }): Promise<{ text: string; ok: boolean }> {
  const { webhooks, seed, limitS } = options
  const redis = await startRedis({ appendOnly: true })
  const receiver = await startReceiver(prng(seed))
  const started = Date.now()
  const produced: Array<Extract<Message, { type: 'produced' }>> = []
  const delivered = new Map<number, Extract<Message, { type: 'delivered' }>>()
  const events: string[] = []
  const at = (): string => `${((Date.now() - started) / 1000).toFixed(1)} s`

  const workers = Array.from({ length: WORKERS }, (_, i) => {
    const child = spawnRole(['--role', 'worker', '--index', String(i), '--port', String(redis.port)])
    child.on('message', (m: Message) => { if (m.type === 'delivered') delivered.set(m.worker, m) })
    return child
  })
  const producers = Array.from({ length: PRODUCERS }, (_, i) => {
    const share = Math.floor(webhooks / PRODUCERS) + (i < webhooks % PRODUCERS ? 1 : 0)
    const child = spawnRole(['--role', 'producer', '--index', String(i), '--port', String(redis.port), '--url', receiver.url, '--count', String(share)])
    child.on('message', (m: Message) => { if (m.type === 'produced') { produced.push(m); events.push(`${at()}: producer ${i} stored its ${m.queued} webhooks (${m.retries} re-dispatches)`) } })
    return child
  })

  const counts = new Queue(QUEUE, { connection: { host: '127.0.0.1', port: redis.port } })
  counts.on('error', () => {})
  let killed = false
  let restarted = false
  let drainedAt: number | undefined
  const deadline = started + limitS * 1000
  while (Date.now() < deadline) {
    await new Promise(resolve => setTimeout(resolve, 100))
    const accepted = receiver.accepted.size
    if (!killed && accepted >= webhooks * 0.3) {
      killed = true
      workers[2]!.kill('SIGKILL')
      events.push(`${at()}: worker 2 killed with SIGKILL (${accepted} accepted)`)
    }
    if (killed && !restarted && accepted >= webhooks * 0.6) {
      restarted = true
      events.push(`${at()}: Redis stopped (${accepted} accepted)`)
      await redis.restart()
      events.push(`${at()}: Redis started again from its AOF`)
    }
    if (restarted && produced.length === PRODUCERS && accepted >= webhooks) {
      const c = await counts.getJobCounts('wait', 'active', 'delayed', 'prioritized', 'failed').catch(() => undefined)
      if (c !== undefined && c.wait + c.active + c.delayed + c.prioritized === 0) {
        drainedAt = Date.now()
        break
      }
    }
  }
  const final = await counts.getJobCounts('completed', 'failed', 'wait', 'active', 'delayed').catch(() => undefined)
  for (const child of workers.slice(0, 2)) child.send('stop')
  await Promise.all(workers.slice(0, 2).map(child => new Promise(resolve => { child.once('exit', resolve); setTimeout(() => { child.kill('SIGKILL') }, 20_000) })))
  for (const child of producers) if (child.exitCode === null) child.kill('SIGKILL')
  await counts.close()
  await receiver.close()
  await redis.stop()

  const expected = new Set<string>()
  for (let p = 0; p < PRODUCERS; p++) {
    const share = Math.floor(webhooks / PRODUCERS) + (p < webhooks % PRODUCERS ? 1 : 0)
    for (let n = 0; n < share; n++) expected.add(`msg_p${p}_${n}`)
  }
  const lost = [...expected].filter(id => !receiver.accepted.has(id)).length
  const strangers = [...receiver.accepted].filter(id => !expected.has(id)).length
  const violations: string[] = []
  if (drainedAt === undefined) violations.push(`not drained within ${limitS} s`)
  if (receiver.accepted.size !== webhooks || strangers > 0) violations.push(`${receiver.accepted.size} unique ids accepted (${strangers} unknown), ${webhooks} sent`)
  if (lost > 0) violations.push(`${lost} lost`)
  if (receiver.badSignatures() > 0) violations.push(`${receiver.badSignatures()} bad signatures`)
  if ((final?.failed ?? 0) > 0) violations.push(`${final?.failed} jobs failed`)
  const drainS = ((drainedAt ?? Date.now()) - started) / 1000
  const perWorker = [...delivered.values()].sort((a, b) => a.worker - b.worker).map(w => {
    const seconds = Math.max(0.001, (w.last - w.first) / 1000)
    return `worker ${w.worker}${w.worker === 2 ? ' (killed)' : ''}: ${w.count} jobs in ${seconds.toFixed(1)} s, ${(w.count / seconds).toFixed(0)}/s`
  })
  const rows: Array<[string, string | number]> = [
    ['webhooks sent (2 producers)', webhooks],
    ['unique webhook-ids accepted by the receiver', receiver.accepted.size],
    ['lost', lost],
    ['duplicates on the wire (accepted again; at least once)', receiver.duplicates()],
    ['bad signatures', receiver.badSignatures()],
    ['jobs completed / failed at the end', final === undefined ? 'unknown' : `${final.completed} / ${final.failed}`],
    ['receiver behaviour per attempt', Object.entries(receiver.behaviours).map(([k, v]) => `${k}: ${v}`).join(', ')],
    ['time to drain', `${drainS.toFixed(1)} s`],
    ['deliveries per second per worker (first to last completion)', perWorker.join('; ')],
  ]
  const text = [
    `## Durable delivery under faults (seed ${seed})`,
    '',
    `Receiver: 50 % accepted (204), 25 % HTTP 500, 12.5 % connection reset, 12.5 % accepted but answered after the ${TIMEOUT_MS} ms timeout.`,
    `Workers: ${WORKERS} processes, \`concurrency: ${CONCURRENCY}\`, \`timeoutMs: ${TIMEOUT_MS}\`, \`retry: ${JSON.stringify(RETRY)}\`. Producers: ${PRODUCERS} processes. Redis with \`appendonly yes\`.`,
    '',
    ...events.map(e => `- ${e}`),
    '',
    '| | |',
    '| --- | --- |',
    ...rows.map(([k, v]) => `| ${k} | ${v} |`),
    '',
    violations.length === 0 ? 'All properties hold.' : `VIOLATIONS: ${violations.join('; ')}`,
    '',
  ].join('\n')
  return { text, ok: violations.length === 0 }
}

// Child processes run their role and stay until told to stop (workers) or done (producers).
const { values } = parseArgs({
  strict: false,
  options: { role: { type: 'string' }, index: { type: 'string' }, port: { type: 'string' }, url: { type: 'string' }, count: { type: 'string' } },
})
if (values.role === 'producer') await producer(Number(values.index), Number(values.port), String(values.url), Number(values.count))
if (values.role === 'worker') await worker(Number(values.index), Number(values.port))

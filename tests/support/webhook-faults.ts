/**
 * Webhook delivery under faults: the harness shared by tests/hostile/webhook-faults.test.ts and
 * `npm run webhook-faults` (bench/webhook-faults.ts).
 *
 * A receiver on 127.0.0.1 answers each attempt, at random (seeded): half the time it behaves,
 * otherwise it fails with a 500, drops the connection (destroys the socket), or accepts the
 * message and answers only after the sender's timeout. The sender is a `webhook()`'s
 * `.send()` with `timeoutMs: 200` and 5 attempts. The receiver verifies every signature with
 * `verifyWebhook` and dedupes by `webhook-id`: a message is processed at most once, and a
 * retry of a processed message is acknowledged (200) without processing it again.
 *
 * The report accounts for every send:
 * - delivered: `ok` outcomes; each one's id was processed exactly once by the receiver;
 * - failed: outcomes with `ok: false`, with their attempts (all 5) and last error or status;
 * - accepted but reported failed: the receiver processed the message on a slow attempt whose
 *   answer came after the sender's timeout, and every later attempt failed too. The sender
 *   cannot tell "not received" from "received, answer lost": such messages are reported
 *   failed, and a later redelivery with the same id is deduped by the receiver. They are
 *   counted, not lost: the sender says "failed", the receiver has it once.
 * - lost silently: a send with no outcome, or an id the receiver processed whose outcome is
 *   failed without any slow (late-answered) attempt. Must be 0.
 * Plus: unhandled rejections (must be 0), bad signatures seen by the receiver (must be 0),
 * processed-twice ids (must be 0).
 */
import { createServer } from 'node:http'
import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Type } from '@sinclair/typebox'
import { verifyWebhook, webhook } from '../../src/index.js'
import type { SendOutcome } from '../../src/index.js'

export const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'
export const TIMEOUT_MS = 200

const Event = Type.Object({ n: Type.Integer(), note: Type.String() }, { $id: 'FaultEvent' })
const faultEvent = webhook({ name: 'fault-event', body: Event })

type Behaviour = 'ok' | 'fail' | 'drop' | 'slow'

export interface FaultOptions {
  sends: number
  concurrency: number
  seed: number
}

export interface FaultReport {
  seed: number
  sends: number
  durationMs: number
  outcomes: number
  delivered: number
  failed: number
  failedAttempts: Record<string, number>
  failedErrors: Record<string, number>
  /** The receiver processed it (on a slow attempt), the sender reported it failed. */
  acceptedButReportedFailed: number
  /** … processed on a deliberately slow attempt. */
  acceptedOnSlowAttempt: number
  /** … processed on a normal attempt whose 2xx found the connection already closed by the sender's timeout. */
  acceptedAnswerLost: number
  /** … neither: the 2xx was written but reached the sender after its timeout fired. */
  acceptedUnexplained: number
  /** Ok outcomes whose id the receiver never processed; must be 0. */
  deliveredNotProcessed: number
  /** Sends without an outcome, plus ok outcomes the receiver never processed; must be 0. */
  lostSilently: number
  processedTwice: number
  badSignatures: number
  unhandledRejections: number
  attemptsBySender: number
  attemptsSeenByReceiver: number
  behaviours: Record<Behaviour, number>
  retriesAcknowledgedAsDuplicates: number
  /** Properties that failed (empty when all hold). */
  violations: string[]
}

/** mulberry32: a small seeded PRNG, so that a run can be replayed. */
export function prng (seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let x = a
    x = Math.imul(x ^ (x >>> 15), x | 1)
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61)
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296
  }
}

interface Receiver {
  url: string
  /** webhook-id → the event (`n`) it carried, once processed. */
  processed: Map<string, number>
  /** event `n` → how many times it was processed. */
  events: Map<number, number>
  /** Processed on an attempt answered after the sender's timeout (deliberately). */
  slowAccepted: Set<string>
  /** Processed, but the connection closed before the 2xx was written. */
  answerLost: Set<string>
  seen: Map<string, number>
  behaviours: Record<Behaviour, number>
  duplicates: number
  badSignatures: number
  close (): Promise<void>
}

async function startReceiver (random: () => number): Promise<Receiver> {
  const processed = new Map<string, number>()
  const events = new Map<number, number>()
  const slowAccepted = new Set<string>()
  const answerLost = new Set<string>()
  const seen = new Map<string, number>()
  const behaviours: Record<Behaviour, number> = { ok: 0, fail: 0, drop: 0, slow: 0 }
  const state = { duplicates: 0, badSignatures: 0 }
  const pending = new Set<NodeJS.Timeout>()

  const handle = (req: IncomingMessage, res: ServerResponse, body: Buffer): void => {
    const id = String(req.headers['webhook-id'])
    seen.set(id, (seen.get(id) ?? 0) + 1)
    const r = random()
    const behaviour: Behaviour = r < 0.5 ? 'ok' : r < 0.75 ? 'fail' : r < 0.875 ? 'drop' : 'slow'
    behaviours[behaviour]++
    if (behaviour === 'drop') { req.socket.destroy(); return }
    if (behaviour === 'fail') { res.writeHead(500).end('{"detail":"Internal Server Error"}'); return }
    // ok and slow: verify, then process once (dedupe by webhook-id).
    verifyWebhook(faultEvent, body, req.headers, SECRET).then(event => {
      let status = 204
      if (processed.has(id)) {
        state.duplicates++
        status = 200 // acknowledged, not processed again
      } else {
        processed.set(id, event.n)
        // Processing, keyed by the event itself: a sender that changed the webhook-id between
        // retries would get the same event processed twice, whatever the receiver's dedupe.
        events.set(event.n, (events.get(event.n) ?? 0) + 1)
        if (behaviour === 'slow') slowAccepted.add(id)
      }
      // The sender may have given up (timeout) before the answer: the 2xx never reaches it.
      if (status === 204) res.on('close', () => { if (!res.writableFinished) answerLost.add(id) })
      const answer = (): void => {
        if (!res.destroyed) res.writeHead(status).end()
      }
      if (behaviour === 'slow') {
        const timer = setTimeout(() => { pending.delete(timer); answer() }, TIMEOUT_MS + 100)
        pending.add(timer)
      } else {
        answer()
      }
    }, () => {
      state.badSignatures++
      res.writeHead(401).end()
    })
  }

  const server: Server = createServer((req, res) => {
    res.on('error', () => {})
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('error', () => {})
    req.on('end', () => handle(req, res, Buffer.concat(chunks)))
  })
  server.on('clientError', (_err, socket) => { socket.destroy() })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    processed,
    events,
    slowAccepted,
    answerLost,
    seen,
    behaviours,
    get duplicates () { return state.duplicates },
    get badSignatures () { return state.badSignatures },
    close: () => new Promise<void>(resolve => {
      for (const timer of pending) clearTimeout(timer)
      server.closeAllConnections()
      server.close(() => resolve())
    }),
  }
}

function bump (record: Record<string, number>, key: string): void {
  record[key] = (record[key] ?? 0) + 1
}

/** Runs the sends against a faulty receiver and accounts for every one of them. */
export async function runWebhookFaults (options: FaultOptions): Promise<FaultReport> {
  const { sends, concurrency, seed } = options
  let unhandled = 0
  const onUnhandled = (): void => { unhandled++ }
  process.on('unhandledRejection', onUnhandled)
  const receiver = await startReceiver(prng(seed))
  const started = performance.now()
  const outcomes: Array<SendOutcome | undefined> = new Array(sends).fill(undefined)
  let rejected = 0
  try {
    let next = 0
    const worker = async (): Promise<void> => {
      while (next < sends) {
        const n = next++
        try {
          outcomes[n] = await faultEvent.send(receiver.url, { n, note: `event ${n}` }, {
            secret: SECRET,
            allowPrivateNetwork: true,
            timeoutMs: TIMEOUT_MS,
            retry: { attempts: 5, minDelayMs: 5, maxDelayMs: 50 },
          })
        } catch {
          rejected++ // send() must never reject
        }
      }
    }
    await Promise.all(Array.from({ length: Math.min(concurrency, sends) }, worker))
  } finally {
    // Let late (slow) answers and their socket errors play out before counting.
    await new Promise(resolve => setTimeout(resolve, TIMEOUT_MS + 150))
    await receiver.close()
    process.off('unhandledRejection', onUnhandled)
  }
  const durationMs = Math.round(performance.now() - started)

  const got = outcomes.filter((o): o is SendOutcome => o !== undefined)
  const delivered = got.filter(o => o.ok)
  const failed = got.filter(o => !o.ok)
  const failedAttempts: Record<string, number> = {}
  const failedErrors: Record<string, number> = {}
  for (const o of failed) {
    bump(failedAttempts, String(o.attempts))
    bump(failedErrors, o.error ?? `HTTP ${o.status}`)
  }
  const deliveredNotProcessed = delivered.filter(o => !receiver.processed.has(o.webhookId)).length
  const acceptedButFailed = failed.filter(o => receiver.processed.has(o.webhookId))
  const explained = (id: string): boolean => receiver.slowAccepted.has(id) || receiver.answerLost.has(id)
  const acceptedButReportedFailed = acceptedButFailed.length
  const acceptedOnSlowAttempt = acceptedButFailed.filter(o => receiver.slowAccepted.has(o.webhookId)).length
  const acceptedAnswerLost = acceptedButFailed.filter(o => !receiver.slowAccepted.has(o.webhookId) && receiver.answerLost.has(o.webhookId)).length
  const acceptedUnexplained = acceptedButFailed.filter(o => !explained(o.webhookId)).length
  // Silent: no outcome at all, or "delivered" when the receiver never got it.
  const lostSilently = (sends - got.length) + deliveredNotProcessed
  const processedTwice = [...receiver.events.values()].filter(c => c > 1).length
  const attemptsBySender = got.reduce((sum, o) => sum + o.attempts, 0)
  const attemptsSeenByReceiver = [...receiver.seen.values()].reduce((a, b) => a + b, 0)
  const ids = new Set(got.map(o => o.webhookId))

  const violations: string[] = []
  if (rejected > 0) violations.push(`${rejected} send() calls rejected`)
  if (got.length !== sends) violations.push(`${sends - got.length} sends have no outcome`)
  if (ids.size !== got.length) violations.push('two sends shared a webhook-id')
  if (deliveredNotProcessed > 0) violations.push(`${deliveredNotProcessed} ok outcomes the receiver never processed`)
  if (lostSilently > 0) violations.push(`${lostSilently} messages lost silently`)
  if (acceptedButFailed.some(o => o.attempts !== 5)) violations.push('an accepted message reported failed early')
  if (processedTwice > 0) violations.push(`${processedTwice} messages processed twice`)
  if (receiver.badSignatures > 0) violations.push(`${receiver.badSignatures} bad signatures`)
  if (unhandled > 0) violations.push(`${unhandled} unhandled rejections`)
  if (failed.some(o => o.attempts !== 5)) violations.push('a failed send stopped before its 5 attempts')
  if (delivered.some(o => o.attempts < 1 || o.attempts > 5)) violations.push('an ok send has an attempt count outside 1..5')
  if ([...receiver.processed.keys()].some(id => !ids.has(id))) violations.push('the receiver processed an id nobody sent')
  if (got.some(o => receiver.processed.has(o.webhookId) && receiver.processed.get(o.webhookId) !== outcomes.indexOf(o))) violations.push('an id carried another send\'s event')
  if (attemptsSeenByReceiver > attemptsBySender) violations.push('the receiver saw more attempts than were made')

  return {
    seed,
    sends,
    durationMs,
    outcomes: got.length,
    delivered: delivered.length,
    failed: failed.length,
    failedAttempts,
    failedErrors,
    acceptedButReportedFailed,
    acceptedOnSlowAttempt,
    acceptedAnswerLost,
    acceptedUnexplained,
    deliveredNotProcessed,
    lostSilently,
    processedTwice,
    badSignatures: receiver.badSignatures,
    unhandledRejections: unhandled,
    attemptsBySender,
    attemptsSeenByReceiver,
    behaviours: receiver.behaviours,
    retriesAcknowledgedAsDuplicates: receiver.duplicates,
    violations,
  }
}

/** The report as markdown. */
export function formatReport (r: FaultReport): string {
  const rows: Array<[string, string | number]> = [
    ['sends', r.sends],
    ['outcomes (every send resolved)', r.outcomes],
    ['delivered (`ok`, processed once by the receiver)', r.delivered],
    ['reported failed (after 5 attempts)', r.failed],
    ['… last error / status of those', Object.entries(r.failedErrors).map(([k, v]) => `${k}: ${v}`).join(', ') || '—'],
    ['… of which the receiver has (processed once; the sender never saw its 2xx)', r.acceptedButReportedFailed],
    ['…… processed on a deliberately slow attempt', r.acceptedOnSlowAttempt],
    ['…… 2xx found the connection closed by the sender\'s timeout', r.acceptedAnswerLost],
    ['…… 2xx written, but after the sender\'s timeout had fired', r.acceptedUnexplained],
    ['ok outcomes never processed', r.deliveredNotProcessed],
    ['lost silently', r.lostSilently],
    ['processed twice', r.processedTwice],
    ['retries acknowledged as duplicates (deduped by webhook-id)', r.retriesAcknowledgedAsDuplicates],
    ['bad signatures', r.badSignatures],
    ['unhandled rejections', r.unhandledRejections],
    ['attempts made / seen by the receiver', `${r.attemptsBySender} / ${r.attemptsSeenByReceiver}`],
    ['receiver behaviour per attempt', Object.entries(r.behaviours).map(([k, v]) => `${k}: ${v}`).join(', ')],
    ['duration', `${(r.durationMs / 1000).toFixed(1)} s`],
  ]
  return [
    `## Webhook delivery under faults (seed ${r.seed})`,
    '',
    `Receiver: 50 % ok, 25 % HTTP 500, 12.5 % dropped connection, 12.5 % accepted but answered after the ${TIMEOUT_MS} ms timeout.`,
    `Sender: \`timeoutMs: ${TIMEOUT_MS}\`, \`retry: { attempts: 5, minDelayMs: 5, maxDelayMs: 50 }\`.`,
    '',
    '| | |',
    '| --- | --- |',
    ...rows.map(([k, v]) => `| ${k} | ${v} |`),
    '',
    r.violations.length === 0 ? 'All properties hold.' : `VIOLATIONS: ${r.violations.join('; ')}`,
    '',
  ].join('\n')
}

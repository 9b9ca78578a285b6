/**
 * One attempt of a delivery: a signed request with a timeout, its answer or its failure.
 */
import { Agent as HttpAgent, request as httpRequest } from 'node:http'
import type { IncomingMessage } from 'node:http'
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https'
import type { Duplex } from 'node:stream'
import type { DeliveryJob, WebhookRequest, WebhookTransport } from './job.js'
import { signWithKeys } from './sign.js'
import { isStatus } from '../common/http.js'
import { publicOnlyLookup, TargetRefusedError } from './ssrf.js'
import type { ResolveAll } from './ssrf.js'


export type Attempt = { status: number; retryAfter: string | undefined } | { error: string; retryable: boolean }

// Keep-alive pools, one per guard setting: a socket opened without the guard (to a private
// address) must never be reused by a guarded send to the same host name.
const agents = {
  guarded: { http: new HttpAgent({ keepAlive: true }), https: new HttpsAgent({ keepAlive: true }) },
  open: { http: new HttpAgent({ keepAlive: true }), https: new HttpsAgent({ keepAlive: true }) },
}

function classify (err: unknown): Attempt {
  // A transport is user code: it may reject with anything (null, a Proxy, a throwing getter).
  try {
    if (err instanceof TargetRefusedError) return { error: err.detail, retryable: false }
    const code: unknown = (err as NodeJS.ErrnoException | null | undefined)?.code ?? (err as Error | null | undefined)?.message
    if (typeof code === 'string' || typeof code === 'number') return { error: `network error: ${code}`, retryable: true }
  } catch {}
  return { error: 'network error: the transport failed without a code or message', retryable: true }
}

export interface AttemptInput {
  url: URL
  job: DeliveryJob
  body: Buffer
  keys: Buffer[]
  timeoutMs: number
  guarded: boolean
  resolve: ResolveAll | undefined
  signal: AbortSignal | undefined
  transport: WebhookTransport | undefined
}

function signedHeaders (job: DeliveryJob, body: Buffer, keys: Buffer[]): Record<string, string> {
  // Signed per attempt: the timestamp must be fresh or the receiver's tolerance rejects it.
  const timestamp = Math.floor(Date.now() / 1000)
  return {
    'user-agent': 'routecraft-webhooks',
    ...job.headers,
    'content-type': 'application/json',
    'content-length': String(body.length),
    'webhook-id': job.webhookId,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': signWithKeys(keys, job.webhookId, timestamp, body),
  }
}

/** What a transport answered, as an attempt: `{ status }` with an integer status 100–599. */
function transportAnswer (answer: unknown): Attempt {
  try {
    const { status, headers } = answer as { status: unknown; headers?: Record<string, unknown> }
    if (!isStatus(status)) return { error: 'invalid transport answer', retryable: false }
    const retryAfter: unknown = headers?.['retry-after']
    return { status, retryAfter: typeof retryAfter === 'string' ? retryAfter : undefined }
  } catch {
    return { error: 'invalid transport answer', retryable: false }
  }
}

/**
 * One attempt through a transport, with the deadline and the abort of an HTTP attempt: the
 * first of the transport's answer, the timer and the abort settles it.
 */
function transportAttempt (transport: WebhookTransport, request: WebhookRequest, timeoutMs: number, signal: AbortSignal | undefined): Promise<Attempt> {
  return new Promise<Attempt>(resolve => {
    let settled = false
    const finish = (result: Attempt): void => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      signal?.removeEventListener('abort', onAbort)
      resolve(result)
    }
    const onAbort = (): void => finish({ error: 'aborted', retryable: false })
    const timer = setTimeout(() => finish({ error: 'timeout', retryable: true }), timeoutMs)
    signal?.addEventListener('abort', onAbort, { once: true })
    let answer: Promise<unknown>
    try {
      answer = Promise.resolve(transport(request))
    } catch (err) {
      finish(classify(err))
      return
    }
    answer.then(value => finish(transportAnswer(value)), (err: unknown) => finish(classify(err)))
  })
}

/**
 * One request. It settles through `finish` alone, and its deadline and the abort call
 * `finish` themselves before they destroy the request: Node emits neither `error` nor
 * `response` for some answers (a `101 Switching Protocols` it closes on its own, say), and
 * destroying an already destroyed request emits nothing, so an attempt that waited for an
 * event could wait forever.
 */
export function attempt (input: AttemptInput): Promise<Attempt> {
  const { url, job, body, keys, timeoutMs, guarded, signal } = input
  const headers = signedHeaders(job, body, keys)
  if (input.transport !== undefined) return transportAttempt(input.transport, { url, method: job.method, headers, body }, timeoutMs, signal)
  return new Promise<Attempt>(resolve => {
    let settled = false
    const finish = (result: Attempt): void => {
      if (settled) return
      settled = true
      signal?.removeEventListener('abort', onAbort)
      resolve(result)
    }
    const pool = guarded ? agents.guarded : agents.open
    const https = url.protocol === 'https:'
    const options = {
      method: job.method,
      headers,
      agent: https ? pool.https : pool.http,
      // Host names only: node never calls lookup for a literal IP, which refuseUrl has vetted.
      ...(guarded ? { lookup: publicOnlyLookup(input.resolve) } : {}),
    }
    const req = https ? httpsRequest(url, options) : httpRequest(url, options)
    // The deadline bounds the whole exchange: the answer's headers settle the attempt, and a
    // body that never ends is cut off here too, so its socket does not stay open.
    const timer = setTimeout(() => {
      finish({ error: 'timeout', retryable: true })
      req.destroy()
    }, timeoutMs)
    const onAbort = (): void => {
      finish({ error: 'aborted', retryable: false })
      req.destroy()
    }
    signal?.addEventListener('abort', onAbort, { once: true })
    req.on('error', err => {
      clearTimeout(timer)
      finish(classify(err))
    })
    // A receiver that switches protocols has not taken the webhook: 101 is its last status,
    // not a success, and the socket it hands over is closed.
    req.on('upgrade', (res: IncomingMessage, socket: Duplex) => {
      clearTimeout(timer)
      finish({ status: res.statusCode!, retryAfter: undefined })
      socket.destroy()
    })
    req.on('close', () => {
      // Only reached when Node closed the request without an answer or an error.
      finish({ error: 'network error: the connection closed without an answer', retryable: true })
    })
    req.on('response', (res: IncomingMessage) => {
      const retryAfter = res.headers['retry-after']
      finish({ status: res.statusCode!, retryAfter })
      // Drain so the socket goes back to the pool; the timer still bounds a body that never ends.
      res.on('error', () => {})
      res.on('close', () => clearTimeout(timer))
      res.resume()
    })
    req.end(body)
  })
}

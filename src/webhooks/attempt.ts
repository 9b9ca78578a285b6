/**
 * One attempt of a delivery: a signed request with a timeout, its answer or its failure.
 */
import { Agent as HttpAgent, request as httpRequest } from 'node:http'
import type { IncomingMessage } from 'node:http'
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https'
import type { DeliveryJob, WebhookRequest, WebhookTransport } from './job.js'
import { signWithKeys } from './sign.js'
import { publicOnlyLookup, TargetRefusedError } from './ssrf.js'
import type { ResolveAll } from './ssrf.js'


export type Attempt = { status: number; retryAfter: string | undefined } | { error: string; retryable: boolean }

// Keep-alive pools, one per guard setting: a socket opened without the guard (to a private
// address) must never be reused by a guarded send to the same host name.
const agents = {
  guarded: { http: new HttpAgent({ keepAlive: true }), https: new HttpsAgent({ keepAlive: true }) },
  open: { http: new HttpAgent({ keepAlive: true }), https: new HttpsAgent({ keepAlive: true }) },
}

class AttemptTimeout extends Error {}
class AttemptAborted extends Error {}

function classify (err: unknown): Attempt {
  if (err instanceof AttemptTimeout) return { error: 'timeout', retryable: true }
  if (err instanceof AttemptAborted) return { error: 'aborted', retryable: false }
  if (err instanceof TargetRefusedError) return { error: `refused target: ${err.detail}`, retryable: false }
  const code = (err as NodeJS.ErrnoException).code
  return { error: `network error: ${code ?? (err as Error).message}`, retryable: true }
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

async function transportAttempt (transport: WebhookTransport, request: WebhookRequest): Promise<Attempt> {
  try {
    const { status, headers } = await transport(request)
    return { status, retryAfter: headers?.['retry-after'] }
  } catch (err) {
    return classify(err)
  }
}

export function attempt (input: AttemptInput): Promise<Attempt> {
  const { url, job, body, keys, timeoutMs, guarded, signal } = input
  const headers = signedHeaders(job, body, keys)
  if (input.transport !== undefined) return transportAttempt(input.transport, { url, method: job.method, headers, body })
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
    const timer = setTimeout(() => req.destroy(new AttemptTimeout()), timeoutMs)
    const onAbort = (): void => { req.destroy(new AttemptAborted()) }
    signal?.addEventListener('abort', onAbort, { once: true })
    req.on('error', err => {
      clearTimeout(timer)
      finish(classify(err))
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

// Shared by the webhook tests (not a test file itself: tap only runs *.test.ts).
import { createServer } from 'node:http'
import type { IncomingHttpHeaders, Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Static, TSchema } from '@sinclair/typebox'
import { Type } from '@sinclair/typebox'
import { Value } from '@sinclair/typebox/value'
import type { WebhookCodec } from '../../src/webhooks/codec.js'

export const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'
export const OLD_SECRET = 'whsec_c2VjcmV0LW9mLXRoZS1vbGQtZGF5cw=='
export const OTHER_SECRET = 'whsec_b3RoZXItc2VjcmV0LWtleS0xMjM0NTY3OA=='

/** The codec webhook() builds, approximated with TypeBox: clean, check, FastAPI-shaped errors. */
export function typeboxCodec<S extends TSchema> (name: string, schema: S): WebhookCodec<Static<S>> {
  return {
    name,
    validate (value) {
      const cleaned: unknown = Value.Clean(schema, Value.Clone(value))
      if (Value.Check(schema, cleaned)) return { ok: true, value: cleaned }
      return {
        ok: false,
        errors: [...Value.Errors(schema, cleaned)].map(e => ({
          type: String(e.type),
          loc: e.path.split('/').slice(1).map(p => /^\d+$/.test(p) ? Number(p) : p),
          msg: e.message,
          input: e.value,
        })),
      }
    },
    serialize: value => JSON.stringify(value),
  }
}

export const Subscription = Type.Object({
  username: Type.String(),
  monthly_fee: Type.Number(),
  start_date: Type.String(),
}, { $id: 'Subscription' })

export const subscriptionCodec = typeboxCodec('new-subscription', Subscription)
export const subscriptionHook = { codec: subscriptionCodec }
export const subscription = { username: 'rick', monthly_fee: 9.99, start_date: '2024-01-01T00:00:00Z' }

export interface Received { method: string; url: string; headers: IncomingHttpHeaders; body: Buffer }
export interface Answer { status: number; headers?: Record<string, string>; hang?: boolean; body?: string }

export interface Receiver {
  url: string
  port: number
  requests: Received[]
  close (): Promise<void>
}

/** A node:http receiver on 127.0.0.1; `answer` decides each response from the request number (0-based). */
export async function receiver (answer: (req: Received, index: number) => Answer | Promise<Answer> = () => ({ status: 204 })): Promise<Receiver> {
  const requests: Received[] = []
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const received = { method: req.method!, url: req.url!, headers: req.headers, body: Buffer.concat(chunks) }
      const index = requests.push(received) - 1
      void Promise.resolve(answer(received, index)).then(a => {
        if (a.hang === true) return
        res.writeHead(a.status, a.headers)
        res.end(a.body)
      })
    })
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    port,
    requests,
    close: () => new Promise<void>(resolve => {
      server.closeAllConnections()
      server.close(() => resolve())
    }),
  }
}

/** Counts unhandled rejections from the moment it is called. */
export function trackUnhandledRejections (): { count: () => number } {
  let count = 0
  process.on('unhandledRejection', () => { count++ })
  return { count: () => count }
}

export const noSleep = async (): Promise<void> => {}

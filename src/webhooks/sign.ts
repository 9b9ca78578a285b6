/**
 * Standard Webhooks signatures (https://www.standardwebhooks.com/), as pure functions.
 *
 * `v1,<base64 HMAC-SHA256(key, "<id>.<timestamp>.<body>")>`, secrets written `whsec_<base64>`.
 *
 * Why node:crypto rather than the `standardwebhooks` package (which the tests use as the
 * reference implementation, in both directions): the package turns a `Buffer` body into a
 * string before signing, so two bodies that differ only in invalid UTF-8 bytes get the same
 * signature (a receiver must authenticate the raw bytes); it has one secret per instance, a
 * fixed 300 s tolerance read from the real clock, and `JSON.parse` without prototype-poisoning
 * protection. (Its pure-JavaScript HMAC is also about 2–3 times slower than node:crypto's,
 * though next to an HTTP request that hardly matters.)
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto'
import { routecraftError } from '../errors.js'

/**
 * One secret, or several during a rotation (the sender signs with each, the receiver accepts
 * any). Each is `whsec_<base64>` or the bare base64.
 *
 * @example
 * ```ts
 * const secret: WebhookSecret = [process.env.OLD_WEBHOOK_SECRET!, process.env.NEW_WEBHOOK_SECRET!]
 * ```
 */
export type WebhookSecret = string | readonly string[]

const prefix = 'whsec_'
const base64Shape = /^[A-Za-z0-9+/]+={0,2}$/

/**
 * Decodes one secret to its key bytes. Throws `RC_ERR_WEBHOOK_SECRET` for anything that is not
 * canonical base64 of at least one byte (so two spellings never name the same key); the
 * message never repeats the secret.
 *
 * @example
 * ```ts
 * decodeSecret('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw').length // 24
 * ```
 */
export function decodeSecret (secret: string): Buffer {
  if (typeof secret !== 'string') {
    throw routecraftError('RC_ERR_WEBHOOK_SECRET', 'type', { type: typeof secret })
  }
  const encoded = secret.startsWith(prefix) ? secret.slice(prefix.length) : secret
  const key = base64Shape.test(encoded) ? Buffer.from(encoded, 'base64') : undefined
  if (key === undefined || key.length === 0 || key.toString('base64').replace(/=+$/, '') !== encoded.replace(/=+$/, '')) {
    throw routecraftError('RC_ERR_WEBHOOK_SECRET', 'format')
  }
  return key
}

/**
 * Decodes a secret or a rotation list into keys; an empty list is an error.
 *
 * @example
 * ```ts
 * signingKeys(['whsec_b2xk', 'whsec_bmV3']).length // 2
 * ```
 */
export function signingKeys (secret: WebhookSecret): Buffer[] {
  const list: readonly string[] = typeof secret === 'string' ? [secret] : secret
  if (!Array.isArray(list) || list.length === 0) {
    throw routecraftError('RC_ERR_WEBHOOK_SECRET', 'missing')
  }
  return list.map(decodeSecret)
}

/**
 * A fresh `webhook-id`: `msg_` and 128 random bits. Receivers dedupe by it, so a sender keeps
 * the same id across the retries of one message.
 *
 * @example
 * ```ts
 * newWebhookId() // 'msg_4hG1xYcV0b2l9pQ7mN3sKw'
 * ```
 */
export function newWebhookId (): string {
  return `msg_${randomBytes(16).toString('base64url')}`
}

function hmac (key: Buffer, webhookId: string, timestamp: string, body: string | Uint8Array): string {
  return createHmac('sha256', key).update(`${webhookId}.${timestamp}.`).update(body).digest('base64')
}

/**
 * The `webhook-signature` header value: one `v1,<base64>` per key, space-separated.
 *
 * @example
 * ```ts
 * const sig = signWebhook('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', 'msg_1', 1700000000, '{"a":1}')
 * // 'v1,…'
 * ```
 */
export function signWebhook (secret: WebhookSecret, webhookId: string, timestamp: number, body: string | Uint8Array): string {
  return signWithKeys(signingKeys(secret), webhookId, timestamp, body)
}

/**
 * {@link signWebhook} with keys already decoded by {@link signingKeys} (a sender decodes once
 * per message, not once per attempt).
 *
 * @example
 * ```ts
 * const keys = signingKeys(secret)
 * const header = signWithKeys(keys, 'msg_1', Math.floor(Date.now() / 1000), body)
 * ```
 */
export function signWithKeys (keys: readonly Buffer[], webhookId: string, timestamp: number, body: string | Uint8Array): string {
  const ts = String(timestamp)
  return keys.map(key => `v1,${hmac(key, webhookId, ts, body)}`).join(' ')
}

/**
 * Whether any `v1` signature in the header matches the raw body under any of the keys.
 * Signatures are compared as their base64 text, in constant time: comparing decoded bytes
 * would let a changed padding character (which base64 decoders skip) still verify.
 *
 * The timestamp is only authenticated here; checking it against the clock is the caller's job.
 *
 * @example
 * ```ts
 * verifySignature(secret, headers['webhook-id'], headers['webhook-timestamp'], rawBody, headers['webhook-signature'])
 * ```
 */
export function verifySignature (secret: WebhookSecret, webhookId: string, timestamp: string | number, body: string | Uint8Array, signatureHeader: string): boolean {
  const keys = signingKeys(secret)
  const ts = String(timestamp)
  const expected = keys.map(key => Buffer.from(hmac(key, webhookId, ts, body)))
  let match = false
  // Several headers joined by a proxy arrive as "v1,a, v1,b": a trailing comma is a separator.
  for (const token of signatureHeader.split(/\s+/)) {
    const entry = token.endsWith(',') ? token.slice(0, -1) : token
    if (!entry.startsWith('v1,')) continue
    const given = Buffer.from(entry.slice(3))
    for (const want of expected) {
      if (given.length === want.length && timingSafeEqual(given, want)) match = true
    }
  }
  return match
}

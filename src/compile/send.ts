/**
 * Writing status, headers and cookies onto Fastify's reply, and sending direct responses.
 */
import type { FastifyReply } from 'fastify'
import { Readable } from 'node:stream'
import { encodeCookieValue, kEntries, kHeaders, type ResponseParts, type StoredCookie } from '../responses/temporal.js'
import type { DirectResponse } from '../responses/with-response.js'
import { RoutecraftError } from '../errors.js'
import { serializeJson } from './serialize.js'

type Signer = (value: string) => string

function cookieLine (reply: FastifyReply, cookie: StoredCookie): string {
  if (cookie.line !== undefined) return cookie.line
  // Signed: signed now, with the secret of @fastify/cookie on this reply.
  const sign = (reply as unknown as { signCookie?: Signer }).signCookie
  if (typeof sign !== 'function') {
    throw new RoutecraftError('RC_ERR_RESPONSE_COOKIE', `cookie "${cookie.name}" is signed, but @fastify/cookie is not registered with a secret`)
  }
  return `${cookie.name}=${encodeCookieValue(sign.call(reply, cookie.value))}${cookie.attributes}`
}

/**
 * Writes `parts` onto the reply. Headers and cookies that `except` sets itself are left out:
 * the direct response that is sent sets them.
 */
export function applyParts (reply: FastifyReply, parts: ResponseParts, except?: ResponseParts): void {
  // Cookies are serialized (and signed) first: if one cannot be, nothing has been written yet.
  const stored = parts[kEntries]
  let lines: string[] | undefined
  if (stored.length > 0) {
    lines = []
    for (let i = 0; i < stored.length; i++) {
      const cookie = stored[i] as StoredCookie
      if (except === undefined || !setsCookie(except, cookie)) lines.push(cookieLine(reply, cookie))
    }
  }
  const headers = parts[kHeaders]
  if (headers !== undefined) {
    const list = headers[kEntries]
    const skip = except?.[kHeaders]
    for (let i = 0; i < list.length; i++) {
      const { key, values } = list[i] as { key: string; values: readonly string[] }
      if (skip?.has(key) === true) continue
      // The lower-cased key: Fastify lower-cases names anyway, and this one needs no copy.
      reply.header(key, values.length === 1 ? values[0] : [...values])
    }
  }
  // Fastify appends to set-cookie rather than replacing it.
  if (lines !== undefined) for (let i = 0; i < lines.length; i++) reply.header('set-cookie', lines[i])
}

function setsCookie (parts: ResponseParts, cookie: StoredCookie): boolean {
  const stored = parts[kEntries]
  for (let i = 0; i < stored.length; i++) if ((stored[i] as StoredCookie).same(cookie)) return true
  return false
}

/**
 * Sends a direct response. What `temporal` holds (from dependencies or the handler) is
 * applied first, except the headers and cookies the direct response sets itself.
 */
export function sendDirect (reply: FastifyReply, direct: DirectResponse, temporal: ResponseParts | undefined): FastifyReply {
  const content = direct.content
  let body: string | Buffer | Readable
  let type: string
  if (typeof content === 'string') {
    body = content
    type = direct.mediaType ?? 'text/plain; charset=utf-8'
  } else if (content instanceof Uint8Array || content instanceof Readable) {
    body = content instanceof Uint8Array && !Buffer.isBuffer(content) ? Buffer.from(content.buffer, content.byteOffset, content.byteLength) : content
    type = direct.mediaType ?? 'application/octet-stream'
  } else {
    // Any other value is JSON. A value that cannot be JSON (a cycle) throws here, before
    // anything is written, and becomes a clean, logged 500 in the route's error handler.
    body = serializeJson(content)
    type = direct.mediaType ?? 'application/json; charset=utf-8'
  }
  if (temporal !== undefined) applyParts(reply, temporal, direct)
  applyParts(reply, direct)
  if (direct.status !== 200) reply.code(direct.status)
  // type() stores the header as it is; header() would lower-case the name first.
  return reply.type(type).send(body)
}

/**
 * Writing status, headers and cookies onto Fastify's reply, and sending direct responses.
 */
import type { FastifyReply } from 'fastify'
import { Readable } from 'node:stream'
import { stringifySetCookie } from 'cookie'
import { kEntries, kHeaders, type CookieToSet, type ResponseParts } from '../responses/temporal.js'
import type { DirectResponse } from '../responses/with-response.js'
import { RoutecraftError } from '../errors.js'
import { serializeJson } from './serialize.js'

type Signer = (value: string) => string

function cookieHeader (reply: FastifyReply, cookie: CookieToSet): string {
  const o = cookie.options
  let value = cookie.value
  if (o.signed === true) {
    const sign = (reply as unknown as { signCookie?: Signer }).signCookie
    if (typeof sign !== 'function') {
      throw new RoutecraftError('RC_ERR_RESPONSE_COOKIE', `cookie "${cookie.name}" is signed, but @fastify/cookie is not registered with a secret`)
    }
    value = sign.call(reply, value)
  }
  // One object shape for every cookie (no spread): the cookie package reads these fields.
  return stringifySetCookie({
    name: cookie.name, value, path: o.path, domain: o.domain, maxAge: o.maxAge, expires: o.expires,
    httpOnly: o.httpOnly, secure: o.secure, sameSite: o.sameSite, partitioned: o.partitioned, priority: o.priority,
  })
}

/**
 * Writes `parts` onto the reply. Names in `skipHeaders` (lower case) and cookie keys in
 * `skipCookies` are left out: the direct response that is sent sets them itself.
 */
export function applyParts (reply: FastifyReply, parts: ResponseParts, skipHeaders?: ReadonlySet<string>, skipCookies?: ReadonlySet<string>): void {
  // Cookies are serialized (and signed) first: if one cannot be, nothing has been written yet.
  let cookies: string[] | undefined
  const stored = parts[kEntries]
  if (stored.size > 0) {
    cookies = []
    for (const cookie of stored.values()) {
      if (skipCookies?.has(cookie.key) !== true) cookies.push(cookieHeader(reply, cookie))
    }
  }
  const headers = parts[kHeaders]
  if (headers !== undefined) {
    for (const { name, values } of headers[kEntries].values()) {
      if (skipHeaders?.has(name.toLowerCase()) === true) continue
      reply.header(name, values.length === 1 ? values[0] : [...values])
    }
  }
  // Fastify appends to set-cookie rather than replacing it.
  if (cookies !== undefined) for (const line of cookies) reply.header('set-cookie', line)
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
  if (temporal !== undefined) {
    applyParts(reply, temporal, new Set(direct[kHeaders]?.[kEntries].keys()), new Set(direct[kEntries].keys()))
  }
  applyParts(reply, direct)
  if (direct.status !== 200) reply.code(direct.status)
  return reply.header('content-type', type).send(body)
}

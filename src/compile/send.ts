/**
 * Writing status, headers and cookies onto Fastify's reply, and sending direct responses.
 */
import type { FastifyReply } from 'fastify'
import { Readable } from 'node:stream'
import { stringifySetCookie } from 'cookie'
import type { CookieToSet, ResponseParts } from '../responses/temporal.js'
import type { DirectResponse } from '../responses/with-response.js'
import { jsonable } from '../responses/jsonable.js'
import { RoutecraftError } from '../errors.js'

type Signer = (value: string) => string

function cookieHeader (reply: FastifyReply, cookie: CookieToSet): string {
  const { signed, ...options } = cookie.options
  let value = cookie.value
  if (signed === true) {
    const sign = (reply as unknown as { signCookie?: Signer }).signCookie
    if (typeof sign !== 'function') {
      throw new RoutecraftError('RC_ERR_RESPONSE_COOKIE', `cookie "${cookie.name}" is signed, but @fastify/cookie is not registered with a secret`)
    }
    value = sign.call(reply, value)
  }
  return stringifySetCookie({ name: cookie.name, value, ...options })
}

/**
 * Writes `parts` onto the reply. Names in `skipHeaders` (lower case) and cookie keys in
 * `skipCookies` are left out: the direct response that is sent sets them itself.
 */
export function applyParts (reply: FastifyReply, parts: ResponseParts, skipHeaders?: ReadonlySet<string>, skipCookies?: ReadonlySet<string>): void {
  // Cookies are serialized (and signed) first: if one cannot be, nothing has been written yet.
  let cookies: string[] | undefined
  if (parts.hasCookies) {
    cookies = []
    for (const cookie of parts.cookies) {
      if (skipCookies?.has(cookieKey(cookie)) !== true) cookies.push(cookieHeader(reply, cookie))
    }
  }
  for (const [name, values] of parts.headers.entries()) {
    if (skipHeaders?.has(name.toLowerCase()) === true) continue
    reply.header(name, values.length === 1 ? values[0] : [...values])
  }
  // Fastify appends to set-cookie rather than replacing it.
  if (cookies !== undefined) for (const line of cookies) reply.header('set-cookie', line)
}

function cookieKey (c: CookieToSet): string {
  return `${c.name};${c.options.path ?? ''};${c.options.domain ?? ''}`
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
    body = JSON.stringify(jsonable(content)) ?? 'null'
    type = direct.mediaType ?? 'application/json'
  }
  if (temporal !== undefined) {
    const ownHeaders = new Set<string>()
    for (const [name] of direct.headers.entries()) ownHeaders.add(name.toLowerCase())
    const ownCookies = new Set(direct.cookies.map(cookieKey))
    applyParts(reply, temporal, ownHeaders, ownCookies)
  }
  applyParts(reply, direct)
  return reply.code(direct.status).type(type).send(body)
}

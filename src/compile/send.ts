/**
 * Writing status, headers and cookies onto Fastify's reply, and sending direct responses.
 */
import type { FastifyReply } from 'fastify'
import { Readable } from 'node:stream'
import { encodeCookieValue, kEntries, kHeaders, type ResponseParts, type StoredCookie } from '../responses/temporal.js'
import type { DirectResponse } from '../responses/with-response.js'
import { routecraftError } from '../errors.js'
import { serializeJson } from '../responses/serialize.js'

type Signer = (value: string) => string

function cookieLine (reply: FastifyReply, cookie: StoredCookie): string {
  if (cookie.line !== undefined) return cookie.line
  // Signed: signed now, with the secret of @fastify/cookie on this reply.
  const sign = (reply as unknown as { signCookie?: Signer }).signCookie
  if (typeof sign !== 'function') {
    throw routecraftError('RC_ERR_RESPONSE_COOKIE', 'unsigned', { name: cookie.name })
  }
  return `${cookie.name}=${encodeCookieValue(sign.call(reply, cookie.value))}${cookie.attributes}`
}

/**
 * The `Set-Cookie` lines of `parts`, appended to `into`, except the cookies `except` sets
 * itself. Signing happens here, so a cookie that cannot be signed throws before anything is
 * written onto the reply.
 */
function cookieLines (reply: FastifyReply, parts: ResponseParts, except: ResponseParts | undefined, into: string[] | undefined): string[] | undefined {
  const stored = parts[kEntries]
  for (let i = 0; i < stored.length; i++) {
    const cookie = stored[i] as StoredCookie
    if (except === undefined || !setsCookie(except, cookie)) (into ??= []).push(cookieLine(reply, cookie))
  }
  return into
}

function setsCookie (parts: ResponseParts, cookie: StoredCookie): boolean {
  const stored = parts[kEntries]
  for (let i = 0; i < stored.length; i++) if ((stored[i] as StoredCookie).same(cookie)) return true
  return false
}

/** Writes the headers of `parts` onto the reply, except those `except` sets itself. */
function writeHeaders (reply: FastifyReply, parts: ResponseParts, except: ResponseParts | undefined): void {
  const headers = parts[kHeaders]
  if (headers === undefined) return
  const list = headers[kEntries]
  const skip = except?.[kHeaders]
  for (let i = 0; i < list.length; i++) {
    const { key, values } = list[i] as { key: string; values: readonly string[] }
    if (skip?.has(key) === true) continue
    // The lower-cased key: Fastify lower-cases names anyway, and this one needs no copy.
    reply.header(key, values.length === 1 ? values[0] : [...values])
  }
}

function writeCookies (reply: FastifyReply, lines: readonly string[] | undefined): void {
  // Fastify appends to set-cookie rather than replacing it.
  if (lines !== undefined) for (let i = 0; i < lines.length; i++) reply.header('set-cookie', lines[i])
}

/** Writes the headers and cookies of `parts` onto the reply (cookies serialized first). */
export function applyParts (reply: FastifyReply, parts: ResponseParts): void {
  const lines = cookieLines(reply, parts, undefined, undefined)
  writeHeaders(reply, parts, undefined)
  writeCookies(reply, lines)
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
  // Every cookie line of both is built before anything is written.
  const temporalLines = temporal === undefined ? undefined : cookieLines(reply, temporal, direct, undefined)
  const lines = cookieLines(reply, direct, undefined, temporalLines)
  if (temporal !== undefined) writeHeaders(reply, temporal, direct)
  writeHeaders(reply, direct, undefined)
  writeCookies(reply, lines)
  if (direct.status !== 200) reply.code(direct.status)
  // type() stores the header as it is; header() would lower-case the name first.
  return reply.type(type).send(body)
}

/**
 * HTTP Basic credentials (RFC 7617): pure parsing and encoding of the `Authorization` header.
 *
 * No Fastify here: `basicAuth()` turns a {@link BasicParse} into a 401 or a value, this module
 * only says what the header contains. The rules follow FastAPI's `HTTPBasic.__call__`
 * (`fastapi/security/http.py`), with two deliberate differences, both written down where they
 * happen: the decoded bytes are UTF-8 (RFC 7617's `charset="UTF-8"`) where FastAPI accepts
 * ASCII only, and the base64 rule is slightly stricter than CPython's lenient decoder.
 */

import { routecraftError } from '../errors.js'

// ---------------------------------------------------------------------------------------------
// Types and limits
// ---------------------------------------------------------------------------------------------

/**
 * What an `Authorization` header says about Basic credentials.
 *
 * - `missing`: no header, an empty one, or another scheme (`Bearer …`). FastAPI treats a
 *   non-Basic scheme exactly like no header, which is what `autoError: false` relies on.
 * - `invalid`: the Basic scheme, but the credentials cannot be read. `reason` is for logs and
 *   tests, never for the wire (it could help an attacker probe the parser).
 * - `ok`: the decoded user-id and password.
 *
 * @example
 * ```ts
 * const parsed: BasicParse = parseBasicAuthorization(request.headers.authorization)
 * if (parsed.kind === 'ok') console.log(parsed.username)
 * ```
 */
export type BasicParse =
  | { kind: 'missing' }
  | { kind: 'invalid'; reason: string }
  | { kind: 'ok'; username: string; password: string }

/**
 * The longest `Authorization` header value that is parsed (8 KiB, in UTF-16 code units).
 *
 * Node's own limit on all request headers together is 16 KiB by default; credentials longer than
 * this are not credentials, and refusing them early keeps decoding cost bounded.
 *
 * @example
 * ```ts
 * parseBasicAuthorization('Basic ' + 'A'.repeat(MAX_AUTHORIZATION_LENGTH)).kind // 'invalid'
 * ```
 */
export const MAX_AUTHORIZATION_LENGTH = 8192

// ---------------------------------------------------------------------------------------------
// Parsing
// ---------------------------------------------------------------------------------------------

// Python's b64decode(validate=False) discards every byte outside the base64 alphabet before
// decoding (spaces, tabs, `-`, `_`, non-ASCII…), so the parser does the same.
const nonAlphabet = /[^A-Za-z0-9+/=]/g
// After discarding, routecraft requires canonical padding: whole quads, `=` only as the last
// one or two characters. CPython is laxer in two corner cases (it skips `=` that appears before
// the second character of a quad, and stops at the first complete padding, ignoring what
// follows); both are refused here, because ignoring trailing data is a parser-differential risk.
const canonicalBase64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/

// `ignoreBOM: true` keeps a leading U+FEFF in the username instead of silently dropping it, as
// Python's `bytes.decode('utf-8')` does.
const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })

const missing: BasicParse = Object.freeze({ kind: 'missing' })

function invalid (reason: string): BasicParse {
  return { kind: 'invalid', reason }
}

/**
 * Reads Basic credentials from an `Authorization` header value; never throws.
 *
 * Steps, as in FastAPI: split at the first space; a scheme other than `basic` (any case), an
 * absent or empty header → `missing`; then base64 (characters outside `A–Za–z0–9+/=` dropped,
 * canonical padding required), then strict UTF-8, then a split at the first `:` (the password
 * may contain `:`, either part may be empty). A repeated header (an array), a value over
 * {@link MAX_AUTHORIZATION_LENGTH}, or anything undecodable → `invalid`.
 *
 * @example
 * ```ts
 * parseBasicAuthorization('Basic am9objpzZWNyZXQ=')  // { kind: 'ok', username: 'john', password: 'secret' }
 * parseBasicAuthorization('Bearer abc')              // { kind: 'missing' }
 * parseBasicAuthorization('Basic notbase64')         // { kind: 'invalid', reason: '…' }
 * ```
 */
export function parseBasicAuthorization (header: string | string[] | undefined): BasicParse {
  // null is not in the type, but a hand-built headers object may hold it: it means "absent".
  if (header === undefined || header === null || header === '') return missing
  if (Array.isArray(header)) return invalid('several Authorization headers')
  // The types say string, but this runs on whatever a proxy or a test puts in the headers.
  if (typeof header !== 'string') return invalid('the Authorization header is not a string')
  if (header.length > MAX_AUTHORIZATION_LENGTH) {
    return invalid(`the Authorization header is longer than ${MAX_AUTHORIZATION_LENGTH} characters`)
  }

  const space = header.indexOf(' ')
  const scheme = space === -1 ? header : header.slice(0, space)
  if (scheme.toLowerCase() !== 'basic') return missing
  const param = space === -1 ? '' : header.slice(space + 1)

  const base64 = param.replace(nonAlphabet, '')
  if (!canonicalBase64.test(base64)) return invalid('the credentials are not padded base64')

  let decoded: string
  try {
    decoded = strictUtf8.decode(Buffer.from(base64, 'base64'))
  } catch {
    return invalid('the decoded credentials are not UTF-8')
  }

  const colon = decoded.indexOf(':')
  if (colon === -1) return invalid('the decoded credentials have no ":"')
  return { kind: 'ok', username: decoded.slice(0, colon), password: decoded.slice(colon + 1) }
}

// ---------------------------------------------------------------------------------------------
// Encoding
// ---------------------------------------------------------------------------------------------

// Matches a UTF-16 surrogate that is not part of a pair: with the `u` flag, paired surrogates
// form one code point and never match the class.
const loneSurrogate = /[\uD800-\uDFFF]/u

/**
 * Builds an `Authorization` header value: `Basic ` + base64 of the UTF-8 of `username:password`.
 *
 * Throws `RC_ERR_AUTH_OPTION` for what RFC 7617 cannot carry, so the header always parses back
 * to the same pair: a username containing `:`, or a lone UTF-16 surrogate (UTF-8 cannot encode
 * it, Node would silently write U+FFFD).
 *
 * @example
 * ```ts
 * await app.inject({ url: '/users/me', headers: { authorization: encodeBasic('stanleyjobson', 'swordfish') } })
 * ```
 */
export function encodeBasic (username: string, password: string): string {
  if (username.includes(':')) {
    throw routecraftError('RC_ERR_AUTH_OPTION', 'basicColon')
  }
  if (loneSurrogate.test(username) || loneSurrogate.test(password)) {
    throw routecraftError('RC_ERR_AUTH_OPTION', 'basicSurrogate')
  }
  return `Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}`
}

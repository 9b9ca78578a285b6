/**
 * Validation of response header fields and cookies at the call that sets them.
 *
 * Node refuses a bad header only when the response is written, which turns a programming
 * mistake into a 500 far from its cause (and a CR/LF that slipped through would be header
 * injection). `ctx.response.headers.set/append`, `withResponse` and `setCookie` call these
 * checks first, so the mistake throws a `RoutecraftError` where it is made. The rules are the
 * ones Node (`node:http`) and the `cookie` package used by @fastify/cookie enforce at send
 * time, plus a few browser rules that would otherwise drop a cookie silently.
 */

import { routecraftError } from '../errors.js'
import { describeValue as describe, keySet, unknownKey } from '../common/objects.js'
import { HTTP_TOKEN } from '../common/http.js'

// ---------------------------------------------------------------------------------------------
// Message helpers
// ---------------------------------------------------------------------------------------------

/** Quotes a user string for an error message: escaped, and cut so a huge value is not echoed. */
function quote (text: string, max = 40): string {
  return JSON.stringify(text.length > max ? `${text.slice(0, max)}…` : text)
}


// ---------------------------------------------------------------------------------------------
// Headers
// ---------------------------------------------------------------------------------------------

// What node:http's checkInvalidHeaderChar (validateHeaderValue) refuses: CTLs except HTAB (so
// CR, LF and NUL), DEL, and anything above U+00FF, which Latin-1 cannot carry.
const forbiddenValueChar = /[^\t\x20-\x7e\x80-\xff]/

// Names already found valid, with their lower-cased form: handlers set the same few headers
// on every request, and one lookup answers both questions.
const knownNames = new Map<string, string>()

/**
 * Throws `RC_ERR_RESPONSE_HEADER` unless `name` is a valid header name (an RFC 9110 token, as
 * `node:http` requires).
 *
 * @example
 * ```ts
 * assertHeaderName('X-Request-Id') // ok
 * assertHeaderName('X Request')    // throws RoutecraftError RC_ERR_RESPONSE_HEADER
 * ```
 */
export function assertHeaderName (name: unknown): asserts name is string {
  headerKey(name)
}

/**
 * Checks a header name as {@link assertHeaderName} does and returns it lower-cased: the key
 * under which a response stores it.
 *
 * @example
 * ```ts
 * headerKey('X-Request-Id') // 'x-request-id'
 * ```
 */
export function headerKey (name: unknown): string {
  if (typeof name === 'string') {
    const known = knownNames.get(name)
    if (known !== undefined) return known
  } else {
    throw routecraftError('RC_ERR_RESPONSE_HEADER', 'nameType', { got: describe(name) })
  }
  // RFC 9110 token; the same test as node:http's checkIsHttpToken (validateHeaderName).
  if (!HTTP_TOKEN.test(name)) {
    throw routecraftError('RC_ERR_RESPONSE_HEADER', 'token', { name: quote(name) })
  }
  const key = name.toLowerCase()
  if (CONNECTION_HEADERS.has(key)) {
    throw routecraftError('RC_ERR_RESPONSE_HEADER', 'connection', { name: quote(name) })
  }
  if (knownNames.size < 512) knownNames.set(name, key)
  return key
}

/**
 * Hop-by-hop and framing headers (RFC 9110 §7.6.1, plus `Trailer` and `HTTP2-Settings`): Node
 * writes them itself, and one set by hand makes it refuse the response when it is written
 * (`Trailer` without chunked encoding), send a message whose length a client reads two ways
 * (`Transfer-Encoding` next to the `Content-Length` Fastify sets), or announce what the
 * server does not do (`Upgrade` on a final answer). `Content-Length` is allowed: Fastify
 * corrects it for strings and bytes, and a stream may declare its length.
 */
const CONNECTION_HEADERS: ReadonlySet<string> = new Set(['connection', 'keep-alive', 'proxy-connection', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'http2-settings'])

/**
 * Checks a header value and returns it as the string that will be sent; throws
 * `RC_ERR_RESPONSE_HEADER` for anything Node would refuse at send time (CR, LF, NUL and other
 * control characters but tab, DEL, characters above U+00FF) or for a value that is neither a
 * string nor a finite number. The message names the header and shows at most the start of the
 * value, escaped.
 *
 * @example
 * ```ts
 * assertHeaderValue('X-Count', 3)            // '3'
 * assertHeaderValue('X-Next', 'a\r\nSet-Cookie: x=1') // throws RoutecraftError RC_ERR_RESPONSE_HEADER
 * ```
 */
// Short values already found valid (at most 1,024 of them, 256 KiB): most handlers send the
// same few values, and a lookup is far cheaper than scanning the value again.
const knownValues = new Set<string>()

export function assertHeaderValue (name: string, value: unknown): string {
  let text: string
  if (typeof value === 'string') {
    text = value
  } else if (typeof value === 'number' && Number.isFinite(value)) {
    text = String(value)
  } else {
    throw routecraftError('RC_ERR_RESPONSE_HEADER', 'valueType', { name: quote(name), got: typeof value === 'number' ? String(value) : describe(value) })
  }
  if (knownValues.has(text)) return text
  const bad = forbiddenValueChar.exec(text)
  if (bad !== null) {
    const char = bad[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')
    throw routecraftError('RC_ERR_RESPONSE_HEADER', 'valueChar', { name: quote(name), char, index: bad.index, value: quote(text) })
  }
  if (text.length <= 256 && knownValues.size < 1024) knownValues.add(text)
  return text
}

// ---------------------------------------------------------------------------------------------
// Cookies
// ---------------------------------------------------------------------------------------------

/**
 * Options of `setCookie` / `deleteCookie`: @fastify/cookie's, minus `encode` and
 * `secure: 'auto'`. `maxAge` is in seconds; `sameSite: true` means `Strict`, `false` sends no SameSite attribute.
 *
 * @example
 * ```ts
 * const options: CookieOptions = { httpOnly: true, secure: true, sameSite: 'strict', maxAge: 3600 }
 * ctx.response.setCookie('session', token, options)
 * ```
 */
export interface CookieOptions {
  path?: string
  domain?: string
  maxAge?: number
  expires?: Date
  httpOnly?: boolean
  secure?: boolean
  sameSite?: 'lax' | 'strict' | 'none' | boolean
  partitioned?: boolean
  priority?: 'low' | 'medium' | 'high'
  /** Sign the value with @fastify/cookie's `secret` (the plugin must have one). */
  signed?: boolean
}

/**
 * What `setCookie` adds when the option is absent: Starlette's `set_cookie` defaults
 * (`path="/"`, `samesite="lax"`; no HttpOnly, no Secure).
 *
 * @example
 * ```ts
 * const effective = { ...cookieDefaults, ...options }
 * ```
 */
export const cookieDefaults = Object.freeze({ path: '/', sameSite: 'lax' } as const)

// Every option of CookieOptions, checked by the compiler against the type.
const cookieOptionKeys = keySet<CookieOptions>({
  path: true, domain: true, maxAge: true, expires: true, httpOnly: true, secure: true, sameSite: true, partitioned: true, priority: true, signed: true,
})
const booleanOptions = ['httpOnly', 'secure', 'partitioned', 'signed'] as const
const sameSiteValues: ReadonlySet<unknown> = new Set(['lax', 'strict', 'none', true, false])
const priorityValues: ReadonlySet<unknown> = new Set(['low', 'medium', 'high'])
// The `cookie` package's rules (v2, used by @fastify/cookie): it throws on anything else when
// the response is sent. Path: any CHAR but CTLs and ";" (the package also refuses "<").
const pathValue = /^[\x20-\x3a\x3d-\x7e]*$/
// Domain: RFC 1034 labels, with the leading dot RFC 6265 tolerates.
const domainValue = /^([.]?[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)([.][a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/i

/**
 * Throws `RC_ERR_RESPONSE_COOKIE` unless the cookie can be sent and kept by browsers: the name is
 * an RFC 6265 token; the value is a string (it is URI-encoded when sent, so any well-formed
 * string works); every option has its type, the values `cookie`/@fastify/cookie accept, and no
 * unknown key (typo protection); `sameSite: 'none'`, `partitioned` and the `__Secure-`/`__Host-`
 * name prefixes come with `secure: true` (browsers drop such cookies otherwise), and `__Host-`
 * cookies have no domain and path `/`.
 *
 * @example
 * ```ts
 * assertCookie('session', 'abc', { httpOnly: true, maxAge: 3600 })  // ok
 * assertCookie('session', 'abc', { sameSite: 'none' })                // throws: needs secure: true
 * assertCookie('session', 'abc', { maxage: 3600 } as CookieOptions)   // throws: unknown option
 * ```
 */
// Cookie names already found valid without a __Secure-/__Host- prefix (the common case).
const knownCookieNames = new Set<string>()

export function assertCookie (name: unknown, value: unknown, options?: CookieOptions): void {
  if (typeof name !== 'string') throw routecraftError('RC_ERR_RESPONSE_COOKIE', 'nameType', { got: describe(name) })
  const known = knownCookieNames.has(name)
  if (!known && !HTTP_TOKEN.test(name)) throw routecraftError('RC_ERR_RESPONSE_COOKIE', 'name', { name: quote(name) })
  if (typeof value !== 'string') throw routecraftError('RC_ERR_RESPONSE_COOKIE', 'valueType', { name: quote(name), got: describe(value) })
  // String.prototype.isWellFormed exists from Node 20; TypeScript's ES2023 lib does not know it.
  if (!(value as string & { isWellFormed: () => boolean }).isWellFormed()) throw routecraftError('RC_ERR_RESPONSE_COOKIE', 'surrogate', { name: quote(name) })
  if (options === undefined) {
    if (known) return
    checkPrefixes(name, {})
    if (knownCookieNames.size < 512) knownCookieNames.add(name)
    return
  }
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw routecraftError('RC_ERR_RESPONSE_COOKIE', 'options', { name: quote(name), got: describe(options) })
  }
  const unknown = unknownKey(options, cookieOptionKeys)
  if (unknown !== undefined) throw routecraftError('RC_ERR_RESPONSE_COOKIE', 'unknown', { name: quote(name), key: quote(unknown), known: cookieOptionKeys })
  checkCookieOptions(name, options)
  checkPrefixes(name, options)
}

/** The attributes' types and values, as `cookie`/@fastify/cookie and browsers accept them. */
function checkCookieOptions (name: string, options: CookieOptions): void {
  const { path, domain, maxAge, expires, sameSite, priority } = options
  if (path !== undefined) {
    if (typeof path !== 'string') throw routecraftError('RC_ERR_RESPONSE_COOKIE', 'pathType', { name: quote(name), got: describe(path) })
    // Browsers ignore a Path that does not start with "/" and fall back to the request's path.
    if (!path.startsWith('/') || !pathValue.test(path)) throw routecraftError('RC_ERR_RESPONSE_COOKIE', 'path', { name: quote(name), path: quote(path) })
  }
  if (domain !== undefined) {
    if (typeof domain !== 'string') throw routecraftError('RC_ERR_RESPONSE_COOKIE', 'domainType', { name: quote(name), got: describe(domain) })
    if (!domainValue.test(domain)) throw routecraftError('RC_ERR_RESPONSE_COOKIE', 'domain', { name: quote(name), domain: quote(domain) })
  }
  if (maxAge !== undefined && !Number.isSafeInteger(maxAge)) {
    throw routecraftError('RC_ERR_RESPONSE_COOKIE', 'maxAge', { name: quote(name), got: typeof maxAge === 'number' ? String(maxAge) : describe(maxAge) })
  }
  if (expires !== undefined) {
    if (!(expires instanceof Date)) throw routecraftError('RC_ERR_RESPONSE_COOKIE', 'expiresType', { name: quote(name), got: describe(expires) })
    const year = expires.getUTCFullYear()
    // NaN (an invalid Date) fails both comparisons; the `cookie` package refuses other years.
    if (!(year >= 1601 && year <= 9999)) throw routecraftError('RC_ERR_RESPONSE_COOKIE', 'expires', { name: quote(name) })
  }
  for (const flag of booleanOptions) {
    const flagValue = options[flag]
    if (flagValue !== undefined && typeof flagValue !== 'boolean') throw routecraftError('RC_ERR_RESPONSE_COOKIE', 'flag', { name: quote(name), flag, got: describe(flagValue) })
  }
  if (sameSite !== undefined && !sameSiteValues.has(sameSite)) {
    throw routecraftError('RC_ERR_RESPONSE_COOKIE', 'sameSite', { name: quote(name), got: typeof sameSite === 'string' ? quote(sameSite) : describe(sameSite) })
  }
  if (priority !== undefined && !priorityValues.has(priority)) {
    throw routecraftError('RC_ERR_RESPONSE_COOKIE', 'priority', { name: quote(name), got: typeof priority === 'string' ? quote(priority) : describe(priority) })
  }
  if (sameSite === 'none' && options.secure !== true) throw routecraftError('RC_ERR_RESPONSE_COOKIE', 'sameSiteNone', { name: quote(name) })
  if (options.partitioned === true && options.secure !== true) throw routecraftError('RC_ERR_RESPONSE_COOKIE', 'partitioned', { name: quote(name) })
}

/** RFC 6265bis cookie prefixes: browsers refuse, silently, cookies that break their rules. */
function checkPrefixes (name: string, options: CookieOptions): void {
  const lower = name.toLowerCase()
  const host = lower.startsWith('__host-')
  if ((host || lower.startsWith('__secure-')) && options.secure !== true) {
    throw routecraftError('RC_ERR_RESPONSE_COOKIE', 'prefixSecure', { name: quote(name), prefix: host ? '__Host-' : '__Secure-' })
  }
  if (host && (options.domain !== undefined || (options.path !== undefined && options.path !== '/'))) {
    throw routecraftError('RC_ERR_RESPONSE_COOKIE', 'hostPrefix', { name: quote(name) })
  }
}

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

import { RoutecraftError } from '../errors.js'

// ---------------------------------------------------------------------------------------------
// Message helpers
// ---------------------------------------------------------------------------------------------

/** Quotes a user string for an error message: escaped, and cut so a huge value is not echoed. */
function quote (text: string, max = 40): string {
  return JSON.stringify(text.length > max ? `${text.slice(0, max)}…` : text)
}

function describe (value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`
}

// ---------------------------------------------------------------------------------------------
// Headers
// ---------------------------------------------------------------------------------------------

// RFC 9110 token; the same test as node:http's checkIsHttpToken (validateHeaderName).
const token = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/
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
    throw new RoutecraftError('RC_ERR_RESPONSE_HEADER', `a header name must be a string, got ${describe(name)}`)
  }
  if (!token.test(name)) {
    throw new RoutecraftError('RC_ERR_RESPONSE_HEADER',
      `header name ${quote(name)} is not a valid HTTP token (letters, digits and !#$%&'*+-.^_\`|~ only)`)
  }
  const key = name.toLowerCase()
  if (CONNECTION_HEADERS.has(key)) {
    throw new RoutecraftError('RC_ERR_RESPONSE_HEADER',
      `header ${quote(name)} belongs to the connection, not the response: Node frames and manages it (a Trailer or Transfer-Encoding set by hand breaks the answer)`)
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
    const got = typeof value === 'number' ? String(value) : describe(value)
    throw new RoutecraftError('RC_ERR_RESPONSE_HEADER',
      `header ${quote(name)} needs a string or a finite number as its value, got ${got}`)
  }
  if (knownValues.has(text)) return text
  const bad = forbiddenValueChar.exec(text)
  if (bad !== null) {
    const code = bad[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')
    throw new RoutecraftError('RC_ERR_RESPONSE_HEADER',
      `header ${quote(name)} has a value with U+${code} at index ${bad.index}, which HTTP forbids (CR, LF, NUL, other controls but tab, or above U+00FF): ${quote(text)}`)
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

const cookieOptionKeys: ReadonlySet<string> = new Set([
  'path', 'domain', 'maxAge', 'expires', 'httpOnly', 'secure', 'sameSite', 'partitioned', 'priority', 'signed',
])
const booleanOptions = ['httpOnly', 'secure', 'partitioned', 'signed'] as const
const sameSiteValues: ReadonlySet<unknown> = new Set(['lax', 'strict', 'none', true, false])
const priorityValues: ReadonlySet<unknown> = new Set(['low', 'medium', 'high'])
// The `cookie` package's rules (v2, used by @fastify/cookie): it throws on anything else when
// the response is sent. Path: any CHAR but CTLs and ";" (the package also refuses "<").
const pathValue = /^[\x20-\x3a\x3d-\x7e]*$/
// Domain: RFC 1034 labels, with the leading dot RFC 6265 tolerates.
const domainValue = /^([.]?[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)([.][a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/i

function cookieError (name: string, problem: string): RoutecraftError {
  return new RoutecraftError('RC_ERR_RESPONSE_COOKIE', `cookie ${quote(name)}: ${problem}`)
}

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
  if (typeof name !== 'string') {
    throw new RoutecraftError('RC_ERR_RESPONSE_COOKIE', `a cookie name must be a string, got ${describe(name)}`)
  }
  const known = knownCookieNames.has(name)
  if (!known && !token.test(name)) {
    throw cookieError(name, 'the name must be a non-empty token: ASCII letters, digits and !#$%&\'*+-.^_`|~ (no spaces, ";", "=", controls or non-ASCII)')
  }
  if (typeof value !== 'string') throw cookieError(name, `the value must be a string, got ${describe(value)}`)
  // String.prototype.isWellFormed exists from Node 20; TypeScript's ES2023 lib does not know it.
  if (!(value as string & { isWellFormed: () => boolean }).isWellFormed()) throw cookieError(name, 'the value contains a lone UTF-16 surrogate, which cannot be URI-encoded')

  if (options === undefined) {
    if (known) return
    checkPrefixes(name, {})
    if (knownCookieNames.size < 512) knownCookieNames.add(name)
    return
  }
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw cookieError(name, `the options must be an object, got ${describe(options)}`)
  }
  for (const key of Object.keys(options)) {
    if (!cookieOptionKeys.has(key)) {
      throw cookieError(name, `unknown option ${quote(key)} (known: ${[...cookieOptionKeys].join(', ')})`)
    }
  }

  const { path, domain, maxAge, expires, sameSite, priority } = options
  if (path !== undefined) {
    if (typeof path !== 'string') throw cookieError(name, `path must be a string, got ${describe(path)}`)
    // Browsers ignore a Path that does not start with "/" and fall back to the request's path.
    if (!path.startsWith('/') || !pathValue.test(path)) {
      throw cookieError(name, `path ${quote(path)} must start with "/" and hold only printable ASCII, without ";" or "<"`)
    }
  }
  if (domain !== undefined) {
    if (typeof domain !== 'string') throw cookieError(name, `domain must be a string, got ${describe(domain)}`)
    if (!domainValue.test(domain)) {
      throw cookieError(name, `domain ${quote(domain)} must be a host name (ASCII letters, digits, "-" and ".", no port)`)
    }
  }
  if (maxAge !== undefined && !Number.isSafeInteger(maxAge)) {
    throw cookieError(name, `maxAge must be an integer number of seconds, got ${typeof maxAge === 'number' ? String(maxAge) : describe(maxAge)}`)
  }
  if (expires !== undefined) {
    if (!(expires instanceof Date)) throw cookieError(name, `expires must be a Date, got ${describe(expires)}`)
    const year = expires.getUTCFullYear()
    // NaN (an invalid Date) fails both comparisons; the `cookie` package refuses other years.
    if (!(year >= 1601 && year <= 9999)) throw cookieError(name, 'expires must be a valid Date between the years 1601 and 9999')
  }
  for (const flag of booleanOptions) {
    const flagValue = options[flag]
    if (flagValue !== undefined && typeof flagValue !== 'boolean') {
      throw cookieError(name, `${flag} must be a boolean, got ${describe(flagValue)}`)
    }
  }
  if (sameSite !== undefined && !sameSiteValues.has(sameSite)) {
    throw cookieError(name, `sameSite must be 'lax', 'strict', 'none' or a boolean, got ${typeof sameSite === 'string' ? quote(sameSite) : describe(sameSite)}`)
  }
  if (priority !== undefined && !priorityValues.has(priority)) {
    throw cookieError(name, `priority must be 'low', 'medium' or 'high', got ${typeof priority === 'string' ? quote(priority) : describe(priority)}`)
  }
  if (sameSite === 'none' && options.secure !== true) {
    throw cookieError(name, "sameSite: 'none' needs secure: true (browsers drop SameSite=None cookies without Secure)")
  }
  if (options.partitioned === true && options.secure !== true) {
    throw cookieError(name, 'partitioned needs secure: true (browsers drop Partitioned cookies without Secure)')
  }
  checkPrefixes(name, options)
}

/** RFC 6265bis cookie prefixes: browsers refuse, silently, cookies that break their rules. */
function checkPrefixes (name: string, options: CookieOptions): void {
  const lower = name.toLowerCase()
  const host = lower.startsWith('__host-')
  if ((host || lower.startsWith('__secure-')) && options.secure !== true) {
    throw cookieError(name, `a ${host ? '__Host-' : '__Secure-'} cookie needs secure: true`)
  }
  if (host && (options.domain !== undefined || (options.path !== undefined && options.path !== '/'))) {
    throw cookieError(name, 'a __Host- cookie cannot have a domain and needs path "/"')
  }
}

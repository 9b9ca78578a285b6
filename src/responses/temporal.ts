/**
 * The temporal response (FastAPI's `response: Response` parameter): status, headers and
 * cookies that handlers and dependencies set, applied to the final response. Values are
 * checked when they are set, so a bad header or cookie fails at the call that made it,
 * with a clear error, and never as a 500 when the response is sent.
 */
import { assertCookie, assertHeaderValue, cookieDefaults, headerKey, type CookieOptions } from './http-fields.js'
import { assertFinalStatus } from './status.js'

/** Internal access to the stored headers and cookies, without copies (for the sender). */
export const kEntries = Symbol('routecraft.entries')
/** Internal access to the headers object only if it exists. */
export const kHeaders = Symbol('routecraft.headers')

export type { CookieOptions }

/** One cookie to send, as set (last one for a name, path and domain wins). */
export interface CookieToSet {
  /** `name;path;domain`: what makes two cookies the same cookie. */
  readonly key: string
  readonly name: string
  readonly value: string
  readonly options: CookieOptions
}

// The `cookie` package's encoding (v2, used by @fastify/cookie): a value with characters a
// cookie octet cannot hold (or "%", for round trips) is URI-encoded, any other is sent as is.
const cookieOctetInvalid = /[\u0000-\u0020\u007F-\uFFFF",;\\%]/
/** A cookie value as the `cookie` package encodes it. */
export function encodeCookieValue (value: string): string {
  return cookieOctetInvalid.test(value) ? encodeURIComponent(value) : value
}

const PRIORITY = { low: 'Low', medium: 'Medium', high: 'High' } as const

/**
 * The attributes of a `Set-Cookie` line for options `assertCookie` accepted, in the order and
 * spelling of the `cookie` package's `stringifySetCookie`.
 */
function cookieAttributes (o: CookieOptions): string {
  let out = ''
  if (o.maxAge !== undefined) out += `; Max-Age=${o.maxAge}`
  if (o.domain) out += `; Domain=${o.domain}`
  if (o.path) out += `; Path=${o.path}`
  if (o.expires) out += `; Expires=${o.expires.toUTCString()}`
  if (o.httpOnly) out += '; HttpOnly'
  if (o.secure) out += '; Secure'
  if (o.partitioned) out += '; Partitioned'
  if (o.priority) out += `; Priority=${PRIORITY[o.priority]}`
  if (o.sameSite === true || o.sameSite === 'strict') out += '; SameSite=Strict'
  else if (o.sameSite === 'lax') out += '; SameSite=Lax'
  else if (o.sameSite === 'none') out += '; SameSite=None'
  return out
}

const DEFAULT_ATTRIBUTES = cookieAttributes(cookieDefaults)

/** A stored cookie: its `Set-Cookie` line is built once, when it is set. */
class StoredCookie implements CookieToSet {
  constructor (
    readonly name: string,
    readonly value: string,
    readonly options: CookieOptions,
    /** `; Path=/; SameSite=Lax`… */
    readonly attributes: string,
    /** The whole line, unless the cookie is signed (it is signed when sent). */
    readonly line: string | undefined
  ) {}

  get key (): string { return `${this.name};${this.options.path ?? ''};${this.options.domain ?? ''}` }

  /** Whether `other` names the same cookie (name, path and domain). */
  same (other: StoredCookie): boolean {
    return this.name === other.name && this.options.path === other.options.path && this.options.domain === other.options.domain
  }
}

export type { StoredCookie }

// ---------------------------------------------------------------------------------------------
// Headers
// ---------------------------------------------------------------------------------------------

/** One header as stored: lower-cased key, the name as last set, its values. */
interface HeaderEntry { readonly key: string; name: string; values: string[] }

/** Response headers: case-insensitive names, multi-value through `append`. */
export class ResponseHeaders {
  // A list rather than a Map: responses set a few headers, and a short scan is cheaper than
  // creating and hashing into a Map on every request.
  readonly #list: HeaderEntry[] = []

  #find (key: string): number {
    const list = this.#list
    for (let i = 0; i < list.length; i++) if ((list[i] as HeaderEntry).key === key) return i
    return -1
  }

  /** Sets `name` to `value`, replacing what was there. */
  set (name: string, value: string | number): this {
    const key = headerKey(name)
    const v = assertHeaderValue(name, value)
    const i = this.#find(key)
    if (i === -1) this.#list.push({ key, name, values: [v] })
    else this.#list[i] = { key, name, values: [v] }
    return this
  }

  /** Adds a value to `name` (`Link`, `Vary`, …): sent as several header lines. */
  append (name: string, value: string | number): this {
    const key = headerKey(name)
    const v = assertHeaderValue(name, value)
    const i = this.#find(key)
    if (i === -1) this.#list.push({ key, name, values: [v] })
    else (this.#list[i] as HeaderEntry).values.push(v)
    return this
  }

  /** Removes `name`. */
  delete (name: string): this {
    const i = this.#find(String(name).toLowerCase())
    if (i !== -1) this.#list.splice(i, 1)
    return this
  }

  /** The values of `name` joined with `, `, or `undefined`. */
  get (name: string): string | undefined {
    const i = this.#find(String(name).toLowerCase())
    return i === -1 ? undefined : (this.#list[i] as HeaderEntry).values.join(', ')
  }

  /** Whether `name` is set. */
  has (name: string): boolean {
    return this.#find(String(name).toLowerCase()) !== -1
  }

  /** `[name, values]` pairs, names as first set. */
  * entries (): IterableIterator<[string, readonly string[]]> {
    for (const { name, values } of this.#list) yield [name, values]
  }

  /** How many header names are set. */
  get size (): number { return this.#list.length }

  /** The stored entries, for the sender (no generator, no copy). */
  get [kEntries] (): ReadonlyArray<{ readonly key: string; readonly name: string; readonly values: readonly string[] }> { return this.#list }
}

// ---------------------------------------------------------------------------------------------
// The shared parts: status, headers, cookies
// ---------------------------------------------------------------------------------------------

/** Status, headers and cookies; the interface of both `ctx.response` and `withResponse()`. */
const NO_COOKIES: readonly StoredCookie[] = Object.freeze([])

export class ResponseParts {
  #status: number
  // Both created on first use: most responses set a header or a cookie, rarely both.
  #headers: ResponseHeaders | undefined
  #cookies: StoredCookie[] | undefined

  constructor (status: number) {
    this.#status = 200
    if (status !== 200) this.status = status
  }

  /** The response headers. */
  get headers (): ResponseHeaders { return (this.#headers ??= new ResponseHeaders()) }

  /** The headers if any were touched, for the sender. */
  get [kHeaders] (): ResponseHeaders | undefined { return this.#headers }

  /** The status the response will have. */
  get status (): number { return this.#status }
  set status (value: number) {
    this.#status = assertFinalStatus(value)
  }

  /**
   * Sets a cookie. Defaults as Starlette's `set_cookie`: `Path=/`, `SameSite=Lax`, neither
   * `HttpOnly` nor `Secure`. `signed: true` signs it with the secret of @fastify/cookie, which
   * must then be registered.
   */
  setCookie (name: string, value: string, options?: CookieOptions): this {
    let cookie: StoredCookie
    if (options === undefined) {
      // The (valid, frozen) defaults are shared rather than copied, checked and stringified.
      assertCookie(name, value)
      cookie = new StoredCookie(name, value, cookieDefaults, DEFAULT_ATTRIBUTES, `${name}=${encodeCookieValue(value)}${DEFAULT_ATTRIBUTES}`)
    } else {
      const merged: CookieOptions = { ...cookieDefaults, ...options }
      assertCookie(name, value, merged)
      const attributes = cookieAttributes(merged)
      cookie = new StoredCookie(name, value, merged, attributes, merged.signed === true ? undefined : `${name}=${encodeCookieValue(value)}${attributes}`)
    }
    const list = (this.#cookies ??= [])
    for (let i = 0; i < list.length; i++) {
      if ((list[i] as StoredCookie).same(cookie)) {
        list[i] = cookie
        return this
      }
    }
    list.push(cookie)
    return this
  }

  /** Deletes a cookie in the browser: empty value, expired. Give the same path and domain it was set with. */
  deleteCookie (name: string, options?: Pick<CookieOptions, 'path' | 'domain' | 'secure' | 'httpOnly' | 'sameSite' | 'partitioned'>): this {
    return this.setCookie(name, '', { ...options, maxAge: 0, expires: new Date(0) })
  }

  /** The cookies to send, in the order they were first set. */
  get cookies (): readonly CookieToSet[] {
    return [...(this.#cookies ?? NO_COOKIES)]
  }

  /** Whether any cookie was set. */
  get hasCookies (): boolean { return this.#cookies !== undefined && this.#cookies.length > 0 }

  /** The stored cookies, for the sender (no copy). */
  get [kEntries] (): readonly StoredCookie[] { return this.#cookies ?? NO_COOKIES }
}

/**
 * `ctx.response`: created the first time a handler or dependency reads it, so a route that
 * never touches it pays nothing.
 */
export class TemporalResponse extends ResponseParts {}

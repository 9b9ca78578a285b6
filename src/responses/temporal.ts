/**
 * The temporal response (FastAPI's `response: Response` parameter): status, headers and
 * cookies that handlers and dependencies set, applied to the final response. Values are
 * checked when they are set, so a bad header or cookie fails at the call that made it,
 * with a clear error, and never as a 500 when the response is sent.
 */
import { assertCookie, assertHeaderName, assertHeaderValue, cookieDefaults, type CookieOptions } from './http-fields.js'
import { RoutecraftError } from '../errors.js'

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

// ---------------------------------------------------------------------------------------------
// Headers
// ---------------------------------------------------------------------------------------------

// Lower-cased header names, computed once per distinct name.
const lowered = new Map<string, string>()
function lower (name: string): string {
  let out = lowered.get(name)
  if (out === undefined) {
    out = name.toLowerCase()
    if (lowered.size < 512) lowered.set(name, out)
  }
  return out
}

/** Response headers: case-insensitive names, multi-value through `append`. */
export class ResponseHeaders {
  readonly #map = new Map<string, { name: string; values: string[] }>()

  /** Sets `name` to `value`, replacing what was there. */
  set (name: string, value: string | number): this {
    assertHeaderName(name)
    const v = assertHeaderValue(name, value)
    this.#map.set(lower(name), { name, values: [v] })
    return this
  }

  /** Adds a value to `name` (`Link`, `Vary`, …): sent as several header lines. */
  append (name: string, value: string | number): this {
    assertHeaderName(name)
    const v = assertHeaderValue(name, value)
    const entry = this.#map.get(name.toLowerCase())
    if (entry === undefined) this.#map.set(name.toLowerCase(), { name, values: [v] })
    else entry.values.push(v)
    return this
  }

  /** Removes `name`. */
  delete (name: string): this {
    this.#map.delete(String(name).toLowerCase())
    return this
  }

  /** The values of `name` joined with `, `, or `undefined`. */
  get (name: string): string | undefined {
    return this.#map.get(String(name).toLowerCase())?.values.join(', ')
  }

  /** Whether `name` is set. */
  has (name: string): boolean {
    return this.#map.has(String(name).toLowerCase())
  }

  /** `[name, values]` pairs, names as first set. */
  * entries (): IterableIterator<[string, readonly string[]]> {
    for (const { name, values } of this.#map.values()) yield [name, values]
  }

  /** How many header names are set. */
  get size (): number { return this.#map.size }

  /** The stored entries, for the sender (no generator, no copy). */
  get [kEntries] (): ReadonlyMap<string, { readonly name: string; readonly values: readonly string[] }> { return this.#map }
}

// ---------------------------------------------------------------------------------------------
// The shared parts: status, headers, cookies
// ---------------------------------------------------------------------------------------------

/** Status, headers and cookies; the interface of both `ctx.response` and `withResponse()`. */
const NO_COOKIES: ReadonlyMap<string, CookieToSet> = new Map()

export class ResponseParts {
  #status: number
  // Both created on first use: most responses set a header or a cookie, rarely both.
  #headers: ResponseHeaders | undefined
  #cookies: Map<string, CookieToSet> | undefined

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
    if (!Number.isInteger(value) || value < 100 || value > 599) {
      throw new RoutecraftError('RC_ERR_RESPONSE_STATUS', `a response status must be an integer from 100 to 599, got ${String(value)}`)
    }
    this.#status = value
  }

  /**
   * Sets a cookie. Defaults as Starlette's `set_cookie`: `Path=/`, `SameSite=Lax`, neither
   * `HttpOnly` nor `Secure`. `signed: true` signs it with the secret of @fastify/cookie, which
   * must then be registered.
   */
  setCookie (name: string, value: string, options?: CookieOptions): this {
    // Without options, the (valid, frozen) defaults are shared rather than copied and checked.
    const merged: CookieOptions = options === undefined ? cookieDefaults : { ...cookieDefaults, ...options }
    assertCookie(name, value, options === undefined ? undefined : merged)
    const key = `${name};${merged.path ?? ''};${merged.domain ?? ''}`
    ;(this.#cookies ??= new Map()).set(key, { key, name, value, options: merged })
    return this
  }

  /** Deletes a cookie in the browser: empty value, expired. Give the same path and domain it was set with. */
  deleteCookie (name: string, options?: Pick<CookieOptions, 'path' | 'domain' | 'secure' | 'httpOnly' | 'sameSite' | 'partitioned'>): this {
    return this.setCookie(name, '', { ...options, maxAge: 0, expires: new Date(0) })
  }

  /** The cookies to send, in the order they were first set. */
  get cookies (): readonly CookieToSet[] {
    return [...(this.#cookies ?? NO_COOKIES).values()]
  }

  /** Whether any cookie was set. */
  get hasCookies (): boolean { return this.#cookies !== undefined && this.#cookies.size > 0 }

  /** The stored cookies by key, for the sender (no copy). */
  get [kEntries] (): ReadonlyMap<string, CookieToSet> { return this.#cookies ?? NO_COOKIES }
}

/**
 * `ctx.response`: created the first time a handler or dependency reads it, so a route that
 * never touches it pays nothing.
 */
export class TemporalResponse extends ResponseParts {}

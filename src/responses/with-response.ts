/**
 * A response returned directly (FastAPI's `return Response(...)` / `JSONResponse(...)`):
 * it bypasses the response model and serialization.
 */
import type { Readable } from 'node:stream'
import { ResponseParts, type CookieOptions } from './temporal.js'
import { assertHeaderValue } from './http-fields.js'
import { routecraftError } from '../errors.js'
import { kDirectResponse } from '../symbols.js'

/** What `withResponse()` takes besides the content. */
export interface ResponseInit {
  /** Default 200. */
  status?: number
  headers?: Record<string, string | number | readonly (string | number)[]>
  /** The `content-type`; default `application/json` for values, `text/plain; charset=utf-8` for strings, `application/octet-stream` for bytes and streams. */
  mediaType?: string
  /** Cookies by name: a value, or `{ value, ...options }`. */
  cookies?: Record<string, string | ({ value: string } & CookieOptions)>
}

/** The content a direct response may carry. */
export type DirectContent = string | Buffer | Uint8Array | Readable | unknown

/** A response returned directly from a handler. */
export class DirectResponse extends ResponseParts {
  declare readonly [kDirectResponse]: true
  readonly content: DirectContent
  readonly mediaType: string | undefined

  constructor (content: DirectContent, init?: ResponseInit) {
    super(init?.status ?? 200)
    this.content = content
    if (init === undefined) {
      this.mediaType = undefined
      return
    }
    const mediaType = init.mediaType
    // assertHeaderValue remembers valid values: the same few media types cost a lookup.
    if (mediaType !== undefined && assertHeaderValue('content-type', mediaType) === '') {
      throw routecraftError('RC_ERR_RESPONSE_HEADER', 'mediaType')
    }
    this.mediaType = mediaType
    const headers = init.headers
    if (headers !== undefined) {
      const target = this.headers
      const names = Object.keys(headers)
      for (let i = 0; i < names.length; i++) {
        const name = names[i] as string
        const value = headers[name]
        if (Array.isArray(value)) for (const v of value as readonly (string | number)[]) target.append(name, v)
        else target.set(name, value as string | number)
      }
    }
    const cookies = init.cookies
    if (cookies !== undefined) {
      const names = Object.keys(cookies)
      for (let i = 0; i < names.length; i++) {
        const name = names[i] as string
        const spec = cookies[name] as string | ({ value: string } & CookieOptions)
        if (typeof spec === 'string') this.setCookie(name, spec)
        else {
          const { value, ...options } = spec
          this.setCookie(name, value, options)
        }
      }
    }
  }

  /** Sets a header (Starlette's `response.headers[name] = value`). */
  header (name: string, value: string | number): this {
    this.headers.set(name, value)
    return this
  }
}

// On the prototype: a marker that survives duplicate copies of the package, at no per-instance cost.
Object.defineProperty(DirectResponse.prototype, kDirectResponse, { value: true })

/**
 * Returns a response directly: status, headers, media type and cookies as given; the content
 * is sent as it is (strings, Buffers, Uint8Arrays, streams) or as JSON (other values), never
 * filtered by the response model. What a dependency or the handler set on `ctx.response` is
 * kept, unless this response sets the same header or cookie (then this one wins).
 *
 * @example
 * ```ts
 * route({ method: 'GET', url: '/legacy/', handler: function get_legacy_data () {
 *   return withResponse('<?xml version="1.0"?><shampoo/>', { mediaType: 'application/xml' })
 * } })
 * ```
 */
export function withResponse (content: DirectContent, init?: ResponseInit): DirectResponse {
  return new DirectResponse(content, init)
}

/** Whether `value` is a direct response. */
export function isDirectResponse (value: unknown): value is DirectResponse {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[kDirectResponse] === true
}

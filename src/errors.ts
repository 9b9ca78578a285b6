/**
 * Errors.
 *
 * Two families, kept apart as FastAPI keeps `HTTPException` apart from `FastAPIError`:
 * - {@link RoutecraftError}: API misuse (a declaration or an option that cannot work). Thrown
 *   when a declaration is built or compiled, never at the first request. Each carries a stable
 *   `RC_ERR_…` code listed in `docs/errors.md`.
 * - {@link HttpError}: a request-time failure that becomes the response `{ "detail": … }`.
 */

import { STATUS_CODES } from 'node:http'
import { assertHeaderName, assertHeaderValue } from './responses/http-fields.js'

// ---------------------------------------------------------------------------------------------
// Codes
// ---------------------------------------------------------------------------------------------

/**
 * Every code routecraft throws, with the area it belongs to. Codes are never reused: a code
 * that goes out of use stays here, marked as such in `docs/errors.md`.
 */
export const errorCodes = {
  // Declarations of routes, webhooks and dependencies
  RC_ERR_ROUTE_NO_HANDLER: 'a route declaration needs a handler function',
  RC_ERR_ROUTE_METHOD: 'an HTTP method routecraft does not know',
  RC_ERR_ROUTE_URL: 'a url that is not a string starting with "/"',
  RC_ERR_ROUTE_PATH_PARAM: 'a path parameter without an entry in the params schema (or the reverse)',
  RC_ERR_ROUTE_SCHEMA: 'a request-part or response schema that is not a TypeBox/JSON schema object',
  RC_ERR_ROUTE_STATUS: 'a status code outside 100–599',
  RC_ERR_ROUTE_OPTION: 'an option of the wrong type or an unknown option',
  RC_ERR_ROUTE_BODY_CONFLICT: '`rawBody: true` together with a `body` schema',
  RC_ERR_WEBHOOK_NAME: 'a webhook without a valid event name',
  RC_ERR_DEPENDENCY_SHAPE: 'something in `deps` that is not a dependency',
  RC_ERR_DEPENDENCY_CYCLE: 'a dependency that depends on itself, directly or not',
  RC_ERR_DEPENDENCY_NO_RESOLVE: 'a dependency declaration without a resolve function',
  // The OpenAPI document
  RC_ERR_OPENAPI_DUPLICATE_OPERATION_ID: 'two documented operations with the same operationId',
  RC_ERR_OPENAPI_DUPLICATE_WEBHOOK: 'two webhooks with the same name and method',
  RC_ERR_OPENAPI_OPTION: 'an option of openapi() of the wrong type',
  RC_ERR_OPENAPI_REGISTERED_TWICE: 'openapi() registered twice on one server',
  RC_ERR_OPENAPI_SCHEMA_ID: 'two different schemas with the same $id in one document',
  // Responses
  RC_ERR_RESPONSE_HEADER: 'a header name or value with CR/LF or characters HTTP forbids',
  RC_ERR_RESPONSE_COOKIE: 'a cookie name, value or attribute that cannot be sent',
  RC_ERR_RESPONSE_STATUS: 'a response status outside 100–599',
  RC_ERR_JSONABLE_CYCLE: 'a value with a reference cycle given to jsonable()',
  RC_ERR_JSONABLE_VALUE: 'a value jsonable() cannot convert (a function or a symbol at the top)',
  // Security
  RC_ERR_AUTH_OPTION: 'an option of basicAuth() of the wrong type',
  // Webhooks
  RC_ERR_WEBHOOK_SECRET: 'a webhook secret that is missing or not a whsec_/base64 secret',
  RC_ERR_WEBHOOK_VERIFY: 'a received webhook that fails verification',
  RC_ERR_WEBHOOK_OPTION: 'an option of send() of the wrong type',
} as const

/** A stable error code. */
export type RoutecraftErrorCode = keyof typeof errorCodes

// ---------------------------------------------------------------------------------------------
// RoutecraftError
// ---------------------------------------------------------------------------------------------

/**
 * API misuse: thrown when a declaration or an option cannot work.
 *
 * @example
 * ```ts
 * try { route({ method: 'GET', url: '/x' } as never) }
 * catch (err) { if (err instanceof RoutecraftError) console.log(err.code) } // RC_ERR_ROUTE_NO_HANDLER
 * ```
 */
export class RoutecraftError extends Error {
  override name = 'RoutecraftError'
  readonly code: RoutecraftErrorCode

  constructor (code: RoutecraftErrorCode, message: string, options?: { cause?: unknown }) {
    super(`${code}: ${message}`, options)
    this.code = code
  }
}

// ---------------------------------------------------------------------------------------------
// HttpError
// ---------------------------------------------------------------------------------------------

/**
 * A request-time error that becomes the response: `status`, `{ "detail": detail }` and the
 * given headers (FastAPI's `HTTPException`).
 *
 * @example
 * ```ts
 * throw new HttpError(401, 'Incorrect username or password', { 'WWW-Authenticate': 'Basic' })
 * ```
 */
export class HttpError extends Error {
  override name = 'HttpError'
  readonly status: number
  readonly detail: unknown
  readonly headers: Readonly<Record<string, string>>

  constructor (status: number, detail?: unknown, headers?: Record<string, string>) {
    if (!Number.isInteger(status) || status < 400 || status > 599) {
      throw new RoutecraftError('RC_ERR_RESPONSE_STATUS', `HttpError needs a 4xx or 5xx status, got ${String(status)}`)
    }
    super(typeof detail === 'string' ? detail : `HTTP ${status}`)
    this.status = status
    this.detail = detail === undefined ? defaultDetail(status) : detail
    // Checked here, like every header routecraft sends: a CR/LF or a character HTTP forbids
    // fails at the throw site, not as Node's ERR_INVALID_CHAR when the response is written.
    const checked: Record<string, string> = {}
    for (const [name, value] of Object.entries(headers ?? {})) {
      assertHeaderName(name)
      checked[name] = assertHeaderValue(name, value)
    }
    this.headers = checked
  }

  /** Fastify reads `statusCode`. */
  get statusCode (): number { return this.status }
}

const reasons: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  409: 'Conflict',
  410: 'Gone',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
}

/** The reason phrase FastAPI (Starlette) uses as the default detail. */
export function defaultDetail (status: number): string {
  return reasons[status] ?? STATUS_CODES[status] ?? (status >= 500 ? 'Internal Server Error' : 'Error')
}

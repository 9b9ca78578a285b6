/**
 * {@link HttpError}: a request-time failure that becomes the response `{ "detail": … }`,
 * kept apart from API misuse ({@link RoutecraftError}) as FastAPI keeps `HTTPException` apart
 * from `FastAPIError`.
 */
import { STATUS_CODES } from 'node:http'
import { routecraftError } from '../errors.js'
import { assertHeaderName, assertHeaderValue } from './http-fields.js'
import { isStatus } from '../common/http.js'

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
    if (!isStatus(status, 400)) {
      throw routecraftError('RC_ERR_RESPONSE_STATUS', 'httpError', { status })
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

// ---------------------------------------------------------------------------------------------
// RequestValidationError
// ---------------------------------------------------------------------------------------------

/** One problem of a request, in FastAPI's shape. */
export interface RequestValidationIssue {
  type: string
  loc: Array<string | number>
  msg: string
  input: unknown
  ctx?: Record<string, unknown>
}

/**
 * What an app's own error handler (`setErrorHandler`) receives when a request fails
 * validation or sends malformed JSON: `statusCode` 422 and FastAPI's list in `detail`.
 * Without an app error handler routecraft answers `{ "detail": detail }` itself and never
 * creates one.
 *
 * @example
 * ```ts
 * app.setErrorHandler((error, request, reply) => {
 *   if (error instanceof RequestValidationError) return reply.code(400).send({ errors: error.detail })
 *   return routecraftErrorHandler(error, request, reply)
 * })
 * ```
 */
export class RequestValidationError extends Error {
  override name = 'RequestValidationError'
  readonly statusCode = 422
  readonly detail: RequestValidationIssue[]

  constructor (detail: RequestValidationIssue[]) {
    super('Request validation failed')
    this.detail = detail
  }
}

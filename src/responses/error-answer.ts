/**
 * The answer to an `HttpError`, checked as a whole before anything is written: a status and
 * headers that can be sent, and a `{ "detail": … }` body that serializes. An `HttpError`
 * checks its status and headers when it is built, but its fields can be changed afterwards,
 * and its `detail` can be anything (a cycle, a BigInt, a throwing `toJSON`): whatever fails
 * here makes the caller answer a clean 500 instead of Fastify's own error body.
 */
import { assertHeaderValue, headerKey } from './http-fields.js'
import { isStatus } from '../common/http.js'

/** What an `HttpError` answers; `undefined` from {@link httpErrorAnswer} when it cannot be sent. */
export interface ErrorAnswer {
  readonly status: number
  readonly headers: ReadonlyArray<readonly [string, string]>
  /** `{"detail": …}` as JSON text. */
  readonly body: string
}

/** The body of every 500 routecraft answers: FastAPI's, with nothing from the error in it. */
export const INTERNAL_ERROR_BODY = '{"detail":"Internal Server Error"}'

/**
 * Checks and serializes what an error carries. `status` must be an error status (an integer
 * from 400 to 599), every header must pass the checks of `ctx.response.headers.set`, and
 * `{ detail }` must serialize with `JSON.stringify` (as Fastify would send it); otherwise
 * `undefined`. Never throws, whatever getters, proxies or `toJSON` methods the values hold.
 *
 * @example
 * ```ts
 * httpErrorAnswer(404, 'Item not found', {}) // { status: 404, headers: [], body: '{"detail":"Item not found"}' }
 * httpErrorAnswer(422, cyclic, {})           // undefined
 * ```
 */
export function httpErrorAnswer (status: unknown, detail: unknown, headers: unknown): ErrorAnswer | undefined {
  try {
    if (!isStatus(status, 400)) return undefined
    const checked: Array<readonly [string, string]> = []
    for (const [name, value] of Object.entries(headers as object)) checked.push([headerKey(name), assertHeaderValue(name, value)])
    const body = JSON.stringify({ detail })
    return { status, headers: checked, body }
  } catch {
    return undefined
  }
}

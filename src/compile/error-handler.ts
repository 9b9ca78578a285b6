/**
 * The error mapping of routecraft routes: any error → FastAPI's `{ "detail": … }` shape, used
 * when the app has no error handler of its own.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { HttpError, RequestValidationError } from '../responses/http-error.js'
import { httpErrorAnswer, INTERNAL_ERROR_BODY, type ErrorAnswer } from '../responses/error-answer.js'

// With the charset, as Fastify sends JSON.
const JSON_CONTENT_TYPE = 'application/json; charset=utf-8'

/**
 * Turns anything a route throws or rejects with into FastAPI's `{ "detail": … }` shape: what
 * routecraft routes answer when the app has no error handler of its own. An app's handler can
 * hand errors back to it.
 *
 * - `HttpError`: its status, `{ "detail": detail }` and its headers.
 * - `RequestValidationError`: 422 with FastAPI's list.
 * - Any other `Error` with a 4xx `statusCode` (or `status`) and a string message, from a
 *   handler, a dependency or another plugin's hook (@fastify/rate-limit's 429, @fastify/error's
 *   403, Fastify's own request errors): that status, its `headers` (e.g. `Retry-After`),
 *   `{ "detail": message }`.
 * - Anything else (a 5xx, a thrown non-Error, an object with throwing getters, a detail or a
 *   header that cannot be sent) is logged and answered 500 `{ "detail": "Internal Server Error" }`:
 *   a 5xx never shows its message.
 *
 * @example
 * ```ts
 * app.setErrorHandler((error, request, reply) => {
 *   if (error instanceof HttpError && error.status === 418) return reply.code(418).send('short and stout')
 *   return routecraftErrorHandler(error, request, reply)
 * })
 * ```
 */
export function routecraftErrorHandler (error: FastifyError | Error, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  try {
    const answer = answerFor(error as unknown)
    if (answer !== undefined) {
      for (const [name, value] of answer.headers) reply.header(name, value)
      return reply.code(answer.status).type(JSON_CONTENT_TYPE).send(answer.body)
    }
  } catch {}
  try {
    request.log.error({ err: error }, 'routecraft: unhandled error in route')
  } catch {}
  return reply.code(500).type(JSON_CONTENT_TYPE).send(INTERNAL_ERROR_BODY)
}

/** The answer an error asks for, or undefined for a clean 500. May throw (a hostile getter): a clean 500 too. */
function answerFor (error: unknown): ErrorAnswer | undefined {
  if (typeof error !== 'object' || error === null) return undefined
  if (error instanceof HttpError) return httpErrorAnswer(error.status, error.detail, error.headers)
  if (error instanceof RequestValidationError) return httpErrorAnswer(422, error.detail, {})
  if (!(error instanceof Error)) return undefined
  const { statusCode, status, code, message, headers } = error as FastifyError & { status?: unknown; headers?: unknown }
  if (code === 'FST_ERR_CTP_BODY_TOO_LARGE') return httpErrorAnswer(413, 'Content Too Large', {})
  // As Fastify answers: a 4xx is a message meant for the client; a 5xx may carry internals.
  const claimed = typeof statusCode === 'number' ? statusCode : status
  if (typeof claimed === 'number' && claimed < 500 && typeof message === 'string') {
    return httpErrorAnswer(claimed, message, sentHeaders(headers))
  }
  return undefined
}

/** An error's `headers` without the unset ones (as Fastify sends them); no object, none. */
function sentHeaders (headers: unknown): Record<string, unknown> {
  const sent: Record<string, unknown> = {}
  if (typeof headers === 'object' && headers !== null) {
    for (const [name, value] of Object.entries(headers)) if (value !== undefined) sent[name] = value
  }
  return sent
}

/**
 * Whether the scope a route is registered in has an error handler of the app's own
 * (`setErrorHandler` at the root or any parent): Fastify's default is `defaultErrorHandler`.
 */
export function appHandlesErrors (fastify: FastifyInstance): boolean {
  return fastify.errorHandler.name !== 'defaultErrorHandler'
}

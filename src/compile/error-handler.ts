/**
 * The error mapping of routecraft routes: any error → FastAPI's `{ "detail": … }` shape.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify'
import { HttpError } from '../responses/http-error.js'
import { httpErrorAnswer, INTERNAL_ERROR_BODY, type ErrorAnswer } from '../responses/error-answer.js'
import { BodyError } from './body.js'

// With the charset, as Fastify sends JSON.
const JSON_CONTENT_TYPE = 'application/json; charset=utf-8'

/**
 * Turns anything a routecraft route throws or rejects with (an Error, `null`, `undefined`, a
 * string, an object with throwing getters) into FastAPI's `{ "detail": … }` shape. Whatever
 * cannot be answered as it asks (a detail that does not serialize, a status or header changed
 * after its checks) is a logged, clean 500 with nothing from the error in its body.
 */
export function routeErrorHandler (error: FastifyError | Error, request: FastifyRequest, reply: FastifyReply): FastifyReply {
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
  if (error instanceof BodyError) return httpErrorAnswer(error.status, error.detail, {})
  const { statusCode: status, code, message, expose } = error as FastifyError & { expose?: unknown }
  if (code === 'FST_ERR_CTP_BODY_TOO_LARGE') return httpErrorAnswer(413, 'Content Too Large', {})
  // Only Fastify's own request errors (FST_ERR_*) and errors marked safe to show (the
  // http-errors convention, `expose: true`) keep their message; any other error may carry
  // internal details, whatever status it claims.
  const exposable = (typeof code === 'string' && code.startsWith('FST_ERR_')) || expose === true
  if (exposable && typeof status === 'number' && status >= 400 && status < 500 && typeof message === 'string') {
    return httpErrorAnswer(status, message, {})
  }
  return undefined
}

/**
 * The error mapping of routecraft routes: any error → FastAPI's `{ "detail": … }` shape.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify'
import { HttpError } from '../responses/http-error.js'
import { BodyError } from './body.js'


/** Turns any error of a routecraft route into FastAPI's `{ "detail": … }` shape. */
export function routeErrorHandler (error: FastifyError | Error, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  if (error instanceof HttpError) {
    for (const [name, value] of Object.entries(error.headers)) reply.header(name, value)
    return reply.code(error.status).send({ detail: error.detail })
  }
  if (error instanceof BodyError) return reply.code(error.status).send({ detail: error.detail })
  const { statusCode: status, code } = error as FastifyError & { expose?: unknown }
  if (code === 'FST_ERR_CTP_BODY_TOO_LARGE') return reply.code(413).send({ detail: 'Content Too Large' })
  // Only Fastify's own request errors (FST_ERR_*) and errors marked safe to show (the
  // http-errors convention, `expose: true`) keep their message; any other error may carry
  // internal details, whatever status it claims.
  const exposable = (typeof code === 'string' && code.startsWith('FST_ERR_')) || (error as { expose?: unknown }).expose === true
  if (exposable && typeof status === 'number' && status >= 400 && status < 500) {
    return reply.code(status).send({ detail: error.message })
  }
  request.log.error({ err: error }, 'routecraft: unhandled error in route')
  return reply.code(500).send({ detail: 'Internal Server Error' })
}


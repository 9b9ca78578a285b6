/**
 * Replacing a route's handler once it is compiled: Fastify calls `handler` on the route's
 * context, which a request carries under Fastify's own symbol. Without that symbol (another
 * Fastify) the first-use handler stays in front of the compiled one: one call more, the same
 * answers.
 */
import type { FastifyRequest } from 'fastify'
import type { RouteHandler } from './handler.js'

let kContext: symbol | undefined

function contextOf (request: FastifyRequest): { handler?: unknown } | undefined {
  if (kContext === undefined || !(kContext in request)) {
    kContext = Object.getOwnPropertySymbols(request).find(s => s.description === 'fastify.context')
    if (kContext === undefined) return undefined
  }
  const context = (request as unknown as Record<symbol, unknown>)[kContext]
  return typeof context === 'object' && context !== null ? context as { handler?: unknown } : undefined
}

/**
 * Makes `compiled` the handler of the route serving `request` (its context, for every later
 * request), when the handler there is still the first-use one as Fastify bound it: a handler an
 * `onRoute` hook wrapped (tracing, say) keeps its wrapper, and the call in between.
 */
export function replaceHandler (request: FastifyRequest, compiled: RouteHandler): void {
  const context = contextOf(request)
  if (typeof context?.handler === 'function' && context.handler.name === 'bound routecraftFirstUse') context.handler = compiled
}

/**
 * Replacing a route's first-use handler (swap.ts) with stand-ins for requests: what is
 * replaced, and what is left alone when the request does not carry a context routecraft knows.
 */
import t from 'tap'
import type { FastifyRequest } from 'fastify'
import { replaceHandler } from '../../src/compile/swap.js'
import type { RouteHandler } from '../../src/compile/handler.js'

const compiled: RouteHandler = () => undefined
function routecraftFirstUse (): undefined { return undefined }

const requestWith = (key: symbol, context: unknown): FastifyRequest => ({ [key]: context }) as unknown as FastifyRequest

t.test('the bound first-use handler is replaced, on contexts of any copy of Fastify', async t => {
  for (const key of [Symbol('fastify.context'), Symbol('fastify.context')]) {
    const context = { handler: routecraftFirstUse.bind(null) }
    replaceHandler(requestWith(key, context), compiled)
    t.equal(context.handler, compiled)
  }
})

t.test('anything else is left alone', async t => {
  const wrapper = { handler: function traced () {} }
  replaceHandler(requestWith(Symbol('fastify.context'), wrapper), compiled)
  t.equal(wrapper.handler.name, 'traced', 'a wrapped handler')
  replaceHandler(requestWith(Symbol('fastify.context'), null), compiled)
  replaceHandler(requestWith(Symbol('fastify.context'), { handler: 'not a function' }), compiled)
  replaceHandler(requestWith(Symbol('other'), { handler: routecraftFirstUse.bind(null) }), compiled)
  replaceHandler({} as FastifyRequest, compiled)
  t.pass('no context, no change and no throw')
})

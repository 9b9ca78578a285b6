/**
 * Seed: "Response Headers", with a `Response` parameter.
 *
 * The handler sets `X-Cat-Dog` on the temporal response and returns a plain object, sent as
 * JSON. The header is documented in the operation's 200 response.
 */
import Fastify, { type FastifyInstance } from 'fastify'
import { Type } from '@sinclair/typebox'
import { openapi, route } from '../../src/index.js'

export async function build (): Promise<FastifyInstance> {
  const app = Fastify()
  await app.register(openapi())

  await app.register(route({
    method: 'GET',
    url: '/headers-and-object/',
    responses: {
      200: { description: 'Successful Response', headers: { 'X-Cat-Dog': { description: 'Where the cat-dog is', schema: Type.String() } } },
    },
    handler: function get_headers ({ response }) {
      response.headers.set('X-Cat-Dog', 'alone in the world')
      return { message: 'Hello World' }
    },
  }))
  return app
}

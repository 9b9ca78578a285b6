/**
 * Seed: "Response Headers", returning a response directly.
 *
 * The headers are passed to `withResponse` (FastAPI's `JSONResponse(content, headers=...)`);
 * the content is sent as JSON. Both headers are documented in the operation's 200 response.
 */
import Fastify, { type FastifyInstance } from 'fastify'
import { Type } from '@sinclair/typebox'
import { openapi, route, withResponse } from '../../src/index.js'

export async function build (): Promise<FastifyInstance> {
  const app = Fastify()
  await app.register(openapi())

  await app.register(route({
    method: 'GET',
    url: '/headers/',
    responses: {
      200: {
        description: 'Successful Response',
        headers: {
          'X-Cat-Dog': { description: 'Where the cat-dog is', schema: Type.String() },
          'Content-Language': { description: 'The language of the content', schema: Type.String() },
        },
      },
    },
    handler: function get_headers () {
      const content = { message: 'Hello World' }
      const headers = { 'X-Cat-Dog': 'alone in the world', 'Content-Language': 'en-US' }
      return withResponse(content, { headers })
    },
  }))
  return app
}

/**
 * Seed: "Response Cookies", returning a response directly.
 *
 * The handler builds a direct response (FastAPI's `JSONResponse(content=...)`) with
 * `withResponse`, sets the cookie on it, and returns it.
 */
import Fastify, { type FastifyInstance } from 'fastify'
import { openapi, route, withResponse } from '../../src/index.js'

export async function build (): Promise<FastifyInstance> {
  const app = Fastify()
  await app.register(openapi())

  await app.register(route({
    method: 'POST',
    url: '/cookie/',
    handler: function create_cookie () {
      const content = { message: 'Come to the dark side, we have cookies' }
      const response = withResponse(content)
      response.setCookie('fakesession', 'fake-cookie-session-value')
      return response
    },
  }))
  return app
}

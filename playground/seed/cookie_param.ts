/**
 * Seed: "Response Cookies", with a `Response` parameter.
 *
 * The handler sets a cookie on the temporal response (`ctx.response.setCookie`) and returns a
 * plain object, sent as JSON. Cookies default to Starlette's `set_cookie`: `Path=/`,
 * `SameSite=Lax`, no HttpOnly, no Secure.
 */
import Fastify, { type FastifyInstance } from 'fastify'
import { openapi, route } from '../../src/index.js'

export async function build (): Promise<FastifyInstance> {
  const app = Fastify()
  await app.register(openapi())

  await app.register(route({
    method: 'POST',
    url: '/cookie-and-object/',
    handler: function create_cookie ({ response }) {
      response.setCookie('fakesession', 'fake-cookie-session-value')
      return { message: 'Come to the dark side, we have cookies' }
    },
  }))
  return app
}

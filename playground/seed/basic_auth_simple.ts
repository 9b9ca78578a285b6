/**
 * Seed: "HTTP Basic Auth" — Simple HTTP Basic Auth.
 *
 * FastAPI's `HTTPBasic()` security scheme as a routecraft dependency: the handler receives the
 * `{ username, password }` the `Authorization` header carried (decoded as UTF-8).
 */
import Fastify, { type FastifyInstance } from 'fastify'
import { basicAuth, openapi, route } from '../../src/index.js'

export async function build (): Promise<FastifyInstance> {
  const app = Fastify()
  await app.register(openapi())

  const security = basicAuth()

  await app.register(route({
    method: 'GET',
    url: '/users/me',
    deps: { credentials: security },
    handler: function read_current_user ({ deps }) {
      return { username: deps.credentials.username, password: deps.credentials.password }
    },
  }))

  return app
}

/**
 * Seed: "HTTP Basic Auth" — Simple HTTP Basic Auth.
 *
 * FastAPI's `HTTPBasic()` security scheme as a routecraft dependency: the handler receives the
 * `{ username, password }` the `Authorization` header carried (decoded as UTF-8).
 */
import Fastify, { type FastifyInstance } from 'fastify'
import { basicAuth, openapi, route } from '../../src/index.js'

const security = basicAuth()

/** The seed's path operation, as a value: tests send requests to it with the typed client. */
export const readCurrentUser = route({
  method: 'GET',
  url: '/users/me',
  deps: { credentials: security },
  handler: function read_current_user ({ deps }) {
    return { username: deps.credentials.username, password: deps.credentials.password }
  },
})

export async function build (): Promise<FastifyInstance> {
  const app = Fastify()
  await app.register(openapi())
  await app.register(readCurrentUser)
  return app
}

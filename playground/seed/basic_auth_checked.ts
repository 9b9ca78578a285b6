/**
 * Seed: "HTTP Basic Auth" — Check the username.
 *
 * A dependency checks the credentials in constant time (`safeCompare` compares the UTF-8
 * bytes whatever their lengths, like `secrets.compare_digest` on encoded strings) and answers
 * 401 with `WWW-Authenticate: Basic` when they are wrong.
 */
import Fastify, { type FastifyInstance } from 'fastify'
import { basicAuth, dependency, HttpError, openapi, route, safeCompare } from '../../src/index.js'

const security = basicAuth()

const getCurrentUsername = dependency({
  deps: { credentials: security },
  resolve: function get_current_username ({ deps }) {
    const isCorrectUsername = safeCompare(deps.credentials.username, 'stanleyjobson')
    const isCorrectPassword = safeCompare(deps.credentials.password, 'swordfish')
    if (!(isCorrectUsername && isCorrectPassword)) {
      throw new HttpError(401, 'Incorrect username or password', { 'WWW-Authenticate': 'Basic' })
    }
    return deps.credentials.username
  },
})

/** The seed's path operation, as a value: tests send requests to it with the typed client. */
export const readCurrentUser = route({
  method: 'GET',
  url: '/users/me',
  deps: { username: getCurrentUsername },
  handler: function read_current_user ({ deps }) {
    return { username: deps.username }
  },
})

export async function build (): Promise<FastifyInstance> {
  const app = Fastify()
  await app.register(openapi())
  await app.register(readCurrentUser)
  return app
}

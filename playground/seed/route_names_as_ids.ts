/**
 * Seed: "Path Operation Advanced Configuration" → using the path operation function name as
 * the operationId.
 *
 * FastAPI mutates every `APIRoute.operation_id` after all routes are added
 * (`use_route_names_as_operation_ids(app)`), and warns that routes added later, or an
 * `app.openapi()` called earlier, escape it. routecraft declares the strategy instead:
 * `openapi({ operationIds: 'name' })` applies to every route of the app whenever it was
 * registered, so there is no order to get wrong. Names must still be unique: a clash makes
 * `ready()` reject.
 */
import Fastify, { type FastifyInstance } from 'fastify'
import { openapi, route } from '../../src/index.js'

export async function build (): Promise<FastifyInstance> {
  const app = Fastify()
  await app.register(openapi({ operationIds: 'name' }))

  await app.register(route({
    method: 'GET',
    url: '/items/',
    handler: async function read_items () {
      return [{ item_id: 'Foo' }]
    },
  }))

  return app
}

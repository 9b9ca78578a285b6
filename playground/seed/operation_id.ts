/**
 * Seed: "Path Operation Advanced Configuration" → OpenAPI operationId.
 *
 * FastAPI: `@app.get("/items/", operation_id="some_specific_id_you_define")`.
 * The explicit operationId must be unique in the document (routecraft refuses duplicates
 * at `ready()`).
 */
import Fastify, { type FastifyInstance } from 'fastify'
import { openapi, route } from '../../src/index.js'

export async function build (): Promise<FastifyInstance> {
  const app = Fastify()
  await app.register(openapi())

  await app.register(route({
    method: 'GET',
    url: '/items/',
    operationId: 'some_specific_id_you_define',
    handler: async function read_items () {
      return [{ item_id: 'Foo' }]
    },
  }))

  return app
}

/**
 * Seed: "Path Operation Advanced Configuration" → Exclude from OpenAPI.
 *
 * FastAPI: `@app.get("/items/", include_in_schema=False)`. The route is served as usual but
 * is absent from `/openapi.json` (and so from `/docs`).
 */
import Fastify, { type FastifyInstance } from 'fastify'
import { openapi, route } from '../../src/index.js'

export async function build (): Promise<FastifyInstance> {
  const app = Fastify()
  await app.register(openapi())

  await app.register(route({
    method: 'GET',
    url: '/items/',
    includeInSchema: false,
    handler: async function read_items () {
      return [{ item_id: 'Foo' }]
    },
  }))

  return app
}

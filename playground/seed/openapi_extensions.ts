/**
 * Seed: "Path Operation Advanced Configuration" → OpenAPI Extra → OpenAPI Extensions.
 *
 * FastAPI: `openapi_extra={"x-aperture-labs-portal": "blue"}`, deep-merged into the generated
 * operation object. The extension shows in `/openapi.json` and at the bottom of the operation
 * in `/docs` (Swagger UI runs with `showExtensions`).
 *
 * `info` is FastAPI's default here so that the document is exactly the one the seed page shows.
 */
import Fastify, { type FastifyInstance } from 'fastify'
import { openapi, route } from '../../src/index.js'

export async function build (): Promise<FastifyInstance> {
  const app = Fastify()
  await app.register(openapi({ info: { title: 'FastAPI', version: '0.1.0' } }))

  await app.register(route({
    method: 'GET',
    url: '/items/',
    openapiExtra: { 'x-aperture-labs-portal': 'blue' },
    handler: async function read_items () {
      return [{ item_id: 'portal-gun' }]
    },
  }))

  return app
}

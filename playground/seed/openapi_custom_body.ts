/**
 * Seed: "Path Operation Advanced Configuration" → OpenAPI Extra → Custom OpenAPI path
 * operation schema.
 *
 * FastAPI reads `await request.body()` (bytes, not parsed, not validated) and documents the
 * request body with `openapi_extra`. Here `rawBody: true` hands the handler the body as a
 * Buffer, whatever its content type (an empty Buffer when there is none); `openapiExtra`
 * documents it. The body size limit still applies (413 over it).
 */
import Fastify, { type FastifyInstance } from 'fastify'
import { openapi, route } from '../../src/index.js'

export function magic_data_reader (raw_body: Buffer): { size: number; content: { name: string; price: number; description: string } } {
  return {
    size: raw_body.length,
    content: {
      name: 'Maaaagic',
      price: 42,
      description: "Just kiddin', no magic here. ✨",
    },
  }
}

export async function build (): Promise<FastifyInstance> {
  const app = Fastify()
  await app.register(openapi())

  await app.register(route({
    method: 'POST',
    url: '/items/',
    rawBody: true,
    openapiExtra: {
      requestBody: {
        content: {
          'application/json': {
            schema: {
              required: ['name', 'price'],
              type: 'object',
              properties: {
                name: { type: 'string' },
                price: { type: 'number' },
                description: { type: 'string' },
              },
            },
          },
        },
        required: true,
      },
    },
    handler: async function create_item ({ body }) {
      const raw_body = body
      const data = magic_data_reader(raw_body)
      return data
    },
  }))

  return app
}

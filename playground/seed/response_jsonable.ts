/**
 * Seed: "Return a Response Directly", using `jsonable_encoder` in a response.
 *
 * A direct response is sent as it is, so its content must be JSON data already: the handler
 * turns the item, whose `timestamp` is a `Date` here as it is a `datetime` in Pydantic, into
 * JSON data with `jsonable()` (the `Date` becomes an ISO 8601 string) before returning it with
 * `withResponse`.
 */
import Fastify, { type FastifyInstance } from 'fastify'
import { Type } from '@sinclair/typebox'
import { jsonable, openapi, route, withResponse } from '../../src/index.js'

export const Item = Type.Object({
  title: Type.String(),
  // Lenient as FastAPI: with or without a zone (`2023-01-01T12:00:00`).
  timestamp: Type.String({ format: 'date-time' }),
  // Pydantic's `str | None = None`: optional, null accepted, null when absent.
  description: Type.Optional(Type.Union([Type.String(), Type.Null()], { default: null })),
}, { $id: 'Item' })

export async function build (): Promise<FastifyInstance> {
  const app = Fastify()
  await app.register(openapi())

  await app.register(route({
    method: 'PUT',
    url: '/items/{id}',
    params: Type.Object({ id: Type.String() }),
    body: Item,
    handler: function update_item ({ body }) {
      // What Pydantic would hold: the timestamp as a date-time object, not a string.
      const item = { ...body, timestamp: new Date(body.timestamp) }
      const json_compatible_item_data = jsonable(item)
      return withResponse(json_compatible_item_data)
    },
  }))
  return app
}

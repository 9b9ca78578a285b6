/**
 * Seed: "Path Operation Advanced Configuration" → Advanced description from docstring.
 *
 * FastAPI reads the description from the docstring and cuts it at the first `\f` (form
 * feed): what follows is for the code's readers (Sphinx, say), not for the API's. Here the
 * description is an indented template literal; routecraft cleans it like Python's
 * `inspect.cleandoc` and cuts it at `\f`, once, when the route is declared.
 */
import Fastify, { type FastifyInstance } from 'fastify'
import { Type } from '@sinclair/typebox'
import { model, nullable, openapi, route, withDefault } from '../../src/index.js'

/**
 * Pydantic's `Item`: `description` and `tax` are `X | None = None` (null accepted, null when
 * absent, not required), `tags: set[str] = set()` an array of unique strings, default `[]`,
 * not required either.
 */
export const Item = model('Item', {
  name: Type.String(),
  description: nullable(Type.String()),
  price: Type.Number(),
  tax: nullable(Type.Number()),
  tags: withDefault(Type.Array(Type.String(), { uniqueItems: true }), []),
})

export async function build (): Promise<FastifyInstance> {
  const app = Fastify()
  await app.register(openapi())

  await app.register(route({
    method: 'POST',
    url: '/items/',
    body: Item,
    response: Item,
    summary: 'Create an item',
    description: `
    Create an item with all the information:

    - **name**: each item must have a name
    - **description**: a long description
    - **price**: required
    - **tax**: if the item doesn't have tax, you can omit this
    - **tags**: a set of unique tag strings for this item
    \f
    :param item: User input.
    `,
    handler: async function create_item ({ body }) {
      return body
    },
  }))

  return app
}

/**
 * Start-up cost: a declared schema is walked once before its route's first request. The
 * declaration's check (document values, keyword mistakes) records what the schema holds, and
 * preparing it for Ajv, finding its references and checking the document's `$id`s at `ready()`
 * read that record instead of walking the schema again.
 */
import t from 'tap'
import Fastify from 'fastify'
import { Type, type TSchema } from '@sinclair/typebox'
import { openapi, route } from '../../src/index.js'

/** `schema` with every object in it behind a Proxy that counts how often its keys are listed. */
function counted<T extends object> (schema: T, counts: Map<string, number>, path = '$'): T {
  const copy: Record<PropertyKey, unknown> = Array.isArray(schema) ? [] as never : {}
  for (const key of Reflect.ownKeys(schema)) {
    const value = (schema as Record<PropertyKey, unknown>)[key]
    const inner = typeof value === 'object' && value !== null && typeof key === 'string' ? counted(value, counts, `${path}.${key}`) : value
    Object.defineProperty(copy, key, { ...Object.getOwnPropertyDescriptor(schema, key), value: inner })
  }
  counts.set(path, 0)
  return new Proxy(copy, {
    ownKeys (target) {
      counts.set(path, (counts.get(path) ?? 0) + 1)
      return Reflect.ownKeys(target)
    },
  }) as T
}

const item = (): TSchema => Type.Object({ id: Type.Integer(), name: Type.String(), tags: Type.Array(Type.String()), price: Type.Number({ default: 1 }) })

for (const withOpenapi of [true, false]) {
  t.test(`${withOpenapi ? 'with' : 'without'} openapi(): every node of a declared schema is listed once until the first request`, async t => {
    const counts = new Map<string, number>()
    const body = counted(item(), counts, 'body')
    const response = counted(item(), counts, 'response')
    const params = counted(Type.Object({ item_id: Type.Integer() }), counts, 'params')
    const app = Fastify()
    t.teardown(() => app.close())
    if (withOpenapi) await app.register(openapi())
    await app.register(route({
      method: 'PUT', url: '/items/{item_id}', params, body, response,
      handler: function update_item ({ body }) { return body },
    }))
    await app.ready()
    // params.properties is listed once more, by the check that every path parameter is declared.
    const listed = [...counts].filter(([path, n]) => n !== (path === 'params.properties' ? 2 : 1))
    t.same(listed, [], 'each object of the three schemas listed once (by the declaration check)')
    t.ok(counts.size > 10)

    // The route still validates, filters and documents as declared.
    const res = await app.inject({ method: 'PUT', url: '/items/3', payload: { id: 3, name: 'x', tags: ['a'], extra: true } })
    t.equal(res.statusCode, 200)
    t.same(res.json(), { id: 3, name: 'x', tags: ['a'], price: 1 })
    if (withOpenapi) {
      const doc = (await app.inject('/openapi.json')).json() as { paths: Record<string, unknown> }
      t.ok(doc.paths['/items/{item_id}'])
    }
  })
}

t.test('schemas with $ids and references by $id are still prepared, resolved and documented', async t => {
  const Address = Type.Object({ street: Type.String() }, { $id: 'OneWalkAddress' })
  const Order = Type.Object({ billing: Address, shipping: Address, also: Type.Ref('OneWalkAddress') })
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(openapi())
  await app.register(route({ method: 'POST', url: '/orders', body: Order, response: Order, handler: function create_order ({ body }) { return body } }))
  const order = { billing: { street: 'a' }, shipping: { street: 'b' }, also: { street: 'c' } }
  const res = await app.inject({ method: 'POST', url: '/orders', payload: order })
  t.equal(res.statusCode, 200)
  t.same(res.json(), order)
  const bad = await app.inject({ method: 'POST', url: '/orders', payload: { ...order, also: {} } })
  t.equal(bad.statusCode, 422)
  const doc = (await app.inject('/openapi.json')).json() as { components: { schemas: Record<string, unknown> } }
  t.ok(doc.components.schemas.OneWalkAddress)
})

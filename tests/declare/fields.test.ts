/**
 * model(), nullable(), withDefault(), titled(): pydantic's field shapes as plain TypeBox.
 * Expected titles are Python's `name.title().replace('_', ' ')` (pydantic's default field
 * title), as printed by Python 3.11.
 */
import t from 'tap'
import Fastify from 'fastify'
import { Type, Kind, OptionalKind } from '@sinclair/typebox'
import { fieldTitle, model, nullable, openapi, route, titled, withDefault } from '../../src/index.js'

t.test('fieldTitle: pydantic\'s default title', async t => {
  const python: Array<[string, string]> = [
    ['monthly_fee', 'Monthly Fee'], ['item_ID', 'Item Id'], ['x2y', 'X2Y'], ['__a_b', '  A B'],
    ['élan_vital', 'Élan Vital'], ['id', 'Id'], ['HTTPStatus', 'Httpstatus'], ['a1b2_c', 'A1B2 C'],
    ['user-name', 'User-Name'], ['x_1st', 'X 1St'], ['', ''],
  ]
  for (const [name, title] of python) t.equal(fieldTitle(name), title, `${name} → ${title}`)
})

t.test('titled: a title on each field without one; the schemas stay TypeBox schemas', async t => {
  const own = Type.String({ title: 'Mine' })
  const props = titled({ item_id: Type.Integer(), named: own })
  t.strictSame(JSON.parse(JSON.stringify(props)), { item_id: { title: 'Item Id', type: 'integer' }, named: { title: 'Mine', type: 'string' } })
  t.equal(props.named, own, 'a field with a title is kept as it is')
  t.equal(props.item_id[Kind], 'Integer')
})

t.test('model: $id and title are the name; optional and defaulted fields are not required', async t => {
  const Item = model('Item', {
    name: Type.String(),
    description: nullable(Type.String()),
    tags: withDefault(Type.Array(Type.String()), []),
  }, { description: 'An item' })
  t.equal(Item.$id, 'Item')
  t.equal(Item.title, 'Item')
  t.equal(Item.description, 'An item')
  t.strictSame(Item.required, ['name'])
  t.strictSame(JSON.parse(JSON.stringify(Item.properties)), {
    name: { title: 'Name', type: 'string' },
    description: { title: 'Description', default: null, anyOf: [{ type: 'string' }, { type: 'null' }] },
    tags: { title: 'Tags', default: [], type: 'array', items: { type: 'string' } },
  })
  t.equal(Item.properties.description[OptionalKind], 'Optional')
  t.equal(Item.properties.tags[OptionalKind], 'Optional')
  t.equal(model('Renamed', {}, { title: 'Shown' }).title, 'Shown', 'an explicit title wins')
  t.equal(model('Fixed', {}, { $id: 'Other' }).$id, 'Fixed', 'the $id is always the name')
})

t.test('on the wire: null when absent, null accepted, a fresh default per request', async t => {
  const Item = model('Item', { name: Type.String(), tax: nullable(Type.Number()), tags: withDefault(Type.Array(Type.String()), []) })
  const app = Fastify()
  await app.register(openapi())
  await app.register(route({
    method: 'POST', url: '/items', body: Item, response: Item,
    handler: function create_item ({ body }) {
      body.tags?.push('seen')
      return body
    },
  }))
  t.teardown(() => app.close())
  for (let i = 0; i < 2; i++) {
    const res = await app.inject({ method: 'POST', url: '/items', payload: { name: 'Foo' } })
    t.strictSame(res.json(), { name: 'Foo', tax: null, tags: ['seen'] }, `request ${i + 1}: the default is not shared`)
  }
  const withNull = await app.inject({ method: 'POST', url: '/items', payload: { name: 'Foo', tax: null, tags: ['a'] } })
  t.strictSame(withNull.json(), { name: 'Foo', tax: null, tags: ['a', 'seen'] })
  const doc = (await app.inject({ method: 'GET', url: '/openapi.json' })).json()
  // FastAPI's document for `tax: float | None = None` and `tags: list[str] = []`.
  t.strictSame(doc.components.schemas.Item, {
    type: 'object',
    required: ['name'],
    properties: {
      name: { title: 'Name', type: 'string' },
      tax: { title: 'Tax', anyOf: [{ type: 'number' }, { type: 'null' }] },
      tags: { title: 'Tags', default: [], type: 'array', items: { type: 'string' } },
    },
    title: 'Item',
  })
})

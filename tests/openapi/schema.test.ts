/**
 * SchemaComponents: TypeBox/JSON schemas → OpenAPI 3.1 schemas. `$id` sub-schemas become
 * component references, `$ref`s point into the components, literal values are plain copies,
 * and one `$id` can only name one schema per document.
 */
import t from 'tap'
import Fastify from 'fastify'
import { Type } from '@sinclair/typebox'
import { SchemaComponents } from '../../src/openapi/schema.js'
import { openapi, route } from '../../src/index.js'

t.test('anything but a schema object converts to the empty schema', async t => {
  const c = new SchemaComponents()
  for (const value of [undefined, null, true, 'string', 42, [Type.String()]]) {
    t.strictSame(c.convert(value), {}, JSON.stringify(value) ?? 'undefined')
  }
  t.strictSame(c.schemas, {})
})

t.test('$id and $schema are dropped; TypeBox symbols are not copied', async t => {
  const c = new SchemaComponents()
  const out = c.convert(Type.String({ $schema: 'https://json-schema.org/draft/2020-12/schema', minLength: 1 }))
  t.strictSame(out, { minLength: 1, type: 'string' })
  t.strictSame(Object.getOwnPropertySymbols(out), [])
  t.strictSame(c.convert({ $id: '', type: 'string' }), { type: 'string' }, 'an empty $id is no component')
})

t.test('literal values (default, examples, const, enum) are deep plain copies', async t => {
  const c = new SchemaComponents()
  const defaultValue = { name: 'Foo', tags: ['a', { deep: true }], nested: { n: 1, none: null } }
  const examples = [{ name: 'Bar' }, ['x', 'y'], 3]
  const schema = { type: 'object', default: defaultValue, examples, const: 'c', enum: ['a', 'b'] }
  const out = c.convert(schema) as { default: typeof defaultValue, examples: typeof examples, enum: string[] }
  t.strictSame(out, { type: 'object', default: defaultValue, examples, const: 'c', enum: ['a', 'b'] })
  t.not(out.default, defaultValue, 'default is a copy')
  t.not(out.default.tags, defaultValue.tags, 'arrays inside are copies')
  t.not(out.default.tags[1], defaultValue.tags[1], 'objects inside arrays are copies')
  t.not(out.default.nested, defaultValue.nested)
  t.not(out.examples, examples)
  t.not(out.examples[0], examples[0])
  t.not(out.enum, schema.enum)
  defaultValue.tags.push('later')
  t.equal(out.default.tags.length, 2, 'later changes to the source do not reach the document')
})

t.test('a __proto__ key in a literal stays an own property and sets no prototype', async t => {
  const c = new SchemaComponents()
  const defaultValue = JSON.parse('{"__proto__": {"polluted": true}, "ok": 1}') as object
  const out = c.convert({ type: 'object', default: defaultValue }) as { default: Record<string, unknown> }
  t.equal(Object.getPrototypeOf(out.default), Object.prototype)
  t.ok(Object.prototype.hasOwnProperty.call(out.default, '__proto__'))
  t.strictSame(JSON.parse(JSON.stringify(out.default)), { ['__proto__']: { polluted: true }, ok: 1 })
  t.equal(({} as Record<string, unknown>).polluted, undefined)
})

t.test('$ref: fragments are kept, bare ids point into the components', async t => {
  const c = new SchemaComponents()
  t.strictSame(c.convert({ $ref: '#/components/schemas/Item' }), { $ref: '#/components/schemas/Item' })
  t.strictSame(c.convert({ $ref: '#/$defs/Local' }), { $ref: '#/$defs/Local' })
  t.strictSame(c.convert(Type.Ref('Item')), { $ref: '#/components/schemas/Item' })
  t.strictSame(c.convert(Type.Array(Type.Ref('Item'))), { type: 'array', items: { $ref: '#/components/schemas/Item' } })
  t.strictSame(c.convert({ $ref: 7 }), { $ref: 7 }, 'a $ref that is not a string is copied as is')
})

t.test('sub-schemas in maps, single slots and lists are converted; other values copied', async t => {
  const c = new SchemaComponents()
  const Tag = Type.Object({ name: Type.String() }, { $id: 'Tag' })
  const out = c.convert({
    type: 'object',
    properties: { tag: Tag, anything: true, nothing: false },
    patternProperties: { '^x-': Tag },
    additionalProperties: false,
    $defs: { T: Tag },
    not: Tag,
    allOf: [Tag, true],
    anyOf: [{ type: 'string' }, Tag],
    prefixItems: [Tag, false],
  })
  const ref = { $ref: '#/components/schemas/Tag' }
  t.strictSame(out, {
    type: 'object',
    properties: { tag: ref, anything: true, nothing: false },
    patternProperties: { '^x-': ref },
    additionalProperties: false,
    $defs: { T: ref },
    not: ref,
    allOf: [ref, true],
    anyOf: [{ type: 'string' }, ref],
    prefixItems: [ref, false],
  })
  t.strictSame(c.schemas, { Tag: { type: 'object', properties: { name: { type: 'string' } }, required: ['name'], title: 'Tag' } })
})

t.test('items: one schema, or the draft-04 list form with non-schema entries', async t => {
  const c = new SchemaComponents()
  const Tag = Type.String({ $id: 'TagName' })
  t.strictSame(c.convert({ type: 'array', items: Tag }), { type: 'array', items: { $ref: '#/components/schemas/TagName' } })
  t.strictSame(c.convert({ type: 'array', items: [Tag, { type: 'integer' }, true] }), {
    type: 'array',
    items: [{ $ref: '#/components/schemas/TagName' }, { type: 'integer' }, true],
  })
  t.strictSame(c.convert({ type: 'array', items: true }), { type: 'array', items: true }, 'a boolean items is copied')
  t.strictSame(c.convert(Type.Tuple([Type.String(), Type.Number()])), {
    type: 'array', items: [{ type: 'string' }, { type: 'number' }], additionalItems: false, minItems: 2, maxItems: 2,
  }, "TypeBox's tuple form")
  t.strictSame(c.convert({ properties: 'not a map', allOf: 'not a list' }), { properties: 'not a map', allOf: 'not a list' }, 'malformed keys are copied, not walked')
})

t.test('components: title from the schema, or the $id', async t => {
  const c = new SchemaComponents()
  c.convert(Type.Object({ a: Type.String() }, { $id: 'Untitled' }))
  c.convert(Type.Object({ a: Type.String() }, { $id: 'Titled', title: 'A Titled Model' }))
  c.convert({ $id: 'OddTitle', type: 'string', title: 7 })
  t.strictSame(c.schemas, {
    Untitled: { type: 'object', properties: { a: { type: 'string' } }, required: ['a'], title: 'Untitled' },
    Titled: { type: 'object', properties: { a: { type: 'string' } }, required: ['a'], title: 'A Titled Model' },
    OddTitle: { type: 'string', title: 'OddTitle' },
  })
  t.equal(Object.keys(c.schemas.Titled as object).at(-1), 'title', 'the title comes last')
})

t.test('nested $id schemas are components of their own', async t => {
  const c = new SchemaComponents()
  const Inner = Type.Object({ n: Type.Number() }, { $id: 'Inner' })
  const Outer = Type.Object({ inner: Inner, list: Type.Array(Inner) }, { $id: 'Outer' })
  t.strictSame(c.convert(Outer), { $ref: '#/components/schemas/Outer' })
  t.strictSame(c.schemas.Outer, {
    type: 'object',
    properties: { inner: { $ref: '#/components/schemas/Inner' }, list: { type: 'array', items: { $ref: '#/components/schemas/Inner' } } },
    required: ['inner', 'list'],
    title: 'Outer',
  })
  t.strictSame(c.schemas.Inner, { type: 'object', properties: { n: { type: 'number' } }, required: ['n'], title: 'Inner' })
})

t.test('one $id: the same schema twice is fine, two different schemas throw', async t => {
  const c = new SchemaComponents()
  const A = Type.Object({ a: Type.String() }, { $id: 'Model' })
  const sameShape = Type.Object({ a: Type.String() }, { $id: 'Model' })
  t.strictSame(c.convert(A), { $ref: '#/components/schemas/Model' })
  t.strictSame(c.convert(A), { $ref: '#/components/schemas/Model' }, 'the same object again')
  t.strictSame(c.convert(sameShape), { $ref: '#/components/schemas/Model' }, 'an equal copy')
  t.equal(Object.keys(c.schemas).length, 1)
  const other = Type.Object({ b: Type.Number() }, { $id: 'Model' })
  t.throws(() => c.convert(other), {
    name: 'RoutecraftError',
    code: 'RC_ERR_OPENAPI_SCHEMA_ID',
    message: 'RC_ERR_OPENAPI_SCHEMA_ID: two different schemas use $id "Model" in one document; give each its own $id or share one schema object',
  })
  t.throws(() => c.convert({ type: 'object', properties: { x: Type.Object({ a: Type.Integer() }, { $id: 'Model' }) } }), { code: 'RC_ERR_OPENAPI_SCHEMA_ID' }, 'nested too')
})

t.test('two routes whose schemas share an $id with different content: the app does not start', async t => {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(openapi())
  await app.register(route({ method: 'GET', url: '/a', response: Type.Object({ a: Type.String() }, { $id: 'Thing' }), handler: function read_a () { return { a: 'a' } } }))
  await app.register(route({ method: 'GET', url: '/b', response: Type.Object({ b: Type.String() }, { $id: 'Thing' }), handler: function read_b () { return { b: 'b' } } }))
  await t.rejects(async () => { await app.ready() }, { code: 'RC_ERR_OPENAPI_SCHEMA_ID', message: /\$id "Thing"/ })
})

t.test('a null default is not documented, as FastAPI documents `x: str | None = None`', async t => {
  const c = new SchemaComponents()
  t.strictSame(c.convert(Type.Union([Type.String(), Type.Null()], { default: null })), { anyOf: [{ type: 'string' }, { type: 'null' }] })
  t.strictSame(c.convert(Type.String({ default: 'x' })), { default: 'x', type: 'string' }, 'other defaults stay')
  t.strictSame(c.convert(Type.Object({ a: Type.Object({}, { default: { b: null } }) })).properties, { a: { default: { b: null }, type: 'object', properties: {} } }, 'null inside a default stays')
})

t.test("a discriminated union's mapping: only members that are components, only string tags", async t => {
  const c = new SchemaComponents()
  const A = Type.Object({ kind: Type.Unsafe({ enum: ['a', 1] }) }, { $id: 'A' })
  const B = Type.Object({ kind: Type.Unsafe({ anyOf: [{ const: 'b' }, { type: 'integer' }, { const: 2 }, true] }) }, { $id: 'B' })
  const C = Type.Object({ kind: Type.String() }, { $id: 'C' })
  const D = Type.Object({ other: Type.String() }, { $id: 'D' })
  const out = c.convert(Type.Unsafe({ oneOf: [A, B, C, D, Type.Object({ kind: Type.Literal('inline') }), Type.Unsafe({ $id: 'E' }), true], discriminator: { propertyName: 'kind' } }))
  t.strictSame(out.discriminator, { propertyName: 'kind', mapping: { a: '#/components/schemas/A', b: '#/components/schemas/B' } })
  t.ok(Array.isArray(out.oneOf))
})

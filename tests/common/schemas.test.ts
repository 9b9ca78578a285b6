/**
 * What every schema walk shares: the keyword checks of one node, and the facts the declaration
 * walk records for the later steps.
 */
import t from 'tap'
import fc from 'fast-check'
import { Type } from '@sinclair/typebox'
import { JSON_TYPES, keywordProblem, PLAIN_SCHEMA, recordSchemaFacts, schemaFacts } from '../../src/common/schemas.js'
import { checkSchemaTree } from '../../src/declare/json.js'

t.test('keywordProblem: an unknown type, an empty type list, a required that lists no names', async t => {
  t.equal(keywordProblem({ type: 'string' }), undefined)
  t.equal(keywordProblem({ type: ['string', 'null'] }), undefined)
  t.equal(keywordProblem({ type: { type: 'string' } }), undefined, 'in a properties map, `type` is a property name')
  t.equal(keywordProblem({ required: { type: 'string' } }), undefined, 'in a properties map, `required` is a property name')
  t.equal(keywordProblem({ required: ['a', 'b'] }), undefined)
  t.equal(keywordProblem({}), undefined)
  t.match(keywordProblem({ type: 'str' }), { message: 'type', values: { type: 'str', known: JSON_TYPES } })
  t.match(keywordProblem({ type: [] }), { message: 'type' })
  t.match(keywordProblem({ type: ['string', 7] }), { message: 'type' })
  t.match(keywordProblem({ type: 3 }), { message: 'type' })
  t.match(keywordProblem({ required: 'a' }), { message: 'required', values: { required: 'a' } })
  t.match(keywordProblem({ required: ['a', 1] }), { message: 'required' })
})

t.test('keywordProblem accepts every list of known type names and refuses any other name', async t => {
  const known = [...JSON_TYPES]
  fc.assert(fc.property(fc.subarray(known, { minLength: 1 }), types => keywordProblem({ type: types }) === undefined))
  fc.assert(fc.property(fc.string().filter(s => !JSON_TYPES.has(s)), name => keywordProblem({ type: name })?.message === 'type'))
})

t.test('the declaration walk records what a schema holds: $ids, references by $id, composing keywords', async t => {
  const plain = Type.Object({ a: Type.String(), b: Type.Array(Type.Integer()) })
  checkSchemaTree(plain, 'plain', 'RC_ERR_ROUTE_SCHEMA')
  t.same(schemaFacts(plain), { ids: false, refs: false, composing: false })

  const withId = Type.Object({ address: Type.Object({ street: Type.String() }, { $id: 'Address' }) })
  checkSchemaTree(withId, 'withId', 'RC_ERR_ROUTE_SCHEMA')
  t.same(schemaFacts(withId), { ids: true, refs: false, composing: false })

  const byId = Type.Object({ address: Type.Ref('Address') })
  checkSchemaTree(byId, 'byId', 'RC_ERR_ROUTE_SCHEMA')
  t.same(schemaFacts(byId), { ids: false, refs: true, composing: true }, '$ref composes too')

  const local = Type.Unsafe({ type: 'object', properties: { a: { $ref: '#/$defs/A' } }, $defs: { A: { type: 'string' } } })
  checkSchemaTree(local, 'local', 'RC_ERR_ROUTE_SCHEMA')
  t.same(schemaFacts(local), { ids: false, refs: false, composing: true }, 'a local pointer is no reference by $id')

  const union = Type.Union([Type.String(), Type.Integer()])
  checkSchemaTree(union, 'union', 'RC_ERR_ROUTE_SCHEMA')
  t.equal(schemaFacts(union)?.composing, true)
})

t.test('values under default, examples, const and enum are data: they neither count nor get checked', async t => {
  const schema = Type.Object({ a: Type.String() }, {
    default: { $id: 'NotAnId', $ref: 'Nowhere', type: 'no-type', anyOf: [] },
    examples: [{ required: 'x', type: 'bad' }],
  })
  checkSchemaTree(schema, 'literal', 'RC_ERR_ROUTE_SCHEMA')
  t.same(schemaFacts(schema), { ids: false, refs: false, composing: false })
})

t.test('a keyword mistake anywhere in the schema nodes is refused with the code given, and nothing is recorded', async t => {
  const bad = Type.Object({ a: Type.Unsafe({ type: 'strnig' }) })
  t.throws(() => { checkSchemaTree(bad, 'route GET /x: body', 'RC_ERR_ROUTE_SCHEMA') }, { code: 'RC_ERR_ROUTE_SCHEMA', message: /type "strnig"/ })
  t.equal(schemaFacts(bad), undefined)
  const badRequired = Type.Unsafe({ type: 'object', properties: {}, required: 'a' })
  t.throws(() => { checkSchemaTree(badRequired, 'webhook x: body', 'RC_ERR_WEBHOOK_SCHEMA') }, { code: 'RC_ERR_WEBHOOK_SCHEMA', message: /required "a"/ })
  t.throws(() => { checkSchemaTree(Type.Array(Type.Unsafe({ type: [] })), 'items', 'RC_ERR_ROUTE_SCHEMA') }, { code: 'RC_ERR_ROUTE_SCHEMA' }, 'inside an array of schemas too')
})

t.test('recorded facts are read back by object; a value that is no object has none', async t => {
  const schema = {}
  recordSchemaFacts(schema, PLAIN_SCHEMA)
  t.equal(schemaFacts(schema), PLAIN_SCHEMA)
  t.equal(schemaFacts({}), undefined)
  t.equal(schemaFacts(null), undefined)
  t.equal(schemaFacts('x'), undefined)
  t.ok(Object.isFrozen(PLAIN_SCHEMA))
})

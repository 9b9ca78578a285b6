// Edges of the Ajv-error → FastAPI-issue mapping and of schema preparation that the main
// validation tests do not reach: repeated `$id`s, composed schemas cleaned by TypeBox,
// parameter parsing errors and error objects Ajv's configuration here never produces but
// toIssues(), being exported, must still map.
import t from 'tap'
import { Type } from '@sinclair/typebox'
import type { ErrorObject } from 'ajv'
import { compileBodyValidator, compileValidator, validate } from '../../src/validation/validate.js'
import { prepareSchema } from '../../src/validation/schema.js'
import { toIssues } from '../../src/validation/issues.js'
import { jsonErrorOffset } from '../../src/compile/json-offset.js'

/** A minimal Ajv error object; only what toIssues reads. */
const err = (over: Partial<ErrorObject>): ErrorObject => ({ keyword: 'type', instancePath: '', schemaPath: '#/type', params: {}, ...over }) as ErrorObject

t.test('prepareSchema: one schema used twice becomes one definition and a $ref', async t => {
  const Address = Type.Object({
    city: Type.String(),
    kind: Type.Union([Type.Literal('home'), Type.Literal('work')], { default: 'home' }),
    zone: Type.Unsafe<string>({ enum: ['eu', 'us'], examples: [{ $id: 'not-a-schema' }] }),
  }, { $id: 'Address' })
  const Order = Type.Object({ billing: Address, shipping: Address }, { $id: 'Order' })
  const first = prepareSchema(Order)
  t.equal(prepareSchema(Order), first, 'prepared once per schema object')
  t.equal(first.simple, false, 'a schema with references is not simple')
  const out = first.schema as unknown as { $id: string; properties: { billing: Record<string, unknown>; shipping: unknown } }
  t.equal(out.$id, 'Order', 'the top-level $id is kept')
  t.same(out.properties.shipping, { $ref: 'Address' }, 'the second use is a reference')
  t.equal(out.properties.billing.$id, 'Address', 'the first use is the definition')
  const billing = out.properties.billing as { properties: { kind: { default: unknown }; zone: { examples: unknown; enum: unknown } } }
  t.equal(billing.properties.kind.default, 'home', 'default is copied as it is')
  t.equal(billing.properties.zone.examples, Address.properties.zone.examples, 'examples are not rewritten (same object)')
  t.equal(billing.properties.zone.enum, (Address.properties.zone as unknown as { enum: unknown }).enum)

  const ok = validate(Order, { billing: { city: 'A', zone: 'eu', extra: 1 }, shipping: { city: 'B', kind: 'work', zone: 'us' }, junk: true })
  t.same(ok, { ok: true, value: { billing: { city: 'A', kind: 'home', zone: 'eu' }, shipping: { city: 'B', kind: 'work', zone: 'us' } } })
  const bad = validate(Order, { billing: { city: 'A', zone: 'eu' }, shipping: { zone: 'mars' } })
  t.same(bad, {
    ok: false,
    errors: [
      { type: 'missing', loc: ['shipping', 'city'], msg: 'Field required', input: { zone: 'mars' } },
      { type: 'enum', loc: ['shipping', 'zone'], msg: "Input should be 'eu' or 'us'", input: 'mars' },
    ],
  })
})

t.test('prepareSchema: an $id repeated without a top-level $id, as a parameter schema', async t => {
  const Tag = Type.String({ $id: 'Tag', minLength: 1 })
  const q = compileValidator(Type.Object({ a: Tag, b: Tag }), 'query')
  const data: Record<string, unknown> = { a: 'x', b: '' }
  t.notOk(q(data))
  t.same(toIssues(q.errors, ['query']), [{ type: 'string_too_short', loc: ['query', 'b'], msg: 'String should have at least 1 character', input: '' }])
})

t.test('prepareSchema: two different schemas under one $id are a declaration mistake', async t => {
  const A1 = Type.Object({ a: Type.String() }, { $id: 'Thing' })
  const A2 = Type.Object({ b: Type.Number() }, { $id: 'Thing' })
  t.throws(() => prepareSchema(Type.Object({ one: A1, two: A2 })), { code: 'RC_ERR_ROUTE_SCHEMA', message: /two different schemas use \$id "Thing"/ })
  t.throws(() => validate(Type.Array(Type.Union([A1, A2])), []), { code: 'RC_ERR_ROUTE_SCHEMA' })
})

t.test('composed body schemas: validated, then cleaned by TypeBox', async t => {
  const Both = Type.Intersect([Type.Object({ a: Type.String() }), Type.Object({ b: Type.Number() })])
  t.same(validate(Both, { a: 'x', b: 1, c: true }), { ok: true, value: { a: 'x', b: 1 } }, 'the undeclared field is removed, the other branch\'s kept')
  t.same(validate(Both, { a: 'x' }), { ok: false, errors: [{ type: 'missing', loc: ['b'], msg: 'Field required', input: { a: 'x' } }] })
  const r = compileBodyValidator(Both)({ a: 1, b: 2 })
  t.equal(r.ok, false)
  t.same(!r.ok && r.errors.map(e => [e.keyword, e.instancePath]), [['type', '/a']], 'the compiled check returns Ajv\'s errors')
})

t.test('a reference TypeBox cannot resolve while cleaning: the validated value is kept as it is', async t => {
  // Ajv resolves `$ref: "x"` against the embedded `$id`; TypeBox's Clean meets the reference
  // before the definition (property order) and throws, so nothing is removed.
  const S = Type.Object({ b: Type.Ref('x'), a: Type.String({ $id: 'x' }) })
  t.same(validate(S, { b: 'q', a: 'p', c: 1 }), { ok: true, value: { b: 'q', a: 'p', c: 1 } })
  t.same(validate(S, { b: 1, a: 'p' }), { ok: false, errors: [{ type: 'string_type', loc: ['b'], msg: 'Input should be a valid string', input: 1 }] })
})

t.test('if/then: the failing then keyword is reported, not the if', async t => {
  const S = Type.Unsafe({ if: { type: 'string' }, then: { minLength: 2 } })
  t.same(validate(S, 'a'), { ok: false, errors: [{ type: 'string_too_short', loc: [], msg: 'String should have at least 2 characters', input: 'a' }] })
  t.same(validate(S, 5), { ok: true, value: 5 })
})

t.test('parameters that cannot be parsed: int, float and bool parsing errors', async t => {
  const q = compileValidator(Type.Object({ i: Type.Integer(), n: Type.Number(), b: Type.Boolean(), o: Type.Object({}) }), 'query')
  t.notOk(q({ i: 'x', n: 'y', b: 'maybe', o: 'z' }))
  t.same(toIssues(q.errors, ['query']), [
    { type: 'int_parsing', loc: ['query', 'i'], msg: 'Input should be a valid integer, unable to parse string as an integer', input: 'x' },
    { type: 'float_parsing', loc: ['query', 'n'], msg: 'Input should be a valid number, unable to parse string as a number', input: 'y' },
    { type: 'bool_parsing', loc: ['query', 'b'], msg: 'Input should be a valid boolean, unable to interpret input', input: 'maybe' },
    { type: 'model_attributes_type', loc: ['query', 'o'], msg: 'Input should be a valid dictionary or object to extract fields from', input: 'z' },
  ])
  // The same strings in a body are type errors, not parsing errors.
  const r = validate(Type.Object({ i: Type.Integer() }), { i: 'x' })
  t.same(r, { ok: false, errors: [{ type: 'int_type', loc: ['i'], msg: 'Input should be a valid integer', input: 'x' }] })
})

t.test('toIssues: error objects this configuration never produces are still mapped', async t => {
  t.same(toIssues([err({ keyword: 'additionalProperties', instancePath: '/user', params: { additionalProperty: 'x' }, data: { x: 1, y: 2 } })], ['body']),
    [{ type: 'extra_forbidden', loc: ['body', 'user', 'x'], msg: 'Extra inputs are not permitted', input: 1 }])
  t.same(toIssues([err({ keyword: 'uniqueItems', params: {}, data: [1, 1], message: undefined })], ['body']),
    [{ type: 'value_error', loc: ['body'], msg: 'Value error, invalid', input: [1, 1] }], 'no message: a generic one')
  t.same(toIssues([err({ keyword: 'uniqueItems', params: {}, data: [1, 1], message: 'must NOT have duplicate items' })], []),
    [{ type: 'value_error', loc: [], msg: 'Value error, must NOT have duplicate items', input: [1, 1] }])
  t.same(toIssues([err({ keyword: 'type', params: { type: 'bigint' }, data: 1 })], ['body']),
    [{ type: 'type_error', loc: ['body'], msg: 'Input should be of type bigint', input: 1 }], 'an unknown type name')
  t.same(toIssues([err({ keyword: 'type', params: { type: 'bigint' }, data: 'x' })], ['query']),
    [{ type: 'type_error', loc: ['query'], msg: 'Input should be of type bigint', input: 'x' }], 'a parameter string of a type with no parsing message')
  t.same(toIssues([err({ keyword: 'type', params: { type: ['integer', 'null'] }, data: 'x' })], ['path']),
    [{ type: 'int_parsing', loc: ['path'], msg: 'Input should be a valid integer, unable to parse string as an integer', input: 'x' }], 'the first of several types')
  t.same(toIssues([err({ keyword: 'if', schemaPath: '#/if' })], []), [], 'if errors are dropped')
})

t.test('toIssues: a missing field', async t => {
  const missing = (over: Partial<ErrorObject>) => err({ keyword: 'required', schemaPath: '#/required', params: { missingProperty: 'q' }, ...over })
  t.same(toIssues([missing({ instancePath: '', data: { a: 1 } })], ['query']),
    [{ type: 'missing', loc: ['query', 'q'], msg: 'Field required', input: null }], 'a missing parameter: input null')
  t.same(toIssues([missing({ instancePath: '/inner', data: { a: 1 } })], ['query']),
    [{ type: 'missing', loc: ['query', 'inner', 'q'], msg: 'Field required', input: { a: 1 } }], 'missing inside a parameter object: the object')
  t.same(toIssues([missing({ instancePath: '/inner' })], ['cookie']),
    [{ type: 'missing', loc: ['cookie', 'inner', 'q'], msg: 'Field required', input: null }], 'no data: null')
  t.same(toIssues([missing({ instancePath: '', data: { a: 1 } })], ['body']),
    [{ type: 'missing', loc: ['body', 'q'], msg: 'Field required', input: { a: 1 } }], 'a missing body field: the object')
  t.same(toIssues([missing({ instancePath: '', data: { a: 1 } })], []),
    [{ type: 'missing', loc: ['q'], msg: 'Field required', input: { a: 1 } }], 'no prefix at all')
})

t.test('toIssues: the input is read from the original value, own properties only', async t => {
  const e = (instancePath: string) => err({ keyword: 'minLength', instancePath, schemaPath: '#/minLength', params: { limit: 3 }, data: 'from-ajv' })
  const input = (instancePath: string, value: unknown) => toIssues([e(instancePath)], [], { value })[0]?.input
  t.equal(input('/a/0', { a: ['ab'] }), 'ab', 'found')
  t.equal(input('/a~1b/c~0d', { 'a/b': { 'c~d': 'x' } }), 'x', 'escaped pointer segments')
  t.equal(input('/a/b', { a: null }), undefined, 'through null')
  t.equal(input('/a/b', { a: 'str' }), undefined, 'through a string')
  t.equal(input('/a', {}), undefined, 'missing in the original (a default filled it)')
  t.equal(input('/toString', {}), undefined, 'inherited properties are not inputs')
  t.equal(input('', 'whole'), 'whole')
  t.equal(toIssues([e('/a')], [])[0]?.input, 'from-ajv', 'no original: Ajv\'s data')
})

t.test('validate(): a default filled in is not reported as the input', async t => {
  const S = Type.Object({ a: Type.Object({ b: Type.String() }, { default: {} }) })
  t.same(validate(S, {}), { ok: false, errors: [{ type: 'missing', loc: ['a', 'b'], msg: 'Field required', input: null }] })
})

t.test('validate(): values structuredClone cannot copy are validated as they are', async t => {
  const fn = Object.assign(() => 1, { n: 'x' })
  t.same(validate(Type.Object({ f: Type.Any() }), { f: fn }), { ok: true, value: { f: fn } })
  const bad = { f: fn, n: 'not a number' }
  const r = validate(Type.Object({ f: Type.Any(), n: Type.Number() }), bad)
  t.same(r, { ok: false, errors: [{ type: 'float_type', loc: ['n'], msg: 'Input should be a valid number', input: 'not a number' }] })
  // The value itself was validated, so Ajv's removal of undeclared fields reaches it.
  const extra = { f: fn, x: 1 }
  t.same(validate(Type.Object({ f: Type.Any() }), extra), { ok: true, value: { f: fn } })
})

// The offset of a malformed body (FastAPI's `["body", pos]`) past well-formed \u escapes:
// offsets as Python's json.JSONDecodeError.pos reports them.
t.test('jsonErrorOffset: valid \\u escapes are skipped whole', async t => {
  t.equal(jsonErrorOffset('"\\u0041" x'), 9, 'extra data after a string with an escape')
  t.equal(jsonErrorOffset('{"\\u00e9":1,}'), 12, 'an escaped key, then a trailing comma')
  t.equal(jsonErrorOffset('["\\uD83D\\uDE00", ]'), 17, 'a surrogate pair, then a missing value')
})

t.test('validate() refuses a hand-written schema with a keyword mistake, as a declaration would', async t => {
  t.throws(() => validate(Type.Unsafe<string>({ type: 'strnig' }), 'x'), { code: 'RC_ERR_ROUTE_SCHEMA', message: /type "strnig"/ })
  t.throws(() => validate(Type.Unsafe<object>({ type: 'object', properties: {}, required: 'a' }), {}), { code: 'RC_ERR_ROUTE_SCHEMA', message: /required "a"/ })
})

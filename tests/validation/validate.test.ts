import t from 'tap'
import { Type } from '@sinclair/typebox'
import { validate, compileValidator } from '../../src/validation/validate.js'
import { toIssues } from '../../src/validation/issues.js'

t.test('validate(): FastAPI-shaped errors with loc relative to the value', async t => {
  const Item = Type.Object({ name: Type.String(), tags: Type.Array(Type.String()) })
  t.same(validate(Item, { name: 'a', tags: ['x', 3] }), { ok: false, errors: [{ type: 'string_type', loc: ['tags', 1], msg: 'Input should be a valid string', input: 3 }] })
  t.same(validate(Item, 'nope'), { ok: false, errors: [{ type: 'model_attributes_type', loc: [], msg: 'Input should be a valid dictionary or object to extract fields from', input: 'nope' }] })
  t.same(validate(Item, { tags: [] }), { ok: false, errors: [{ type: 'missing', loc: ['name'], msg: 'Field required', input: { tags: [] } }] })
  const original = { name: 'a', tags: ['x'] }
  const ok = validate(Item, original)
  t.same(ok, { ok: true, value: { name: 'a', tags: ['x'] } })
  t.not(ok.ok && ok.value, original, 'the caller\'s object is not the one validated')
  t.same(validate(Type.Object({ n: Type.Number({ default: 3 }) }), {}), { ok: true, value: { n: 3 } }, 'defaults are filled')
  t.same(validate(Type.Object({ n: Type.Number() }), undefined), { ok: false, errors: [{ type: 'model_attributes_type', loc: [], msg: 'Input should be a valid dictionary or object to extract fields from', input: undefined }] })
  t.same(validate(Type.Any(), () => 1).ok, true, 'a value structuredClone cannot copy is validated as it is')
})

t.test('every keyword maps to FastAPI\'s type and message', async t => {
  const check = (schema: Parameters<typeof validate>[0], value: unknown) => {
    const r = validate(schema, value)
    return r.ok ? [] : r.errors.map(e => [e.type, e.msg])
  }
  t.same(check(Type.String({ minLength: 2 }), 'a'), [['string_too_short', 'String should have at least 2 characters']])
  t.same(check(Type.String({ minLength: 1 }), ''), [['string_too_short', 'String should have at least 1 character']])
  t.same(check(Type.String({ maxLength: 1 }), 'ab'), [['string_too_long', 'String should have at most 1 character']])
  t.same(check(Type.String({ maxLength: 2 }), 'abc'), [['string_too_long', 'String should have at most 2 characters']])
  t.same(check(Type.Number({ minimum: 1 }), 0), [['greater_than_equal', 'Input should be greater than or equal to 1']])
  t.same(check(Type.Number({ exclusiveMinimum: 1 }), 1), [['greater_than', 'Input should be greater than 1']])
  t.same(check(Type.Number({ maximum: 1 }), 2), [['less_than_equal', 'Input should be less than or equal to 1']])
  t.same(check(Type.Number({ exclusiveMaximum: 1 }), 1), [['less_than', 'Input should be less than 1']])
  t.same(check(Type.Number({ multipleOf: 2 }), 3), [['multiple_of', 'Input should be a multiple of 2']])
  t.same(check(Type.String({ pattern: '^a' }), 'b'), [['string_pattern_mismatch', "String should match pattern '^a'"]])
  t.same(check(Type.Array(Type.Number(), { minItems: 1 }), []), [['too_short', 'List should have at least 1 item after validation']])
  t.same(check(Type.Array(Type.Number(), { minItems: 2 }), [1]), [['too_short', 'List should have at least 2 items after validation']])
  t.same(check(Type.Array(Type.Number(), { maxItems: 1 }), [1, 2]), [['too_long', 'List should have at most 1 item after validation']])
  t.same(check(Type.Array(Type.Number(), { maxItems: 2 }), [1, 2, 3]), [['too_long', 'List should have at most 2 items after validation']])
  t.same(check(Type.Unsafe({ enum: ['a', 'b', 'c'] }), 'd'), [['enum', "Input should be 'a', 'b' or 'c'"]])
  t.same(check(Type.Unsafe({ enum: [1] }), 2), [['enum', 'Input should be 1']])
  t.same(check(Type.Literal('x'), 'y'), [['literal_error', "Input should be 'x'"]])
  t.same(check(Type.Object({ a: Type.String() }, { additionalProperties: false }), { a: 'x', b: 1 }), [], 'additional properties are removed, as FastAPI ignores extra fields')
  t.same(check(Type.Integer(), 1.5), [['int_type', 'Input should be a valid integer']])
  t.same(check(Type.Boolean(), 'true'), [['bool_type', 'Input should be a valid boolean']])
  t.same(check(Type.Array(Type.String()), 'x'), [['list_type', 'Input should be a valid list']], 'bodies are never coerced to arrays')
  t.same(check(Type.Null(), 1), [['none_required', 'Input should be None']])
  t.same(check(Type.String({ format: 'date-time' }), 'nope'), [['datetime_from_date_parsing', 'Input should be a valid datetime']])
  t.same(check(Type.String({ format: 'date' }), 'nope'), [['date_from_datetime_parsing', 'Input should be a valid date']])
  t.same(check(Type.String({ format: 'email' }), 'nope'), [['value_error', 'Input should be a valid email']])
  // pydantic-core's union: each member's error, the member in loc (see tests/compile/unions.test.ts).
  t.same(check(Type.Union([Type.String(), Type.Number()]), true), [['string_type', 'Input should be a valid string'], ['float_type', 'Input should be a valid number']], 'one error per member')
  t.same(check(Type.Unsafe({ type: ['string', 'null'] }), 1), [['string_type', 'Input should be a valid string']])
  t.same(check(Type.Unsafe({ not: { type: 'string' } }), 'x'), [['value_error', 'Value error, must NOT be valid']])
})

t.test('date-time is lenient about the zone, strict about the rest', async t => {
  const DT = Type.String({ format: 'date-time' })
  for (const ok of ['2023-01-01T12:00:00', '2023-01-01T12:00:00Z', '2023-01-01 12:00:00+02:00', '2023-01-01T12:00', '2023-01-01T12:00:00.123456-0530']) {
    t.ok(validate(DT, ok).ok, ok)
  }
  for (const bad of ['2023-13-01T12:00:00', '2023-01-01', '2023-02-30T12:00:00Z', 'yesterday', '2023-01-01T25:00:00']) {
    t.notOk(validate(DT, bad).ok, bad)
  }
})

t.test('parameters are coerced, a missing parameter has input null', async t => {
  const q = compileValidator(Type.Object({ limit: Type.Integer(), tags: Type.Array(Type.String()) }), 'query')
  const data: Record<string, unknown> = { limit: '5', tags: 'a' }
  t.ok(q(data))
  t.same(data, { limit: 5, tags: ['a'] })
  const h = compileValidator(Type.Object({ 'x-token': Type.String() }), 'header')
  t.notOk(h({}))
  t.same(toIssues(h.errors, ['header']), [{ type: 'missing', loc: ['header', 'x-token'], msg: 'Field required', input: null }])
  t.same(toIssues(null, ['query']), [])
})

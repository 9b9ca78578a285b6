/**
 * References by `$id` made self-contained (src/validation/refs.ts): what Ajv and
 * fast-json-stringify are given for `Type.Ref` and `Type.Recursive`.
 */
import t from 'tap'
import { Type } from '@sinclair/typebox'
import { bundle, externalRefs, rememberIds, withSchemas } from '../../src/validation/refs.js'
import { compileBodyValidator, validate } from '../../src/validation/validate.js'

const Color = Type.Object({ name: Type.String({ default: 'red' }) }, { $id: 'RefsColor' })
rememberIds(Color)

t.test('a reference to a remembered schema is placed under $defs, the root keeps its place', async t => {
  const Paint = Type.Object({ color: Type.Ref(Color), shade: { $ref: 'RefsColor#/properties/name' } as never, again: { $ref: 'RefsColor#' } as never }, { $id: 'RefsPaint' })
  t.strictSame(bundle(Paint), {
    type: 'object',
    required: ['color', 'shade', 'again'],
    properties: {
      color: { $ref: '#/$defs/RefsColor' },
      shade: { $ref: '#/$defs/RefsColor/properties/name' },
      again: { $ref: '#/$defs/RefsColor' },
    },
    $defs: { RefsColor: { type: 'object', properties: { name: { type: 'string', default: 'red' } }, required: ['name'] } },
  })
  const check = compileBodyValidator(Paint)
  t.strictSame(check({ color: { name: 'blue', x: 1 }, shade: 'dark', again: {} }), { ok: true, value: { color: { name: 'blue' }, shade: 'dark', again: { name: 'red' } } }, 'defaults and cleaning through the reference')
})

t.test('an inline schema with an $id next to a reference to it is defined once', async t => {
  const Mix = Type.Object({ inline: Color, ref: Type.Ref('RefsColor'), other: Type.Ref(Type.Object({ n: Type.Number() }, { $id: 'RefsOther' })) })
  rememberIds(Type.Object({ n: Type.Number() }, { $id: 'RefsOther' }))
  t.strictSame(bundle(Mix), {
    type: 'object',
    required: ['inline', 'ref', 'other'],
    properties: { inline: { $ref: '#/$defs/RefsColor' }, ref: { $ref: '#/$defs/RefsColor' }, other: { $ref: '#/$defs/RefsOther' } },
    $defs: {
      RefsColor: { type: 'object', properties: { name: { type: 'string', default: 'red' } }, required: ['name'] },
      RefsOther: { type: 'object', properties: { n: { type: 'number' } }, required: ['n'] },
    },
  })
})

t.test('one $id for two different schemas is refused, the same schema twice is fine', async t => {
  const Twin = Type.Object({ name: Type.Number() }, { $id: 'RefsColor' })
  t.throws(() => bundle(Type.Object({ a: Twin, b: Color, c: Type.Ref('RefsColor') })), { code: 'RC_ERR_ROUTE_SCHEMA', message: /two different schemas use \$id "RefsColor"/ })
  t.doesNotThrow(() => bundle(Type.Object({ a: Color, b: { ...Color }, c: Type.Ref('RefsColor') })))
})

t.test('a schema with $defs of its own keeps them', async t => {
  const schema = { type: 'object', properties: { a: { $ref: '#/$defs/A' }, c: { $ref: 'RefsColor' } }, $defs: { A: { type: 'integer' } } }
  t.strictSame(bundle(schema as never), {
    type: 'object',
    properties: { a: { $ref: '#/$defs/A' }, c: { $ref: '#/$defs/RefsColor' } },
    $defs: { A: { type: 'integer' }, RefsColor: { type: 'object', properties: { name: { type: 'string', default: 'red' } }, required: ['name'] } },
  })
})

t.test('an app\'s schemas come first, only while compiling for it; ids with "/" or "~" become valid pointers', async t => {
  const app = { RefsColor: { $id: 'RefsColor', type: 'string' }, 'a/b~c': { $id: 'a/b~c', type: 'integer' }, junk: 42 }
  const schema = { type: 'array', items: [{ $ref: 'RefsColor' }, { $ref: 'a/b~c' }] }
  const inApp = withSchemas(app, 'GET /x', () => bundle(schema as never)) as Record<string, unknown>
  t.strictSame(inApp, {
    type: 'array',
    items: [{ $ref: '#/$defs/RefsColor' }, { $ref: '#/$defs/a~1b~0c' }],
    $defs: { RefsColor: { type: 'string' }, 'a/b~c': { type: 'integer' } },
  })
  t.strictSame(externalRefs({ $ref: 'junk' }).missing, ['junk'], 'outside the compile the app is unknown')
  t.strictSame(withSchemas(app, 'GET /x', () => externalRefs({ allOf: [{ $ref: 'junk' }, { $ref: 'junk' }] }).missing), ['junk'], 'a non-object entry is no schema; reported once')
})

t.test('unresolvable references name the route, or say "a schema" outside one', async t => {
  t.throws(() => withSchemas(undefined, 'POST /things', () => bundle({ $ref: 'RefsNowhere' } as never)), { code: 'RC_ERR_ROUTE_SCHEMA_REF', message: /^RC_ERR_ROUTE_SCHEMA_REF: POST \/things: \$ref "RefsNowhere" resolves to no schema/ })
  t.throws(() => validate(Type.Object({ x: Type.Ref('RefsNowhere') }), {}), { code: 'RC_ERR_ROUTE_SCHEMA_REF', message: /: a schema: \$ref "RefsNowhere"/ })
})

t.test('a recursive root goes under $defs too', async t => {
  const List = Type.Recursive(Self => Type.Object({ value: Type.Number(), next: Type.Optional(Self) }), { $id: 'RefsList' })
  const out = bundle(List) as Record<string, unknown>
  t.equal(out.$ref, '#/$defs/RefsList')
  t.strictSame((out.$defs as Record<string, Record<string, unknown>>).RefsList!.properties, { value: { type: 'number' }, next: { $ref: '#/$defs/RefsList' } })
  t.strictSame(validate(List, { value: 1, next: { value: 2, x: 0 } }), { ok: true, value: { value: 1, next: { value: 2 } } })
})

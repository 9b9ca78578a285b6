/**
 * Union bodies answer as pydantic-core's union validators do (src/union.rs in pydantic-core):
 * each member's errors with the member in `loc` (the model's name, or `int`, `str`,
 * `list[str]`), nothing for the `None` of `X | None`, and for a discriminated union
 * (`Field(discriminator=…)`, here `discriminator: { propertyName }`) only the chosen member's
 * errors with the tag in `loc`, or `union_tag_not_found` / `union_tag_invalid`. The expected
 * answers are FastAPI 0.142's (pydantic 2.13) for the same models in Python:
 *
 *   class Cat(BaseModel): pet_type: Literal['cat']; meows: int
 *   class Dog(BaseModel): pet_type: Literal['dog']; barks: float
 *   class Lizard(BaseModel): pet_type: Literal['reptile', 'lizard']; scales: bool
 *   @app.post('/u')  def u(pet: Union[Cat, Dog])
 *   @app.post('/d')  def d(pet: Annotated[Union[Cat, Dog, Lizard], Field(discriminator='pet_type')])
 *   class Owner(BaseModel): pet: Annotated[Union[Cat, Dog], Field(discriminator='pet_type')]; alt: Union[int, str, None] = None; pets: list[Union[Cat, Dog]] = []
 *   @app.post('/o')  def o(owner: Owner)
 *   @app.post('/s')  def s(v: Annotated[Union[int, list[str]], Body()])
 *
 * Inputs that are strings where pydantic's lax mode would parse a number (`"meows": "x"`) are
 * left out: routecraft's JSON bodies are strict about types (README, "Where routecraft differs").
 */
import t from 'tap'
import Fastify, { type FastifyInstance } from 'fastify'
import { Type } from '@sinclair/typebox'
import { openapi, route, validate } from '../../src/index.js'
import { memberLabel } from '../../src/validation/unions.js'

const Cat = Type.Object({ pet_type: Type.Literal('cat'), meows: Type.Integer() }, { $id: 'Cat' })
const Dog = Type.Object({ pet_type: Type.Literal('dog'), barks: Type.Number() }, { $id: 'Dog' })
const Lizard = Type.Object({ pet_type: Type.Union([Type.Literal('reptile'), Type.Literal('lizard')]), scales: Type.Boolean() }, { $id: 'Lizard' })
const Owner = Type.Object({
  pet: Type.Union([Cat, Dog], { discriminator: { propertyName: 'pet_type' } }),
  alt: Type.Optional(Type.Union([Type.Integer(), Type.String(), Type.Null()])),
  pets: Type.Optional(Type.Array(Type.Union([Cat, Dog]), { default: [] })),
}, { $id: 'Owner' })

async function app (t: { teardown: (fn: () => unknown) => void }): Promise<FastifyInstance> {
  const a = Fastify()
  t.teardown(() => a.close())
  await a.register(openapi())
  await a.register(route({ method: 'POST', url: '/u', body: Type.Union([Cat, Dog]), handler: function u ({ body }) { return body } }))
  await a.register(route({ method: 'POST', url: '/d', body: Type.Union([Cat, Dog, Lizard], { discriminator: { propertyName: 'pet_type' } }), handler: function d ({ body }) { return body } }))
  await a.register(route({ method: 'POST', url: '/o', body: Owner, handler: function o ({ body }) { return body } }))
  await a.register(route({ method: 'POST', url: '/s', body: Type.Union([Type.Integer(), Type.Array(Type.String())]), handler: function s ({ body }) { return body } }))
  return a
}

const missing = (loc: Array<string | number>, input: unknown): object => ({ type: 'missing', loc, msg: 'Field required', input })
const literal = (loc: Array<string | number>, expected: string, input: unknown): object => ({ type: 'literal_error', loc, msg: `Input should be '${expected}'`, input, ctx: { expected: `'${expected}'` } })
const notObject = (loc: Array<string | number>, input: unknown): object => ({ type: 'model_attributes_type', loc, msg: 'Input should be a valid dictionary or object to extract fields from', input })
const tagInvalid = (loc: Array<string | number>, tag: string, input: unknown): object => ({
  type: 'union_tag_invalid', loc,
  msg: `Input tag '${tag}' found using 'pet_type' does not match any of the expected tags: 'cat', 'dog', 'reptile', 'lizard'`,
  input, ctx: { discriminator: "'pet_type'", tag, expected_tags: "'cat', 'dog', 'reptile', 'lizard'" },
})
const tagNotFound = (loc: Array<string | number>, input: unknown): object => ({
  type: 'union_tag_not_found', loc, msg: "Unable to extract tag using discriminator 'pet_type'", input, ctx: { discriminator: "'pet_type'" },
})

const cases: Array<[string, unknown, object[]]> = [
  ['/u', { pet_type: 'cat', meows: 1.5 }, [
    { type: 'int_type', loc: ['body', 'Cat', 'meows'], msg: 'Input should be a valid integer', input: 1.5 },
    literal(['body', 'Dog', 'pet_type'], 'dog', 'cat'),
    missing(['body', 'Dog', 'barks'], { pet_type: 'cat', meows: 1.5 }),
  ]],
  ['/u', { pet_type: 'dog' }, [literal(['body', 'Cat', 'pet_type'], 'cat', 'dog'), missing(['body', 'Cat', 'meows'], { pet_type: 'dog' }), missing(['body', 'Dog', 'barks'], { pet_type: 'dog' })]],
  ['/u', {}, [missing(['body', 'Cat', 'pet_type'], {}), missing(['body', 'Cat', 'meows'], {}), missing(['body', 'Dog', 'pet_type'], {}), missing(['body', 'Dog', 'barks'], {})]],
  ['/u', [], [notObject(['body', 'Cat'], []), notObject(['body', 'Dog'], [])]],
  ['/u', 'cat', [notObject(['body', 'Cat'], 'cat'), notObject(['body', 'Dog'], 'cat')]],
  ['/d', { pet_type: 'cat', meows: [] }, [{ type: 'int_type', loc: ['body', 'cat', 'meows'], msg: 'Input should be a valid integer', input: [] }]],
  ['/d', { pet_type: 'fish' }, [tagInvalid(['body'], 'fish', { pet_type: 'fish' })]],
  ['/d', { meows: 1 }, [tagNotFound(['body'], { meows: 1 })]],
  ['/d', { pet_type: 3 }, [tagInvalid(['body'], '3', { pet_type: 3 })]],
  ['/d', { pet_type: null }, [tagInvalid(['body'], 'None', { pet_type: null })]],
  ['/d', [1], [notObject(['body'], [1])]],
  ['/d', 'x', [notObject(['body'], 'x')]],
  ['/d', { pet_type: 'lizard' }, [missing(['body', 'lizard', 'scales'], { pet_type: 'lizard' })]],
  ['/o', { pet: { pet_type: 'dog', barks: true }, alt: [1], pets: [{ pet_type: 'cat', meows: 1 }, { x: 1 }] }, [
    { type: 'float_type', loc: ['body', 'pet', 'dog', 'barks'], msg: 'Input should be a valid number', input: true },
    { type: 'int_type', loc: ['body', 'alt', 'int'], msg: 'Input should be a valid integer', input: [1] },
    { type: 'string_type', loc: ['body', 'alt', 'str'], msg: 'Input should be a valid string', input: [1] },
    missing(['body', 'pets', 1, 'Cat', 'pet_type'], { x: 1 }),
    missing(['body', 'pets', 1, 'Cat', 'meows'], { x: 1 }),
    missing(['body', 'pets', 1, 'Dog', 'pet_type'], { x: 1 }),
    missing(['body', 'pets', 1, 'Dog', 'barks'], { x: 1 }),
  ]],
  ['/o', { pet: {} }, [tagNotFound(['body', 'pet'], {})]],
  ['/s', { a: 1 }, [
    { type: 'int_type', loc: ['body', 'int'], msg: 'Input should be a valid integer', input: { a: 1 } },
    { type: 'list_type', loc: ['body', 'list[str]'], msg: 'Input should be a valid list', input: { a: 1 } },
  ]],
  ['/s', ['a', 1], [
    { type: 'int_type', loc: ['body', 'int'], msg: 'Input should be a valid integer', input: ['a', 1] },
    { type: 'string_type', loc: ['body', 'list[str]', 1], msg: 'Input should be a valid string', input: 1 },
  ]],
]

t.test("FastAPI's 422 for each union body", async t => {
  const a = await app(t)
  for (const [url, payload, detail] of cases) {
    const res = await a.inject({ method: 'POST', url, payload: JSON.stringify(payload), headers: { 'content-type': 'application/json' } })
    t.equal(res.statusCode, 422, `${url} ${JSON.stringify(payload)}`)
    t.strictSame(res.json(), { detail }, `${url} ${JSON.stringify(payload)}`)
  }
  const ok = await a.inject({ method: 'POST', url: '/d', payload: { pet_type: 'reptile', scales: true, extra: 1 } })
  t.strictSame(ok.json(), { pet_type: 'reptile', scales: true }, 'a valid member passes, undeclared fields dropped')
})

t.test("the document: FastAPI's oneOf with the discriminator's mapping", async t => {
  const a = await app(t)
  const doc = (await a.inject({ method: 'GET', url: '/openapi.json' })).json()
  t.strictSame(doc.paths['/d'].post.requestBody.content['application/json'].schema, {
    discriminator: { propertyName: 'pet_type', mapping: { cat: '#/components/schemas/Cat', dog: '#/components/schemas/Dog', reptile: '#/components/schemas/Lizard', lizard: '#/components/schemas/Lizard' } },
    oneOf: [{ $ref: '#/components/schemas/Cat' }, { $ref: '#/components/schemas/Dog' }, { $ref: '#/components/schemas/Lizard' }],
  })
  t.strictSame(doc.paths['/u'].post.requestBody.content['application/json'].schema, { anyOf: [{ $ref: '#/components/schemas/Cat' }, { $ref: '#/components/schemas/Dog' }] })
  t.strictSame(doc.components.schemas.Owner.properties.pet, {
    discriminator: { propertyName: 'pet_type', mapping: { cat: '#/components/schemas/Cat', dog: '#/components/schemas/Dog' } },
    oneOf: [{ $ref: '#/components/schemas/Cat' }, { $ref: '#/components/schemas/Dog' }],
  })
  const mapped = Type.Union([Cat, Dog], { discriminator: { propertyName: 'pet_type', mapping: { c: '#/components/schemas/Cat' } } })
  const b = Fastify()
  t.teardown(() => b.close())
  await b.register(openapi())
  await b.register(route({ method: 'POST', url: '/m', body: mapped, handler: function m () { return 1 } }))
  const doc2 = (await b.inject({ method: 'GET', url: '/openapi.json' })).json()
  t.strictSame(doc2.paths['/m'].post.requestBody.content['application/json'].schema.discriminator, { propertyName: 'pet_type', mapping: { c: '#/components/schemas/Cat' } }, 'a mapping of its own is kept')
})

t.test('validate() labels union members the same way, loc relative to the value', async t => {
  const r = validate(Type.Union([Type.String(), Type.Number(), Type.Null()]), [1])
  t.strictSame(r, { ok: false, errors: [
    { type: 'string_type', loc: ['str'], msg: 'Input should be a valid string', input: [1] },
    { type: 'float_type', loc: ['float'], msg: 'Input should be a valid number', input: [1] },
  ] })
  const nullable = validate(Type.Object({ d: Type.Union([Type.String(), Type.Null()]) }), { d: 3 })
  t.strictSame(nullable, { ok: false, errors: [{ type: 'string_type', loc: ['d'], msg: 'Input should be a valid string', input: 3 }] }, '`str | None`: no member in loc')
})

t.test("memberLabel: pydantic's names for members", async t => {
  t.equal(memberLabel(Type.Boolean()), 'bool')
  t.equal(memberLabel(Type.Literal('a')), "literal['a']")
  t.equal(memberLabel(Type.Literal(3)), 'literal[3]')
  t.equal(memberLabel(Type.Unsafe({ enum: ['a', 'b'] })), "literal['a','b']")
  t.equal(memberLabel(Type.String({ format: 'date-time' })), 'datetime')
  t.equal(memberLabel(Type.String({ format: 'date' })), 'date')
  t.equal(memberLabel(Type.Array(Type.Integer())), 'list[int]')
  t.equal(memberLabel(Type.Unsafe({ type: 'array' })), 'list[any]')
  t.equal(memberLabel(Type.Record(Type.String(), Type.Integer())), 'dict[str,any]')
  t.equal(memberLabel(Type.Unsafe({ type: 'object', additionalProperties: { type: 'integer' } })), 'dict[str,int]')
  t.equal(memberLabel(Type.Object({}, { title: 'Titled' })), 'Titled')
  t.equal(memberLabel({ $ref: '#/components/schemas/Cat' }), 'Cat')
  t.equal(memberLabel(Type.Unsafe({ type: 'weird' })), 'weird')
  t.equal(memberLabel(Type.Unsafe({})), 'any')
  t.equal(memberLabel(null), 'any')
})

t.test('discriminator tags from enums and unions of literals; Python spelling of odd tags', async t => {
  const A = Type.Object({ kind: Type.Unsafe({ enum: ['a', 'aa'] }), n: Type.Integer() }, { $id: 'A' })
  const B = Type.Object({ kind: Type.Union([Type.Literal('b'), Type.Integer()]), n: Type.Integer() }, { $id: 'B' })
  const C = Type.Object({ kind: Type.String() }, { $id: 'C' })
  const U = Type.Union([A, B, C, Type.Object({ other: Type.String() })], { discriminator: { propertyName: 'kind' } })
  const expected = "'a', 'aa', 'b'"
  for (const [tag, shown] of [[true, 'True'], [false, 'False'], [[1, 'x'], "[1, 'x']"], [{ k: null }, "{'k': None}"], [1.5, '1.5']] as const) {
    const r = validate(U, { kind: tag })
    t.strictSame(r, { ok: false, errors: [{ type: 'union_tag_invalid', loc: [], msg: `Input tag '${shown}' found using 'kind' does not match any of the expected tags: ${expected}`, input: { kind: tag }, ctx: { discriminator: "'kind'", tag: shown, expected_tags: expected } }] }, shown)
  }
  const U2 = Type.Union([A, B], { discriminator: { propertyName: 'kind' } })
  t.strictSame(validate(U2, { kind: 'aa', n: 'x' }), { ok: false, errors: [{ type: 'int_type', loc: ['aa', 'n'], msg: 'Input should be a valid integer', input: 'x' }] })
  t.strictSame(validate(U2, { kind: 'b' }), { ok: false, errors: [{ type: 'missing', loc: ['b', 'n'], msg: 'Field required', input: { kind: 'b' } }] })
  // A model used twice in one schema is a $ref inside the second union: its tags are read through it.
  const Twice = Type.Object({ first: Type.Union([A, B], { discriminator: { propertyName: 'kind' } }), second: Type.Union([A, B], { discriminator: { propertyName: 'kind' } }) })
  t.strictSame(validate(Twice, { first: { kind: 'a', n: 1 }, second: { kind: 'b', n: 'x' } }), { ok: false, errors: [{ type: 'int_type', loc: ['second', 'b', 'n'], msg: 'Input should be a valid integer', input: 'x' }] })
})

t.test('oneOf: several matching members stay one error; unions inside objects keep field order', async t => {
  const r = validate(Type.Unsafe({ oneOf: [{ type: 'integer' }, { type: 'number' }] }), 1)
  t.strictSame(r, { ok: false, errors: [{ type: 'value_error', loc: [], msg: 'Value error, must match exactly one schema in oneOf', input: 1 }] })
  const O = Type.Object({ a: Type.Union([Type.Integer(), Type.Boolean()]), b: Type.String(), c: Type.Integer() })
  t.strictSame(validate(O, { a: 'x', c: 'y' }), { ok: false, errors: [
    { type: 'int_type', loc: ['a', 'int'], msg: 'Input should be a valid integer', input: 'x' },
    { type: 'bool_type', loc: ['a', 'bool'], msg: 'Input should be a valid boolean', input: 'x' },
    { type: 'missing', loc: ['b'], msg: 'Field required', input: { a: 'x', c: 'y' } },
    { type: 'int_type', loc: ['c'], msg: 'Input should be a valid integer', input: 'y' },
  ] }, 'missing b between a and c, as pydantic walks the fields')
  const Items = Type.Array(Type.Object({ x: Type.Integer(), 'a/b': Type.String(), z: Type.Integer() }))
  t.strictSame(validate(Items, [{ z: 'q' }, { x: 1, 'a/b': 'ok', z: 2 }, { x: 'p' }]).ok === false && (validate(Items, [{ z: 'q' }, { x: 'p' }]) as { errors: Array<{ loc: unknown[] }> }).errors.map(e => e.loc), [
    [0, 'x'], [0, 'a/b'], [0, 'z'], [1, 'x'], [1, 'a/b'], [1, 'z'],
  ], 'each object in its own order, escaped names included')
})

t.test('odd unions: boolean members, nested unions, required without properties', async t => {
  const withTrue = validate(Type.Unsafe({ anyOf: [false, { type: 'object', properties: { kind: { const: 'a' } }, required: ['kind'] }], discriminator: { propertyName: 'kind' } }), { kind: 'z' })
  t.match(withTrue, { ok: false, errors: [{ type: 'union_tag_invalid', ctx: { expected_tags: "'a'" } }] }, 'a member that is not an object has no tags')
  const nested = validate(Type.Unsafe({ anyOf: [{ anyOf: [{ type: 'integer' }, { type: 'boolean' }] }, { type: 'string' }] }), null)
  t.strictSame((nested as { errors: Array<{ loc: unknown[] }> }).errors.map(e => e.loc), [['any', 'int'], ['any', 'bool'], ['str']], 'a union inside a union: both members in loc')
  const bare = validate(Type.Unsafe({ type: 'object', required: ['b', 'a'] }), {})
  t.strictSame((bare as { errors: Array<{ loc: unknown[] }> }).errors.map(e => e.loc), [['b'], ['a']], 'no properties: the order of required')
})

t.test('members written as Type.Ref (a model the app or another declaration holds): labels and tags read through the reference', async t => {
  const Cat = Type.Object({ pet_type: Type.Literal('cat'), meows: Type.Boolean() }, { $id: 'UnionsRefCat' })
  const Dog = Type.Object({ pet_type: Type.Literal('dog'), barks: Type.Boolean() }, { $id: 'UnionsRefDog' })
  // Seen in a declaration, so that Type.Ref resolves to them.
  validate(Type.Tuple([Cat, Dog]), [])
  const Tagged = Type.Object({ pet: Type.Union([Type.Ref(Cat), Type.Ref(Dog)], { discriminator: { propertyName: 'pet_type' } }) })
  const Plain = Type.Union([Type.Ref(Cat), Type.Ref(Dog)])
  // pydantic: Field(discriminator='pet_type') over Cat | Dog; then plain Cat | Dog.
  t.strictSame(validate(Tagged, { pet: { pet_type: 'cat' } }), { ok: false, errors: [{ type: 'missing', loc: ['pet', 'cat', 'meows'], msg: 'Field required', input: { pet_type: 'cat' } }] })
  t.match(validate(Tagged, { pet: { pet_type: 'cow' } }), { ok: false, errors: [{ type: 'union_tag_invalid', loc: ['pet'], ctx: { expected_tags: "'cat', 'dog'" } }] })
  t.strictSame((validate(Plain, { pet_type: 'cat' }) as { errors: Array<{ loc: unknown[] }> }).errors.map(e => e.loc), [
    ['UnionsRefCat', 'meows'], ['UnionsRefDog', 'pet_type'], ['UnionsRefDog', 'barks'],
  ])
  t.equal(validate(Tagged, { pet: { pet_type: 'dog', barks: true } }).ok, true)
})

t.test('recursive tagged unions: a bad tag at one level drops what its members found below; a nullable member keeps no label', async t => {
  const Tree = Type.Recursive(This => Type.Union([
    Type.Object({ kind: Type.Literal('leaf'), v: Type.Integer() }),
    Type.Object({ kind: Type.Literal('node'), kids: Type.Array(This) }),
  ], { discriminator: { propertyName: 'kind' } }), { $id: 'UnionsTestTree' })
  // pydantic checks no member of a union whose tag is bad: only union_tag_invalid.
  t.match(validate(Tree, { kind: 'nope', kids: [{ kind: 'leaf', v: 'x' }] }), { ok: false, errors: [{ type: 'union_tag_invalid', loc: [] }] })
  t.equal((validate(Tree, { kind: 'nope', kids: [{ kind: 'leaf', v: 'x' }] }) as { errors: unknown[] }).errors.length, 1)
  t.strictSame((validate(Tree, { kind: 'node', kids: [{ kind: 'bad' }] }) as { errors: Array<{ type: string; loc: unknown[] }> }).errors.map(e => [e.type, e.loc]), [
    ['union_tag_invalid', ['node', 'kids', 0]],
  ], 'the inner bad tag, under the outer tag')
  const Maybe = Type.Object({ inner: Type.Union([Type.Object({ a: Type.Integer() }), Type.Null()]) })
  t.strictSame((validate(Maybe, { inner: { a: 'x' } }) as { errors: Array<{ loc: unknown[] }> }).errors.map(e => e.loc), [['inner', 'a']])
})

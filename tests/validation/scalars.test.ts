/**
 * Scalar request parameters are parsed as pydantic parses them (pydantic-core's `str_as_bool`,
 * `str_as_int`, `str_as_float`, src/input/shared.rs), not as Ajv coerces. Every row is what
 * FastAPI 0.142 (pydantic 2.13) answered to
 *
 *   @app.get("/s")
 *   def s(b: bool | None = None, i: int | None = None, f: float | None = None)
 *
 * for `?<name>=<value>`: the parsed value, or the 422 type (the message and the input as sent
 * are pydantic's for each type).
 */
import t from 'tap'
import Fastify from 'fastify'
import { Type } from '@sinclair/typebox'
import { route } from '../../src/index.js'
import { parseScalar, Unparsed } from '../../src/validation/scalars.js'

const BOOL: Array<[string, boolean | null]> = [
  ['1', true], ['0', false], ['true', true], ['FALSE', false], ['Yes', true], ['no', false], ['on', true], ['OFF', false],
  ['t', true], ['F', false], ['y', true], ['N', false], ['tRuE', true],
  [' 1', null], ['1 ', null], ['2', null], ['', null], ['True ', null], ['yes\n', null], ['maybe', null], ['ﬀ', null],
]
const INT: Array<[string, number | null]> = [
  ['3', 3], ['-3', -3], ['+3', 3], [' 3 ', 3], ['\t3\n', 3], ['3.0', 3], ['3.00', 3], ['3.', null], ['3.5', null], ['1e3', null],
  ['1_000', 1000], ['1__000', null], ['_1', null], ['1_', null], ['0x10', null], ['007', 7], ['-007', -7], ['00', 0], ['0.0', 0],
  ['-0.0', 0], ['+-3', null], ['--3', null], ['-+3', null], ['- 3', null], ['12345678901234567890', 12345678901234567890], ['', null], ['٣', null],
  ['3\u00a0', 3], ['\ufeff3', null], ['3\u0085', 3], ['.0', null], ['0_0', 0], ['1_0.0', 10], ['+0', 0], ['-0', 0], ['0.', null],
  ['1.0e0', null], ['Infinity', null], ['0b1', null], ['-1_000', -1000], ['+1_0', 10],
]
const FLOAT: Array<[string, number | null]> = [
  ['1e3', 1000], ['inf', Infinity], ['-inf', -Infinity], ['+inf', Infinity], ['nan', NaN], ['NaN', NaN], ['Infinity', Infinity],
  ['-Infinity', -Infinity], ['infinity', Infinity], ['1.', 1], ['  .5 ', 0.5], ['1_000.5', 1000.5], [' 1_0', null], ['0x10', null],
  ['1e', null], ['', null], ['3', 3], ['+3.5', 3.5], ['1E-2', 0.01], ['1e400', Infinity], ['-1e400', -Infinity], ['1_e3', 1000],
  ['5_', null], ['١', null],
]

const MESSAGES = {
  b: ['bool_parsing', 'Input should be a valid boolean, unable to interpret input'],
  i: ['int_parsing', 'Input should be a valid integer, unable to parse string as an integer'],
  f: ['float_parsing', 'Input should be a valid number, unable to parse string as a number'],
} as const

t.test("query parameters: FastAPI's value or FastAPI's 422", async t => {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(route({
    method: 'GET', url: '/s',
    query: Type.Object({ b: Type.Optional(Type.Boolean()), i: Type.Optional(Type.Integer()), f: Type.Optional(Type.Number()) }),
    handler: function s ({ query }) { return { b: query.b ?? null, i: query.i ?? null, f: query.f === undefined ? null : String(query.f) } },
  }))
  for (const [name, rows] of [['b', BOOL], ['i', INT], ['f', FLOAT]] as const) {
    for (const [input, value] of rows) {
      const res = await app.inject({ method: 'GET', url: '/s', query: { [name]: input } })
      if (value === null) {
        const [type, msg] = MESSAGES[name]
        t.strictSame(res.json(), { detail: [{ type, loc: ['query', name], msg, input }] }, `${name}=${JSON.stringify(input)}: 422`)
      } else {
        const expected = name === 'f' ? String(value) : value
        t.equal(res.json()[name], expected, `${name}=${JSON.stringify(input)} → ${String(value)}`)
      }
    }
  }
})

t.test('lists, path, header and cookie parameters; X | None', async t => {
  // @app.get("/l") def l(i: Annotated[list[int], Query()] = []) ; @app.get("/p/{i}") def p(i: int)
  // @app.get("/h") def h(x_n: Annotated[int | None, Header()] = None, c: Annotated[bool | None, Cookie()] = None)
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(route({ method: 'GET', url: '/l', query: Type.Object({ i: Type.Array(Type.Integer(), { default: [] }) }), handler: function l ({ query }) { return query } }))
  await app.register(route({ method: 'GET', url: '/p/{i}', params: Type.Object({ i: Type.Integer() }), handler: function p ({ params }) { return params } }))
  await app.register(route({
    method: 'GET', url: '/h',
    headers: Type.Object({ 'x-n': Type.Optional(Type.Union([Type.Integer(), Type.Null()])) }),
    cookies: Type.Object({ c: Type.Optional(Type.Union([Type.Boolean(), Type.Null()])) }),
    handler: function h ({ headers, cookies }) { return { x: headers['x-n'] ?? null, c: cookies.c ?? null } },
  }))
  const list = await app.inject({ method: 'GET', url: '/l?i=1&i=x&i=3.0' })
  t.strictSame(list.json(), { detail: [{ type: 'int_parsing', loc: ['query', 'i', 1], msg: MESSAGES.i[1], input: 'x' }] })
  t.strictSame((await app.inject({ method: 'GET', url: '/l?i=1&i=3.0' })).json(), { i: [1, 3] })
  t.strictSame((await app.inject({ method: 'GET', url: '/l?i=1_0' })).json(), { i: [10] }, 'one value is a list of one')
  t.strictSame((await app.inject({ method: 'GET', url: '/p/3.0' })).json(), { i: 3 })
  t.strictSame((await app.inject({ method: 'GET', url: '/p/x' })).json(), { detail: [{ type: 'int_parsing', loc: ['path', 'i'], msg: MESSAGES.i[1], input: 'x' }] })
  t.strictSame((await app.inject({ method: 'GET', url: '/h', headers: { 'x-n': 'abc' }, cookies: { c: 'nope' } })).json(), {
    detail: [
      { type: 'int_parsing', loc: ['header', 'x-n'], msg: MESSAGES.i[1], input: 'abc' },
      { type: 'bool_parsing', loc: ['cookie', 'c'], msg: MESSAGES.b[1], input: 'nope' },
    ],
  })
  t.strictSame((await app.inject({ method: 'GET', url: '/h', headers: { 'x-n': ' 7 ' }, cookies: { c: 'ON' } })).json(), { x: 7, c: true })
})

t.test('parseScalar', async t => {
  t.strictSame(parseScalar('x', 'integer'), new Unparsed('x', 'integer'))
  t.equal(parseScalar('-0', 'number'), -0)
})

t.test('which parameters are parsed: X, X | None, list[X]; not other unions, strings or non-objects', async t => {
  const { scalarParser } = await import('../../src/validation/scalars.js')
  t.equal(scalarParser(Type.Object({ s: Type.String(), u: Type.Union([Type.Integer(), Type.String()]), a: Type.Array(Type.String()) })), undefined)
  t.equal(scalarParser(Type.String()), undefined)
  t.equal(scalarParser(true), undefined)
  t.equal(scalarParser({ type: 'object', properties: { x: true, y: { type: 'array' } } }), undefined)
  const parse = scalarParser(Type.Object({ n: Type.Unsafe({ type: ['integer', 'null'] }), m: Type.Array(Type.Number()), o: Type.Optional(Type.Integer()) })) as (d: unknown) => void
  const data: Record<string, unknown> = { n: '1', m: ['2', 3, '4'], o: 5 }
  parse(data)
  t.strictSame(data, { n: 1, m: [2, 3, 4], o: 5 }, 'already typed values stay')
  parse('not an object')
})

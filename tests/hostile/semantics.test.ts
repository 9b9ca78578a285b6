// FastAPI's request order, pydantic's scalar parsing and union errors under hostile input:
// bodies of tens of thousands of failing union members and objects, unions nested thousands
// of levels deep, dependency graphs that report one problem an astronomical number of times,
// parameter strings of a megabyte. Every answer is a clean 4xx or the right value. Work is
// bounded by sizes: each case was quadratic (minutes to hours at these sizes) before the
// answer was made linear in the errors' paths (src/validation/paths.ts).
import t from 'tap'
import Fastify, { type FastifyInstance, type LightMyRequestResponse } from 'fastify'
import { Type } from '@sinclair/typebox'
import { basicAuth, dependency, route } from '../../src/index.js'
import { ISSUE_LIMITS } from '../../src/validation/limits.js'

const MAX = ISSUE_LIMITS.issues
type Issue = { type: string; loc: Array<string | number>; msg: string; input: unknown; ctx?: Record<string, unknown> }

const post = (a: FastifyInstance, url: string, payload: string): Promise<LightMyRequestResponse> =>
  a.inject({ method: 'POST', url, headers: { 'content-type': 'application/json' }, payload })

const Cat = Type.Object({ pet_type: Type.Literal('cat'), meows: Type.Boolean() }, { $id: 'Cat' })
const Dog = Type.Object({ pet_type: Type.Literal('dog'), barks: Type.Boolean() }, { $id: 'Dog' })

async function unionApp (t: { teardown: (fn: () => unknown) => void }): Promise<FastifyInstance> {
  const a = Fastify({ logger: false, bodyLimit: 4 * 1024 * 1024 })
  t.teardown(() => a.close())
  await a.register(route({ method: 'POST', url: '/pets', body: Type.Array(Type.Union([Cat, Dog])), handler: () => 'x' }))
  await a.register(route({ method: 'POST', url: '/tagged', body: Type.Array(Type.Union([Cat, Dog], { discriminator: { propertyName: 'pet_type' } })), handler: () => 'x' }))
  await a.register(route({ method: 'POST', url: '/items', body: Type.Array(Type.Object({ a: Type.String(), b: Type.Integer(), c: Type.Boolean() })), handler: () => 'x' }))
  return a
}

function capped (t: Pick<typeof import('tap').default, 'equal' | 'strictSame'>, res: LightMyRequestResponse, total: number): Issue[] {
  t.equal(res.statusCode, 422)
  const detail = res.json().detail as Issue[]
  t.equal(detail.length, MAX + 1, `${MAX} issues and the count of the others`)
  t.strictSame(detail.at(-1)?.ctx, { omitted: total - MAX }, 'the omitted count is exact')
  return detail.slice(0, -1)
}

t.test('a union body of tens of thousands of failing members: each issue once, with its one member label', async t => {
  const a = await unionApp(t)
  const n = 60_000
  const issues = capped(t, await post(a, '/pets', JSON.stringify(Array.from({ length: n }, () => ({ pet_type: 'cat' })))), 3 * n)
  // pydantic: Cat misses meows; Dog's tag is not 'dog' and barks is missing.
  t.strictSame(issues.slice(0, 3).map(i => [i.type, i.loc]), [
    ['missing', ['body', 0, 'Cat', 'meows']],
    ['literal_error', ['body', 0, 'Dog', 'pet_type']],
    ['missing', ['body', 0, 'Dog', 'barks']],
  ])
  t.ok(issues.every((i, k) => i.loc.length === 4 && i.loc[1] === Math.floor(k / 3)), 'one label per issue, never the labels of other items\' unions')
})

t.test('tagged unions: tens of thousands of bad, missing and valid tags', async t => {
  const a = await unionApp(t)
  const n = 50_000
  const body = Array.from({ length: n }, (_, i) => [{ pet_type: 'cat' }, { pet_type: 'cow' }, {}, 'x', { pet_type: 'dog', barks: true }][i % 5])
  const issues = capped(t, await post(a, '/tagged', JSON.stringify(body)), (n / 5) * 4)
  t.strictSame(issues.slice(0, 4).map(i => [i.type, i.loc]), [
    ['missing', ['body', 0, 'cat', 'meows']],
    ['union_tag_invalid', ['body', 1]],
    ['union_tag_not_found', ['body', 2]],
    ['model_attributes_type', ['body', 3]],
  ])
})

t.test('objects missing fields by the hundred thousand: pydantic\'s field order, answered in time', async t => {
  const a = await unionApp(t)
  const n = 300_000
  const issues = capped(t, await post(a, '/items', `[${Array.from({ length: n }, (_, i) => i % 2 === 0 ? '{}' : '{"b":"x"}').join(',')}]`), 3 * n)
  t.strictSame(issues.slice(0, 6).map(i => [i.type, i.loc]), [
    ['missing', ['body', 0, 'a']], ['missing', ['body', 0, 'b']], ['missing', ['body', 0, 'c']],
    ['missing', ['body', 1, 'a']], ['int_type', ['body', 1, 'b']], ['missing', ['body', 1, 'c']],
  ], 'fields in declaration order, missing ones among them')
})

t.test('recursive unions nested thousands of levels: the labels of every level, or recursion_loop past the stack', async t => {
  const a = Fastify({ logger: false, bodyLimit: 4 * 1024 * 1024 })
  t.teardown(() => a.close())
  const Tree = Type.Recursive(This => Type.Union([
    Type.Object({ kind: Type.Literal('leaf'), v: Type.Integer() }),
    Type.Object({ kind: Type.Literal('node'), kids: Type.Array(This) }),
  ], { discriminator: { propertyName: 'kind' } }), { $id: 'Tree' })
  const Nest = Type.Recursive(This => Type.Union([Type.Integer(), Type.Array(This)]), { $id: 'Nest' })
  await a.register(route({ method: 'POST', url: '/tree', body: Tree, handler: () => 'x' }))
  await a.register(route({ method: 'POST', url: '/nest', body: Nest, handler: () => 'x' }))
  for (const depth of [1, 2, 50, 1_000, 10_000, 100_000]) {
    const tree = await post(a, '/tree', `${'{"kind":"node","kids":['.repeat(depth)}{"kind":"leaf","v":"x"}${']}'.repeat(depth)}`)
    t.equal(tree.statusCode, 422, `tree ${depth}`)
    const [first] = tree.json().detail as Issue[]
    if (depth <= 1_000) {
      // pydantic: ['body', 'node', 'kids', 0, …, 'leaf', 'v'], the tag of every level.
      t.strictSame(first?.loc, ['body', ...Array.from({ length: depth }, () => ['node', 'kids', 0]).flat(), 'leaf', 'v'], `tree ${depth}: every level's tag`)
      t.equal(first?.type, 'int_type')
    } else if (first?.type !== 'int_type') {
      t.equal(first?.type, 'recursion_loop', `tree ${depth}: past the stack`)
    }
    const nest = await post(a, '/nest', `${'['.repeat(depth)}"x"${']'.repeat(depth)}`)
    t.equal(nest.statusCode, 422, `nest ${depth}`)
  }
  t.equal((await post(a, '/tree', `${'{"kind":"node","kids":['.repeat(3)}{"kind":"leaf","v":1}${']}'.repeat(3)}`)).statusCode, 200)
})

t.test('a dependency graph that reports one problem 2^40 times: a capped 422 at once, 401 first without credentials', async t => {
  const a = Fastify({ logger: false })
  t.teardown(() => a.close())
  let level = dependency({ name: 'd0', query: Type.Object({ n: Type.Integer() }), resolve: ({ query }) => query.n })
  for (let i = 1; i <= 40; i++) {
    const below = level
    level = dependency({ name: `d${i}`, deps: { left: below, right: below }, resolve: () => i })
  }
  const wide = Array.from({ length: 300 }, (_, i) => dependency({ name: `w${i}`, headers: Type.Object({ [`x-w${i}`]: Type.Integer() }), resolve: () => i }))
  await a.register(route({ method: 'GET', url: '/deep', deps: { top: level }, handler: ({ deps }) => ({ top: deps.top }) }))
  await a.register(route({ method: 'GET', url: '/wide', deps: Object.fromEntries(wide.map((d, i) => [`w${i}`, d])), handler: () => 'x' }))
  await a.register(route({
    method: 'POST', url: '/guarded', deps: { top: level, auth: basicAuth({ autoError: true }) },
    body: Type.Object({ name: Type.String() }), handler: () => 'x',
  }))
  // FastAPI's solve_dependencies reports a failing cached dependency at every use: 2^40 here.
  const issues = capped(t, await a.inject('/deep?n=x'), 2 ** 40)
  t.ok(issues.every(i => i.type === 'int_parsing' && i.loc.join() === 'query,n'))
  t.strictSame((await a.inject('/deep?n=3')).json(), { top: 40 })
  const many = (await a.inject('/wide')).json().detail as Issue[]
  t.equal(many.length, 300, 'every dependency\'s problem, once')
  t.strictSame(many[299]?.loc, ['header', 'x-w299'])
  const guarded = await a.inject({ method: 'POST', url: '/guarded?n=x', headers: { 'content-type': 'application/json' }, payload: '{"name":1}' })
  t.equal(guarded.statusCode, 401, 'the security dependency still answers first')
  t.ok(guarded.headers['www-authenticate'])
})

t.test('scalar parameters of a megabyte, and the strings pydantic treats specially', async t => {
  const a = Fastify({ logger: false })
  t.teardown(() => a.close())
  await a.register(route({
    method: 'GET', url: '/s',
    query: Type.Object({ i: Type.Optional(Type.Integer()), f: Type.Optional(Type.Number()), b: Type.Optional(Type.Boolean()) }),
    handler: ({ query }) => ({ i: query.i ?? null, f: query.f === undefined ? null : String(query.f), b: query.b ?? null }),
  }))
  const get = (query: Record<string, string>): Promise<LightMyRequestResponse> => a.inject({ method: 'GET', url: '/s', query })
  const MB = 1024 * 1024
  const huge: Array<[string, string, string]> = [
    ['i', ' '.repeat(MB) + 'x', 'int_parsing'], ['i', '1'.repeat(MB), 'int_parsing_size'], ['i', '1'.repeat(MB) + 'x', 'int_parsing'],
    ['i', `${'0'.repeat(MB)}.5`, 'int_parsing'], ['i', '1_'.repeat(MB / 2) + '1', 'int_parsing'],
    ['f', '1'.repeat(MB) + 'x', 'float_parsing'], ['f', '\u00a0'.repeat(MB) + 'x', 'float_parsing'], ['f', '1.' + '1'.repeat(MB) + 'e', 'float_parsing'],
    ['b', 'y'.repeat(MB), 'bool_parsing'],
  ]
  for (const [name, value, type] of huge) {
    const res = await get({ [name]: value })
    t.equal(res.statusCode, 422, `${name}: ${type}`)
    const [issue] = res.json().detail as Issue[]
    t.equal(issue?.type, type, `${name}=${value.slice(0, 8)}… (${value.length} chars)`)
  }
  // pydantic-core: str_as_int / str_as_float / str_as_bool (FastAPI's answers).
  const values: Array<[Record<string, string>, Record<string, unknown>]> = [
    [{ i: '1_000' }, { i: 1000 }], [{ i: '  3 ' }, { i: 3 }], [{ i: '-0' }, { i: 0 }], [{ i: '1'.repeat(300) }, { i: Number('1'.repeat(300)) }],
    [{ f: '1e400' }, { f: 'Infinity' }], [{ f: '-1e400' }, { f: '-Infinity' }], [{ f: 'nan' }, { f: 'NaN' }], [{ f: '-0' }, { f: '0' }],
    [{ f: '  3 ' }, { f: '3' }], [{ b: 'YES' }, { b: true }],
  ]
  for (const [query, expected] of values) t.match((await get(query)).json(), expected, JSON.stringify(query))
  const refused: Array<[Record<string, string>, string]> = [
    [{ i: '١٢٣' }, 'int_parsing'], [{ i: '1e3' }, 'int_parsing'], [{ i: '1'.repeat(4301) }, 'int_parsing_size'], [{ i: '1'.repeat(400) }, 'int_parsing_size'],
    [{ f: '١.٥' }, 'float_parsing'], [{ b: ' 1' }, 'bool_parsing'],
  ]
  for (const [query, type] of refused) t.equal(((await get(query)).json().detail as Issue[])[0]?.type, type, JSON.stringify(query).slice(0, 40))
})

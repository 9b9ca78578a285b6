/**
 * How a request is answered, in FastAPI's order: the body is parsed first (malformed JSON is a
 * 422 `json_invalid` before anything else), then dependencies are solved, each after its own
 * parts are validated (a security dependency's 401 ends the request; a dependency whose parts,
 * or whose sub-dependencies' parts, are invalid is not run and its problems join the 422),
 * then the route's own path, query, header, cookie and body. Source: `get_request_handler`
 * (fastapi/routing.py) and `solve_dependencies` (fastapi/dependencies/utils.py). Every
 * expected answer below is what FastAPI 0.142 answered to the same app written in Python
 * (the Python side is quoted above each test).
 */
import t from 'tap'
import Fastify, { type FastifyInstance } from 'fastify'
import { Type } from '@sinclair/typebox'
import { basicAuth, dependency, HttpError, route, safeCompare } from '../../src/index.js'

type Teardown = { teardown: (fn: () => unknown) => void }

async function newApp (t: Teardown): Promise<FastifyInstance> {
  const app = Fastify()
  t.teardown(() => app.close())
  return app
}

const basic = (user: string, password: string): string => 'Basic ' + Buffer.from(`${user}:${password}`).toString('base64')

// security = HTTPBasic()
// def current(credentials = Depends(security)):
//     if credentials.username != 'u': raise HTTPException(401, 'Incorrect username or password', headers={'WWW-Authenticate': 'Basic'})
//     return credentials.username
// @app.post("/items/{n}")
// def create(n: int, item: Item, user = Depends(current), q: int = 0): ...
async function protectedApp (t: Teardown, asyncCheck = false): Promise<{ app: FastifyInstance; handled: () => number }> {
  const app = await newApp(t)
  let handled = 0
  const check = (username: string): string => {
    if (!safeCompare(username, 'u')) throw new HttpError(401, 'Incorrect username or password', { 'WWW-Authenticate': 'Basic' })
    return username
  }
  const current = dependency({
    deps: { credentials: basicAuth() },
    resolve: asyncCheck
      ? async function current ({ deps }) { await Promise.resolve(); return check(deps.credentials.username) }
      : function current ({ deps }) { return check(deps.credentials.username) },
  })
  await app.register(route({
    method: 'POST',
    url: '/items/{n}',
    params: Type.Object({ n: Type.Integer() }),
    query: Type.Object({ q: Type.Integer({ default: 0 }) }),
    body: Type.Object({ name: Type.String(), price: Type.Number() }, { $id: 'Item' }),
    deps: { user: current },
    handler: function create ({ deps }) { handled++; return { user: deps.user } },
  }))
  return { app, handled: () => handled }
}

for (const asyncCheck of [false, true]) {
  t.test(`an unauthenticated request never reaches validation (${asyncCheck ? 'async' : 'sync'} check)`, async t => {
    const { app, handled } = await protectedApp(t, asyncCheck)
    const notAuthenticated = { detail: 'Not authenticated' }
    for (const [what, request] of [
      ['an invalid body', { payload: { name: 1 } }],
      ['no body', {}],
      ['a body that is not JSON', { headers: { 'content-type': 'text/plain' }, payload: 'hello' }],
      ['a body of the wrong type', { payload: [1, 2] }],
      ['a null body', { headers: { 'content-type': 'application/json' }, payload: 'null' }],
    ] as const) {
      const res = await app.inject({ method: 'POST', url: '/items/x?q=y', ...request })
      t.equal(res.statusCode, 401, what)
      t.equal(res.headers['www-authenticate'], 'Basic', `${what}: WWW-Authenticate`)
      t.strictSame(res.json(), notAuthenticated, `${what}: no schema disclosed`)
    }
    const malformed = await app.inject({ method: 'POST', url: '/items/x?q=y', headers: { authorization: 'Basic !!!' }, payload: { name: 1 } })
    t.equal(malformed.statusCode, 401, 'malformed credentials')
    t.strictSame(malformed.json(), notAuthenticated)
    const wrong = await app.inject({ method: 'POST', url: '/items/x?q=y', headers: { authorization: basic('v', 'p') }, payload: { name: 1 } })
    t.equal(wrong.statusCode, 401, 'wrong credentials: the checking dependency answers')
    t.equal(wrong.headers['www-authenticate'], 'Basic')
    t.strictSame(wrong.json(), { detail: 'Incorrect username or password' })
    t.equal(handled(), 0)
  })

  t.test(`malformed JSON is a 422 json_invalid before any dependency (${asyncCheck ? 'async' : 'sync'} check)`, async t => {
    const { app } = await protectedApp(t, asyncCheck)
    const res = await app.inject({ method: 'POST', url: '/items/x?q=y', headers: { 'content-type': 'application/json' }, payload: '{"name": ' })
    t.equal(res.statusCode, 422)
    // FastAPI's ctx.error is Python's json message ('Expecting value'); routecraft's is JavaScript's.
    t.match(res.json(), { detail: [{ type: 'json_invalid', loc: ['body', 9], msg: 'JSON decode error', input: {}, ctx: { error: String } }] })
    t.equal(res.json().detail.length, 1)
  })

  t.test(`authenticated: the route's own parts, in order path, query, body (${asyncCheck ? 'async' : 'sync'} check)`, async t => {
    const { app, handled } = await protectedApp(t, asyncCheck)
    const res = await app.inject({ method: 'POST', url: '/items/x?q=y', headers: { authorization: basic('u', 'p') }, payload: { name: 1 } })
    t.equal(res.statusCode, 422)
    t.strictSame(res.json(), {
      detail: [
        { type: 'int_parsing', loc: ['path', 'n'], msg: 'Input should be a valid integer, unable to parse string as an integer', input: 'x' },
        { type: 'int_parsing', loc: ['query', 'q'], msg: 'Input should be a valid integer, unable to parse string as an integer', input: 'y' },
        { type: 'string_type', loc: ['body', 'name'], msg: 'Input should be a valid string', input: 1 },
        { type: 'missing', loc: ['body', 'price'], msg: 'Field required', input: { name: 1 } },
      ],
    })
    const ok = await app.inject({ method: 'POST', url: '/items/3', headers: { authorization: basic('u', 'p') }, payload: { name: 'a', price: 1 } })
    t.strictSame(ok.json(), { user: 'u' })
    t.equal(handled(), 1)
  })
}

// def page(limit: int, offset: int = 0): return (limit, offset)
// def pager(p = Depends(page), x_token: Annotated[str, Header()]): return p
// def guard(k: Annotated[str, Query()]):
//     if k != 'ok': raise HTTPException(403, 'Forbidden')
// @app.get("/d/{n}")
// def d(n: int, p = Depends(pager), g = Depends(guard), z: int): return {"p": p}
async function graphApp (t: Teardown, asyncGuard: boolean): Promise<{ app: FastifyInstance; runs: Record<string, number> }> {
  const app = await newApp(t)
  const runs: Record<string, number> = { page: 0, pager: 0, guard: 0 }
  const page = dependency({
    query: Type.Object({ limit: Type.Integer(), offset: Type.Integer({ default: 0 }) }),
    resolve: function page ({ query }) { runs.page++; return [query.limit, query.offset] },
  })
  const pager = dependency({
    deps: { p: page },
    headers: Type.Object({ 'x-token': Type.String() }),
    resolve: function pager ({ deps }) { runs.pager++; return deps.p },
  })
  const check = (k: string): string => {
    runs.guard++
    if (k !== 'ok') throw new HttpError(403, 'Forbidden')
    return k
  }
  const guard = dependency({
    query: Type.Object({ k: Type.String() }),
    resolve: asyncGuard
      ? async function guard ({ query }) { await new Promise(resolve => setImmediate(resolve)); return check(query.k) }
      : function guard ({ query }) { return check(query.k) },
  })
  await app.register(route({
    method: 'GET',
    url: '/d/{n}',
    params: Type.Object({ n: Type.Integer() }),
    query: Type.Object({ z: Type.Integer() }),
    deps: { p: pager, g: guard },
    handler: function d ({ deps }) { return { p: deps.p } },
  }))
  return { app, runs }
}

const intParsing = (loc: Array<string | number>, input: string): object => ({ type: 'int_parsing', loc, msg: 'Input should be a valid integer, unable to parse string as an integer', input })
const missing = (loc: Array<string | number>): object => ({ type: 'missing', loc, msg: 'Field required', input: null })

for (const asyncGuard of [false, true]) {
  t.test(`a graph of dependencies: problems in FastAPI's order, the valid dependencies run (${asyncGuard ? 'async' : 'sync'} guard)`, async t => {
    const { app, runs } = await graphApp(t, asyncGuard)
    const none = await app.inject({ method: 'GET', url: '/d/x?z=w' })
    t.equal(none.statusCode, 422)
    t.strictSame(none.json(), {
      detail: [missing(['query', 'limit']), missing(['header', 'x-token']), missing(['query', 'k']), intParsing(['path', 'n'], 'x'), intParsing(['query', 'z'], 'w')],
    }, 'sub-dependency, dependency, sibling, then the route')
    t.strictSame(runs, { page: 0, pager: 0, guard: 0 }, 'no dependency with invalid parts ran')

    const forbidden = await app.inject({ method: 'GET', url: '/d/x?z=w&k=bad' })
    t.equal(forbidden.statusCode, 403, 'the guard has valid parts: it runs, and its HttpError wins over the 422')
    t.strictSame(forbidden.json(), { detail: 'Forbidden' })
    t.equal(runs.guard, 1)

    const limit = await app.inject({ method: 'GET', url: '/d/x?z=w&k=ok&limit=a' })
    t.strictSame(limit.json(), {
      detail: [intParsing(['query', 'limit'], 'a'), missing(['header', 'x-token']), intParsing(['path', 'n'], 'x'), intParsing(['query', 'z'], 'w')],
    })
    const route = await app.inject({ method: 'GET', url: '/d/x?z=w&k=ok&limit=1', headers: { 'x-token': 't' } })
    t.strictSame(route.json(), { detail: [intParsing(['path', 'n'], 'x'), intParsing(['query', 'z'], 'w')] }, 'only the route\'s own parts left')
    t.strictSame(runs, { page: 1, pager: 1, guard: 3 }, 'page and pager ran once their parts were valid')

    const ok = await app.inject({ method: 'GET', url: '/d/1?z=1&k=ok&limit=1', headers: { 'x-token': 't' } })
    t.equal(ok.statusCode, 200)
    t.strictSame(ok.json(), { p: [1, 0] })
  })
}

// def page(limit: int, offset: int = 0): ...
// @app.get("/cached")
// def cached(a = Depends(page), b = Depends(page)): return {}
t.test('a cached dependency used twice reports its problems twice, as FastAPI does', async t => {
  const app = await newApp(t)
  const page = dependency({ query: Type.Object({ limit: Type.Integer() }), resolve: ({ query }) => query.limit })
  const outer = dependency({ deps: { inner: page }, resolve: ({ deps }) => deps.inner })
  await app.register(route({ method: 'GET', url: '/cached', deps: { a: page, b: page, c: outer }, handler: () => ({}) }))
  const res = await app.inject({ method: 'GET', url: '/cached' })
  t.strictSame(res.json(), { detail: [missing(['query', 'limit']), missing(['query', 'limit']), missing(['query', 'limit'])] })
  const ok = await app.inject({ method: 'GET', url: '/cached?limit=2' })
  t.strictSame(ok.json(), {})
})

t.test('a dependency sees the body as parsed, before the route validates it', async t => {
  const app = await newApp(t)
  const seen: unknown[] = []
  const peek = dependency({ resolve: ({ body }) => { seen.push(body === undefined || Buffer.isBuffer(body) ? body : JSON.stringify(body)) } })
  await app.register(route({ method: 'POST', url: '/peek', body: Type.Object({ n: Type.Integer({ default: 1 }) }), deps: { peek }, handler: ({ body }) => body }))
  const json = await app.inject({ method: 'POST', url: '/peek', payload: { n: 'x' } })
  t.equal(json.statusCode, 422)
  const text = await app.inject({ method: 'POST', url: '/peek', headers: { 'content-type': 'text/plain' }, payload: 'hello' })
  t.equal(text.statusCode, 422)
  const empty = await app.inject({ method: 'POST', url: '/peek' })
  t.equal(empty.statusCode, 422)
  const ok = await app.inject({ method: 'POST', url: '/peek', payload: {} })
  t.strictSame(ok.json(), { n: 1 })
  t.strictSame(seen, ['{"n":"x"}', Buffer.from('hello'), undefined, '{}'], 'the JSON as sent, the bytes of a non-JSON body, nothing for an empty one')
})

t.test('cookies: a dependency and the route validate their own, each with its own types', async t => {
  const app = await newApp(t)
  const session = dependency({ cookies: Type.Object({ session: Type.String({ minLength: 3 }) }), resolve: ({ cookies }) => cookies.session })
  await app.register(route({
    method: 'GET', url: '/c', cookies: Type.Object({ n: Type.Integer() }), deps: { session },
    handler: ({ deps, cookies }) => ({ session: deps.session, n: cookies.n }),
  }))
  const bad = await app.inject({ method: 'GET', url: '/c', cookies: { session: 'ab', n: 'x' } })
  t.strictSame(bad.json(), {
    detail: [
      { type: 'string_too_short', loc: ['cookie', 'session'], msg: 'String should have at least 3 characters', input: 'ab' },
      intParsing(['cookie', 'n'], 'x'),
    ],
  })
  const ok = await app.inject({ method: 'GET', url: '/c', cookies: { session: 'abc', n: '7' } })
  t.strictSame(ok.json(), { session: 'abc', n: 7 })
})

t.test('after an async dependency, a later one with invalid parts is still skipped and reported', async t => {
  const app = await newApp(t)
  let later = 0
  const first = dependency({ resolve: async () => { await new Promise(resolve => setImmediate(resolve)); return 1 } })
  const second = dependency({ query: Type.Object({ n: Type.Integer() }), resolve: ({ query }) => { later++; return query.n } })
  const third = dependency({ deps: { second }, resolve: ({ deps }) => deps.second })
  await app.register(route({ method: 'GET', url: '/a', deps: { first, third }, handler: ({ deps }) => deps }))
  const bad = await app.inject({ method: 'GET', url: '/a?n=x' })
  t.strictSame(bad.json(), { detail: [intParsing(['query', 'n'], 'x')] })
  t.equal(later, 0)
  const ok = await app.inject({ method: 'GET', url: '/a?n=2' })
  t.strictSame(ok.json(), { first: 1, third: 2 })
})

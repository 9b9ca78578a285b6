// Dependencies with teardown (FastAPI's dependencies with `yield`, request scope): the value is
// the first yield; the code after it runs once the response has been sent and the handler has
// settled, in reverse order of setup, once per request even for a shared dependency; errors of
// the handler or a later dependency are thrown into the generators; a failing teardown is
// logged and changes nothing that was sent. Real sockets for the client that leaves early.
import t from 'tap'
import { connect } from 'node:net'
import { PassThrough, Writable } from 'node:stream'
import Fastify, { type FastifyInstance } from 'fastify'
import { Type } from '@sinclair/typebox'
import { dependencies, dependency, HttpError, openapi, route } from '../../src/index.js'
import { kDependency } from '../../src/symbols.js'

type Teardown = { teardown: (fn: () => unknown) => void }

/** A promise with its resolve, to wait for an event without any timer. */
function deferred<T = void> (): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void
  const promise = new Promise<T>(r => { resolve = r })
  return { promise, resolve }
}

/** An app that records 'sent' when Fastify has written the response (onResponse). */
function appWithLog (t: Teardown, events: string[], logs?: string[]): FastifyInstance {
  const stream = new Writable({ write (chunk, _enc, done) { logs?.push(String(chunk)); done() } })
  const app = Fastify(logs === undefined ? {} : { logger: { level: 'error', stream } })
  app.addHook('onResponse', async () => { events.push('sent') })
  t.teardown(() => app.close())
  return app
}

const errorName = (err: unknown): string => err instanceof HttpError ? `HttpError ${err.status}` : err instanceof Error ? `Error ${err.message}` : String(err)

t.test('value from the yield; teardown after the response, in reverse order of setup', async t => {
  const events: string[] = []
  const finished = deferred()
  const session = dependency({
    resolve: async function * session () {
      events.push('setup session')
      try { yield { id: 's1' } } finally { events.push('teardown session'); finished.resolve() }
    },
  })
  const unitOfWork = dependency({
    deps: { session },
    resolve: function * unit_of_work ({ deps }) {
      events.push(`setup uow on ${deps.session.id}`)
      yield { writes: [] as string[] }
      events.push('teardown uow')
    },
  })
  const app = appWithLog(t, events)
  await app.register(route({ method: 'GET', url: '/x', deps: { uow: unitOfWork, session }, handler: function read_x ({ deps }) {
    events.push('handler')
    return { session: deps.session.id, writes: deps.uow.writes }
  } }))
  const res = await app.inject({ url: '/x' })
  t.equal(res.statusCode, 200)
  t.strictSame(res.json(), { session: 's1', writes: [] })
  await finished.promise
  t.strictSame(events, ['setup session', 'setup uow on s1', 'handler', 'sent', 'teardown uow', 'teardown session'])
})

t.test('the response does not wait for a slow teardown (real socket)', async t => {
  const release = deferred()
  const tornDown = deferred()
  const slow = dependency({
    resolve: async function * slow () {
      yield 'v'
      await release.promise
      tornDown.resolve()
    },
  })
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(route({ method: 'GET', url: '/slow', deps: { v: slow }, handler: function read_slow ({ deps }) { return { v: deps.v } } }))
  await app.listen({ port: 0, host: '127.0.0.1' })
  const { port } = app.server.address() as { port: number }
  const res = await fetch(`http://127.0.0.1:${port}/slow`)
  t.strictSame(await res.json(), { v: 'v' }, 'the whole body arrived while the teardown was still waiting')
  release.resolve()
  await tornDown.promise
})

t.test('a failing handler: its error is thrown into the generators; the response is the error\'s', async t => {
  for (const [label, error, status] of [
    ['HttpError', new HttpError(404, 'Item not found'), 404],
    ['an unexpected Error', new Error('boom'), 500],
  ] as const) {
    const events: string[] = []
    const done = deferred()
    const outer = dependency({ resolve: async function * outer () {
      try { yield 1 } catch (err) { events.push(`outer saw ${errorName(err)}`); throw err } finally { done.resolve() }
    } })
    const inner = dependency({ deps: { outer }, resolve: function * inner () {
      try { yield 2 } catch (err) { events.push(`inner saw ${errorName(err)}`); throw err }
    } })
    const app = appWithLog(t, events)
    await app.register(route({ method: 'GET', url: '/fail', deps: { inner }, handler: function fail () { throw error } }))
    const res = await app.inject({ url: '/fail' })
    t.equal(res.statusCode, status, label)
    await done.promise
    t.strictSame(events, ['sent', `inner saw ${errorName(error)}`, `outer saw ${errorName(error)}`], label)
  }
})

t.test('all synchronous: a generator function and a handler that throws', async t => {
  const events: string[] = []
  const done = deferred()
  const lock = dependency({ resolve: function * lock () {
    try { yield 'locked' } catch (err) { events.push(`unlock after ${errorName(err)}`); throw err } finally { done.resolve() }
  } })
  const failing = dependency({ deps: { lock }, resolve: () => { throw new HttpError(429, 'Too Many Requests') } })
  const app = appWithLog(t, events)
  await app.register(route({ method: 'GET', url: '/x', deps: { failing }, handler: function x () { return 'never' } }))
  const res = await app.inject({ url: '/x' })
  t.equal(res.statusCode, 429)
  await done.promise
  t.strictSame(events, ['sent', 'unlock after HttpError 429'])
})

t.test('an asynchronous handler that rejects, and a later dependency that fails', async t => {
  const events: string[] = []
  let done = deferred()
  const tx = dependency({ resolve: async function * tx () {
    try { yield 'tx'; events.push('commit') } catch (err) { events.push(`rollback after ${errorName(err)}`); throw err } finally { done.resolve() }
  } })
  const failing = dependency({ deps: { tx }, resolve: async () => { await Promise.resolve(); throw new HttpError(403, 'Forbidden') } })
  const app = appWithLog(t, events)
  await app.register(route({ method: 'GET', url: '/later', deps: { tx, failing }, handler: function later () { events.push('handler'); return 'never' } }))
  await app.register(route({ method: 'GET', url: '/async', deps: { tx }, handler: async function async_fail () { await Promise.resolve(); throw new HttpError(409, 'Conflict') } }))
  await app.register(route({ method: 'GET', url: '/ok', deps: { tx }, handler: async function ok () { await Promise.resolve(); return 'ok' } }))

  t.equal((await app.inject({ url: '/later' })).statusCode, 403)
  await done.promise
  t.strictSame(events.splice(0), ['sent', 'rollback after HttpError 403'], 'the handler never ran')
  done = deferred()
  t.equal((await app.inject({ url: '/async' })).statusCode, 409)
  await done.promise
  t.strictSame(events.splice(0), ['sent', 'rollback after HttpError 409'])
  done = deferred()
  t.equal((await app.inject({ url: '/ok' })).statusCode, 200)
  await done.promise
  t.strictSame(events.splice(0), ['sent', 'commit'])
})

t.test('a generator that handles the error ends it for those set up before it (ExitStack)', async t => {
  const events: string[] = []
  const done = deferred()
  const outer = dependency({ resolve: async function * outer () {
    try { yield 1; events.push('outer: no error') } catch (err) { events.push(`outer saw ${errorName(err)}`) } finally { done.resolve() }
  } })
  const inner = dependency({ deps: { outer }, resolve: async function * inner () {
    try { yield 2 } catch (err) { events.push(`inner handled ${errorName(err)}`) }
  } })
  const app = appWithLog(t, events)
  await app.register(route({ method: 'GET', url: '/x', deps: { inner }, handler: function x () { throw new HttpError(400, 'Bad') } }))
  t.equal((await app.inject({ url: '/x' })).statusCode, 400, 'the response is still the error\'s')
  await done.promise
  t.strictSame(events, ['sent', 'inner handled HttpError 400', 'outer: no error'])
})

t.test('once per request for a shared dependency; cache: false gives one generator per use', async t => {
  const events: string[] = []
  let opened = 0
  let closed = 0
  const allClosed = { target: 0, wait: deferred() }
  const shared = (cache: boolean) => dependency({ cache, resolve: async function * conn () {
    const n = ++opened
    events.push(`open ${n}`)
    yield n
    closed++
    events.push(`close ${n}`)
    if (closed === allClosed.target) allClosed.wait.resolve()
  } })
  const app = appWithLog(t, events)
  const cached = shared(true)
  const a = dependency({ deps: { c: cached }, resolve: ({ deps }) => deps.c })
  const b = dependency({ deps: { c: cached }, resolve: ({ deps }) => deps.c })
  await app.register(route({ method: 'GET', url: '/cached', deps: { a, b, c: cached }, handler: function cached_route ({ deps }) { return [deps.a, deps.b, deps.c] } }))
  const uncached = shared(false)
  await app.register(route({ method: 'GET', url: '/uncached', deps: { x: uncached, y: uncached }, handler: function uncached_route ({ deps }) { return [deps.x, deps.y] } }))

  allClosed.target = 1
  t.strictSame((await app.inject({ url: '/cached' })).json(), [1, 1, 1])
  await allClosed.wait.promise
  t.strictSame(events.splice(0), ['open 1', 'sent', 'close 1'])

  allClosed.target = 3
  allClosed.wait = deferred()
  t.strictSame((await app.inject({ url: '/uncached' })).json(), [2, 3])
  await allClosed.wait.promise
  t.strictSame(events.splice(0), ['open 2', 'open 3', 'sent', 'close 3', 'close 2'])
})

t.test('a failing teardown is logged, the others still run (they see its error), the response is unchanged', async t => {
  const events: string[] = []
  const logs: string[] = []
  const done = deferred()
  const outer = dependency({ resolve: function * outer () {
    try { yield 1; events.push('outer: no error') } catch (err) { events.push(`outer saw ${errorName(err)}`) } finally { done.resolve() }
  } })
  const broken = dependency({ deps: { outer }, resolve: async function * broken () { yield 2; throw new Error('cannot close') } })
  const app = appWithLog(t, events, logs)
  await app.register(route({ method: 'GET', url: '/x', deps: { broken }, handler: function x () { return { ok: true } } }))
  const res = await app.inject({ url: '/x' })
  t.equal(res.statusCode, 200)
  t.strictSame(res.json(), { ok: true })
  await done.promise
  t.strictSame(events, ['sent', 'outer saw Error cannot close'], 'as in Python\'s ExitStack')
  t.match(logs.join(''), /a dependency teardown failed/)
  t.match(logs.join(''), /cannot close/)
})

t.test('misuse at request time: a generator that never yields, one that yields twice', async t => {
  const logs: string[] = []
  const events: string[] = []
  const app = appWithLog(t, events, logs)
  const done = deferred()
  // eslint-disable-next-line require-yield
  const never = dependency({ resolve: async function * () { events.push('never yields') } }) // anonymous: named by its id
  const twice = dependency({ resolve: function * twice () {
    try { yield 1; yield 2; events.push('not reached') } finally { events.push('closed at the second yield'); done.resolve() }
  } })
  await app.register(route({ method: 'GET', url: '/never', deps: { v: never }, handler: function n () { return 'x' } }))
  await app.register(route({ method: 'GET', url: '/twice', deps: { v: twice }, handler: function tw ({ deps }) { return deps.v } }))
  const asyncDone = deferred()
  const asyncTwice = dependency({ resolve: async function * async_twice () {
    try { yield 1; yield 2 } finally { asyncDone.resolve() }
  } })
  await app.register(route({ method: 'GET', url: '/async-twice', deps: { v: asyncTwice }, handler: function atw ({ deps }) { return deps.v } }))
  const res = await app.inject({ url: '/never' })
  t.equal(res.statusCode, 500)
  t.strictSame(res.json(), { detail: 'Internal Server Error' })
  t.match(logs.join(''), /RC_ERR_DEPENDENCY_NO_YIELD: dependency #\d+/)
  t.equal((await app.inject({ url: '/twice' })).body, '1')
  await done.promise
  t.match(logs.join(''), /yielded more than once/)
  t.equal((await app.inject({ url: '/async-twice' })).body, '1')
  await asyncDone.promise
  t.notOk(events.includes('not reached'))
})

t.test('a client that disconnects mid-response (real socket): teardown runs once', async t => {
  const tornDown = deferred<string>()
  let teardowns = 0
  const resource = dependency({ resolve: async function * resource () {
    try { yield 'r' } catch (err) { tornDown.resolve(`error ${errorName(err)}`); throw err } finally { teardowns++; tornDown.resolve('finally') }
  } })
  const firstChunk = deferred()
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(route({ method: 'GET', url: '/stream', deps: { r: resource }, handler: function stream ({ reply }) {
    const body = new PassThrough()
    body.write('first chunk\n')
    firstChunk.promise.then(() => body.write('never read\n'), () => {})
    return reply.type('text/plain').send(body)
  } }))
  await app.listen({ port: 0, host: '127.0.0.1' })
  const { port } = app.server.address() as { port: number }
  const socket = connect(port, '127.0.0.1')
  socket.write('GET /stream HTTP/1.1\r\nHost: localhost\r\n\r\n')
  let received = ''
  await new Promise<void>(resolve => socket.on('data', chunk => {
    received += String(chunk)
    if (received.includes('first chunk')) resolve()
  }))
  socket.destroy()
  t.equal(await tornDown.promise, 'finally', 'torn down once the connection closed, without an error')
  t.equal(teardowns, 1, 'once')
  firstChunk.resolve()
  // A normal request afterwards: the server is fine, and the earlier generator ran only once.
  const again = await fetch(`http://127.0.0.1:${port}/stream`)
  t.equal(again.status, 200)
  await again.body?.cancel()
})

t.test('a client that leaves while a dependency is still setting up: its generator is still torn down, after setup', async t => {
  const setupStarted = deferred()
  const finishSetup = deferred()
  const tornDown = deferred<string[]>()
  const events: string[] = []
  const early = dependency({ resolve: async function * early () { yield 'early'; events.push('early torn down'); tornDown.resolve(events) } })
  const late = dependency({ deps: { early }, resolve: async function * late () {
    setupStarted.resolve()
    await finishSetup.promise
    events.push('late set up')
    yield 'late'
    events.push('late torn down')
  } })
  const app = Fastify()
  t.teardown(() => app.close())
  const connectionClosed = deferred()
  app.addHook('onRequest', (_request, reply, done) => { reply.raw.once('close', () => connectionClosed.resolve()); done() })
  await app.register(route({ method: 'GET', url: '/x', deps: { late }, handler: function x ({ deps }) { events.push('handler'); return deps.late } }))
  await app.listen({ port: 0, host: '127.0.0.1' })
  const { port } = app.server.address() as { port: number }
  const socket = connect(port, '127.0.0.1')
  socket.on('error', () => {})
  socket.write('GET /x HTTP/1.1\r\nHost: localhost\r\n\r\n')
  await setupStarted.promise
  socket.destroy()
  await connectionClosed.promise
  finishSetup.resolve()
  t.strictSame(await tornDown.promise, ['late set up', 'handler', 'late torn down', 'early torn down'], 'nothing is torn down under a running handler')
})

t.test('scope dependencies and openapi({ protect }) may have teardown too', async t => {
  const events: string[] = []
  let done = deferred()
  const audit = dependency({ resolve: async function * audit () { events.push('audit open'); yield; events.push('audit close'); done.resolve() } })
  const app = appWithLog(t, events)
  await app.register(openapi({ protect: audit }))
  await app.register(dependencies(audit))
  await app.register(route({ method: 'GET', url: '/x', query: Type.Object({ q: Type.Optional(Type.String()) }), handler: function x () { return 'x' } }))
  t.equal((await app.inject({ url: '/x' })).statusCode, 200)
  await done.promise
  t.strictSame(events.splice(0), ['audit open', 'sent', 'audit close'])
  done = deferred()
  t.equal((await app.inject({ url: '/openapi.json' })).statusCode, 200)
  await done.promise
  t.strictSame(events.splice(0), ['audit open', 'sent', 'audit close'])
})

t.test('a security scheme whose resolve is a generator has teardown too (sync and async)', async t => {
  const { securityScheme } = await import('../../src/index.js')
  for (const kind of ['async', 'sync'] as const) {
    const events: string[] = []
    let finished = deferred()
    const body = function * (authorization: string | undefined): Generator<string> {
      events.push('open')
      try {
        yield authorization ?? 'none'
        events.push('commit')
      } catch (err) {
        events.push(`rollback ${errorName(err)}`)
        throw err
      } finally {
        finished.resolve()
      }
    }
    const scheme = { type: 'http', scheme: 'bearer' } as const
    const guard = kind === 'async'
      ? securityScheme({ schemeName: 'GenAsync', scheme, resolve: async function * (authorization) { return yield * body(authorization) } })
      : securityScheme({ schemeName: 'GenSync', scheme, resolve: body })
    // The scheme's dependency resolves with a generator of the same kind: a `function*` stays
    // synchronous (no promise per request), an `async function*` is asynchronous.
    const record = (guard as unknown as Record<symbol, { resolve: (ctx: unknown) => unknown }>)[kDependency]
    const generator = record?.resolve({ headers: { authorization: 'Bearer x' } }) as Generator | AsyncGenerator
    t.equal(Symbol.asyncIterator in generator, kind === 'async', `${kind}: the resolve is a ${kind} generator`)
    const app = appWithLog(t, events)
    await app.register(route({ method: 'GET', url: '/ok', deps: { g: guard }, handler: ({ deps }) => ({ value: deps.g.toUpperCase() }) }))
    await app.register(route({ method: 'GET', url: '/fail', deps: { g: guard }, handler: () => { throw new HttpError(409, 'conflict') } }))
    const ok = await app.inject({ url: '/ok', headers: { authorization: 'Bearer abc' } })
    t.strictSame(ok.json(), { value: 'BEARER ABC' }, `${kind}: the value is the first yield (a string, as typed)`)
    await finished.promise
    t.strictSame(events, ['open', 'sent', 'commit'], `${kind}: the rest runs after the response`)
    events.length = 0
    finished = deferred()
    const fail = await app.inject({ url: '/fail' })
    t.equal(fail.statusCode, 409)
    await finished.promise
    t.strictSame(events, ['open', 'sent', 'rollback HttpError 409'], `${kind}: the handler's error is thrown in at the yield`)
  }
})

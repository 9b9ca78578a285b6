// Statuses and headers Node would send wrongly or refuse at write time. Every 1xx status,
// wherever a handler can give one (ctx.response.status, withResponse, a route's declared
// status, an HttpError changed after it was built), and every hop-by-hop or framing header,
// wherever a handler can set one (ctx.response.headers.set/append, withResponse's headers,
// .header(), HttpError's headers), is refused where it is set: the route answers one clean
// final 500 (or the declaration throws), never an interim line the client waits past, and
// the process survives inject() too.
import t from 'tap'
import Fastify, { type FastifyInstance } from 'fastify'
import { connect } from 'node:net'
import type { AddressInfo } from 'node:net'
import { Type } from '@sinclair/typebox'
import { HttpError, route, RoutecraftError, withResponse } from '../../src/index.js'

const CLEAN = '{"detail":"Internal Server Error"}'
const INTERIM = Array.from({ length: 100 }, (_, i) => 100 + i)
const OUTSIDE = [-1, 0, 99, 600, 999, 1000, 200.5, Number.NaN, Infinity]
const CONNECTION_HEADERS = ['Connection', 'Keep-Alive', 'Proxy-Connection', 'TE', 'Trailer', 'Transfer-Encoding', 'Upgrade', 'HTTP2-Settings']
const VALUES: Record<string, string> = {
  Connection: 'close', 'Keep-Alive': 'timeout=5', 'Proxy-Connection': 'keep-alive', TE: 'trailers', Trailer: 'X-Checksum',
  'Transfer-Encoding': 'chunked', Upgrade: 'websocket', 'HTTP2-Settings': 'AAMAAABkAARAAAAAAAIAAAAA',
}
const spellings = (name: string): string[] => [...new Set([name, name.toLowerCase(), name.toUpperCase()])]

const Q = Type.Object({ s: Type.Optional(Type.Number()), h: Type.Optional(Type.String()) })
type Query = { s?: number; h?: string }

async function build (): Promise<FastifyInstance> {
  const app = Fastify({ logger: false })
  const routes: Array<[string, (q: Query, ctx: { response: { status: number; headers: { set: (n: string, v: string) => unknown; append: (n: string, v: string) => unknown } } }) => unknown]> = [
    ['/temporal-status', (q, { response }) => { response.status = q.s!; return { ok: true } }],
    ['/direct-status', q => withResponse({ ok: true }, { status: q.s! })],
    ['/http-error-status', q => {
      const err = new HttpError(418, 'teapot')
      // A status changed after the checks of the constructor ran.
      ;(err as { status: number }).status = q.s!
      throw err
    }],
    ['/temporal-set', (q, { response }) => { response.headers.set(q.h!, VALUES[q.h!] ?? VALUES[CONNECTION_HEADERS.find(n => n.toLowerCase() === q.h!.toLowerCase())!]!); return { ok: true } }],
    ['/temporal-append', (q, { response }) => { response.headers.append(q.h!, 'x'); return { ok: true } }],
    ['/direct-headers', q => withResponse({ ok: true }, { headers: { [q.h!]: 'x' } })],
    ['/direct-header', q => withResponse('x').header(q.h!, 'x')],
    ['/http-error-headers', q => { throw new HttpError(401, 'Not authenticated', { [q.h!]: 'x' }) }],
    ['/http-error-headers-later', q => {
      const err = new HttpError(401, 'Not authenticated')
      // Headers swapped after the constructor checked them.
      Object.defineProperty(err, 'headers', { value: { [q.h!]: 'x' } })
      throw err
    }],
  ]
  for (const [url, handler] of routes) {
    await app.register(route({ method: 'GET', url, query: Q, handler: (ctx: { query: unknown }) => handler(ctx.query as Query, ctx as never) }))
  }
  return app
}

t.test('every interim or out-of-range status from a handler: one clean 500', async t => {
  const app = await build()
  t.teardown(() => app.close())
  for (const path of ['/temporal-status', '/direct-status', '/http-error-status']) {
    for (const s of [...INTERIM, ...OUTSIDE.filter(Number.isFinite)]) {
      const res = await app.inject({ method: 'GET', url: `${path}?s=${s}` })
      if (res.statusCode !== 500 || res.body !== CLEAN) t.fail(`${path}?s=${s}: ${res.statusCode} ${res.body}`)
    }
    t.pass(`${path}: 100 interim statuses and the out-of-range ones answered a clean 500`)
  }
  t.equal((await app.inject({ method: 'GET', url: '/temporal-status?s=201' })).statusCode, 201, 'a final status still works')
  t.equal((await app.inject({ method: 'GET', url: '/direct-status?s=204' })).statusCode, 204)
  t.equal((await app.inject({ method: 'GET', url: '/http-error-status?s=409' })).statusCode, 409)
})

t.test('every interim status is refused where it is given, with RC_ERR_RESPONSE_STATUS or RC_ERR_ROUTE_STATUS', async t => {
  for (const s of [...INTERIM, ...OUTSIDE]) {
    t.throws(() => withResponse('x', { status: s }), { code: 'RC_ERR_RESPONSE_STATUS' }, `withResponse status ${s}`)
    t.throws(() => route({ method: 'GET', url: '/x', status: s, handler: () => 'x' }), { code: 'RC_ERR_ROUTE_STATUS' }, `declared status ${s}`)
    t.throws(() => new HttpError(s), { code: 'RC_ERR_RESPONSE_STATUS' }, `HttpError ${s}`)
  }
  for (const s of ['201', {}, 201n, true]) {
    t.throws(() => withResponse('x', { status: s as never }), { code: 'RC_ERR_RESPONSE_STATUS' }, `withResponse status ${typeof s}`)
  }
  // 1xx keys of `responses` only document interim answers (OpenAPI's `1XX`): they stay allowed.
  t.doesNotThrow(() => route({ method: 'GET', url: '/x', responses: { 103: { description: 'Early Hints' }, '1XX': { description: 'interim' } }, handler: () => 'x' }))
})

t.test('over a real socket, pipelined: an interim status never desyncs the connection', async t => {
  const app = await build()
  t.teardown(() => app.close())
  await app.listen({ port: 0, host: '127.0.0.1' })
  const { port } = app.server.address() as AddressInfo
  for (const s of [100, 101, 102, 103, 199]) {
    const text = await new Promise<string>((resolve, reject) => {
      const socket = connect(port, '127.0.0.1')
      let seen = ''
      socket.on('data', chunk => { seen += chunk.toString('latin1') })
      socket.on('end', () => resolve(seen))
      socket.on('error', reject)
      socket.write(`GET /temporal-status?s=${s} HTTP/1.1\r\nHost: x\r\n\r\nGET /temporal-status?s=202 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`)
    })
    const statusLines = text.match(/HTTP\/1\.1 \d{3}/g) ?? []
    t.strictSame(statusLines.map(l => l.slice(9, 12)), ['500', '202'], `s=${s}: one final answer per request, in order`)
    t.ok(text.includes(CLEAN), `s=${s}: the clean body`)
  }
})

t.test('every hop-by-hop or framing header, in every spelling, from every place a handler sets one', async t => {
  const app = await build()
  t.teardown(() => app.close())
  const paths = ['/temporal-set', '/temporal-append', '/direct-headers', '/direct-header', '/http-error-headers', '/http-error-headers-later']
  for (const path of paths) {
    for (const name of CONNECTION_HEADERS.flatMap(spellings)) {
      const res = await app.inject({ method: 'GET', url: `${path}?h=${encodeURIComponent(name)}` })
      const label = `${path} ${name}`
      t.equal(res.statusCode, 500, label)
      t.equal(res.body, CLEAN, `${label}: the clean body`)
      const canonical = CONNECTION_HEADERS.find(n => n.toLowerCase() === name.toLowerCase())!
      t.notOk(['x', VALUES[canonical]].includes(res.headers[name.toLowerCase()] as string), `${label}: not sent`)
    }
  }
  // Ordinary headers, Content-Length included (Fastify corrects it), still go through.
  for (const name of ['X-Request-Id', 'Content-Language', 'Cache-Control', 'WWW-Authenticate']) {
    const res = await app.inject({ method: 'GET', url: `/direct-headers?h=${name}` })
    t.equal(res.statusCode, 200, name)
    t.equal(res.headers[name.toLowerCase()], 'x')
  }
  const length = await app.inject({ method: 'GET', url: '/direct-headers?h=Content-Length' })
  t.equal(length.statusCode, 200)
  t.equal(length.headers['content-length'], String(length.rawPayload.length), 'Content-Length stays true to the body')
})

t.test('the refusal is a RoutecraftError at the call, with RC_ERR_RESPONSE_HEADER', async t => {
  for (const name of CONNECTION_HEADERS.flatMap(spellings)) {
    t.throws(() => new HttpError(400, 'x', { [name]: 'x' }), { code: 'RC_ERR_RESPONSE_HEADER' }, `HttpError ${name}`)
    t.throws(() => withResponse('x', { headers: { [name]: 'x' } }), { code: 'RC_ERR_RESPONSE_HEADER' }, `withResponse ${name}`)
    let caught: unknown
    try { withResponse('x').header(name, 'x') } catch (err) { caught = err }
    t.ok(caught instanceof RoutecraftError && /belongs to the connection/.test(caught.message), `.header(${name})`)
  }
})

t.test('a Trailer in an HttpError no longer takes the process down under inject()', async t => {
  const app = Fastify()
  await app.register(route({ method: 'GET', url: '/t', handler: () => { throw new HttpError(400, 'bad', { Trailer: 'X-Checksum' }) } }))
  t.teardown(() => app.close())
  const res = await app.inject({ method: 'GET', url: '/t' })
  t.equal(res.statusCode, 500)
  t.equal(res.body, CLEAN)
})

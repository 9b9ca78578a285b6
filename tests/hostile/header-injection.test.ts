// Header and cookie injection (issue 8, docs/security.md): a handler that reflects request
// input (a percent-decoded query value may hold CR/LF) into a response header or cookie never
// splits the response. Every route answers either normally or a clean 500
// {"detail":"Internal Server Error"} with no injected header, whichever way the header is set.
import t from 'tap'
import Fastify, { type FastifyInstance } from 'fastify'
import { Type } from '@sinclair/typebox'
import { HttpError, openapi, route, withResponse } from '../../src/index.js'

const Q = Type.Object({ v: Type.String() })

async function build (): Promise<FastifyInstance> {
  const app = Fastify()
  await app.register(openapi())
  await app.register(route({
    method: 'GET', url: '/temporal', query: Q,
    handler: function temporal ({ query, response }) { response.headers.set('X-Echo', query.v); return { ok: true } },
  }))
  await app.register(route({
    method: 'GET', url: '/append', query: Q,
    handler: function append ({ query, response }) { response.headers.append('X-Echo', query.v); return { ok: true } },
  }))
  await app.register(route({
    method: 'GET', url: '/cookie', query: Q,
    handler: function cookie ({ query, response }) { response.setCookie('echo', query.v); return { ok: true } },
  }))
  await app.register(route({
    method: 'GET', url: '/direct', query: Q,
    handler: function direct ({ query }) { return withResponse({ ok: true }, { headers: { 'X-Echo': query.v } }) },
  }))
  await app.register(route({
    method: 'GET', url: '/direct-cookie', query: Q,
    handler: function direct_cookie ({ query }) { const r = withResponse({ ok: true }); r.setCookie('echo', query.v); return r },
  }))
  await app.register(route({
    method: 'GET', url: '/media-type', query: Q,
    handler: function media_type ({ query }) { return withResponse('x', { mediaType: `text/plain; x=${query.v}` }) },
  }))
  await app.register(route({
    method: 'GET', url: '/http-error', query: Q,
    handler: function http_error ({ query }) { throw new HttpError(401, 'Not authenticated', { 'WWW-Authenticate': `Basic realm="${query.v}"` }) },
  }))
  return app
}

const injections = [
  '%0D%0ASet-Cookie:%20injected=1', '%0ASet-Cookie:%20injected=1', '%0D%0A%0D%0A<html>injected', 'a%00b',
  'a%0Db', '%E2%80%A8', '%C4%8D%C4%8A', // U+010D U+010A: code points whose low byte is CR/LF
]
const headerPaths = ['/temporal', '/append', '/direct', '/media-type']
const cookiePaths = ['/cookie', '/direct-cookie']

t.test('a hostile value in a header is refused: a clean 500, nothing on the wire', async t => {
  const app = await build()
  t.teardown(() => app.close())
  for (const path of headerPaths) {
    for (const v of injections) {
      const res = await app.inject({ method: 'GET', url: `${path}?v=${v}` })
      const label = `${path}?v=${v}`
      t.equal(res.statusCode, 500, `${label}: refused`)
      t.equal(res.body, '{"detail":"Internal Server Error"}', `${label}: no detail leaks`)
      t.equal(res.headers['set-cookie'], undefined, `${label}: nothing injected`)
      t.equal(res.headers['x-echo'], undefined, `${label}: no partial header`)
    }
    const ok = await app.inject({ method: 'GET', url: `${path}?v=plain` })
    t.equal(ok.statusCode, 200, `${path}: a plain value works`)
  }
})

t.test('a hostile cookie value is percent-encoded into its one Set-Cookie header', async t => {
  const app = await build()
  t.teardown(() => app.close())
  for (const path of cookiePaths) {
    for (const v of injections) {
      const res = await app.inject({ method: 'GET', url: `${path}?v=${v}` })
      const label = `${path}?v=${v}`
      const value = decodeURIComponent(v)
      t.equal(res.statusCode, 200, label)
      t.strictSame([res.headers['set-cookie']].flat(), [`echo=${encodeURIComponent(value)}; Path=/; SameSite=Lax`], `${label}: one cookie, encoded`)
      t.strictSame(res.cookies.map(c => [c.name, c.value]), [['echo', value]], `${label}: and nothing else`)
    }
  }
})

t.test('HttpError headers with a hostile value: nothing injected', async t => {
  const app = await build()
  t.teardown(() => app.close())
  for (const v of injections) {
    const res = await app.inject({ method: 'GET', url: `/http-error?v=${v}` })
    t.notOk(JSON.stringify(res.headers).includes('injected'), `${v}: nothing injected`)
    t.ok(res.statusCode >= 400, `${v}: an error status (${res.statusCode})`)
  }
  const ok = await app.inject({ method: 'GET', url: '/http-error?v=shop' })
  t.equal(ok.statusCode, 401)
  t.equal(ok.headers['www-authenticate'], 'Basic realm="shop"')
  t.same(ok.json(), { detail: 'Not authenticated' })
})

t.test('HttpError headers with a hostile value: a clean 500 like the other ways', async t => {
  const app = await build()
  t.teardown(() => app.close())
  const res = await app.inject({ method: 'GET', url: '/http-error?v=%0D%0ASet-Cookie:%20injected=1' })
  t.equal(res.statusCode, 500, 'refused like a temporal or direct header')
  t.equal(res.body, '{"detail":"Internal Server Error"}', 'FastAPI\'s body, no Node error message')
})

// The showcase registers @fastify/cors with `exposedHeaders: ['X-Cat-Dog']`, so that a browser
// on another origin may read the custom header (the seed page's note on `expose_headers`).
import t from 'tap'
import type { FastifyInstance } from 'fastify'
import { build } from '../../playground/app.js'

async function showcase (t: { teardown: (fn: () => unknown) => void }): Promise<FastifyInstance> {
  const app = await build()
  t.teardown(() => app.close())
  await app.ready()
  return app
}

t.test('a preflight for GET /headers-and-object/ is allowed', async t => {
  const app = await showcase(t)
  const res = await app.inject({
    method: 'OPTIONS',
    url: '/headers-and-object/',
    headers: { origin: 'http://example.com', 'access-control-request-method': 'GET' },
  })
  t.equal(res.statusCode, 204)
  t.equal(res.headers['access-control-allow-origin'], 'http://example.com')
  t.match(String(res.headers['access-control-allow-methods']), /\bGET\b/)
  t.equal(res.body, '')
})

t.test('a cross-origin GET exposes X-Cat-Dog, and sends it', async t => {
  const app = await showcase(t)
  const res = await app.inject({ method: 'GET', url: '/headers-and-object/', headers: { origin: 'http://example.com' } })
  t.equal(res.statusCode, 200)
  t.equal(res.headers['access-control-allow-origin'], 'http://example.com')
  const exposed = String(res.headers['access-control-expose-headers']).split(',').map(h => h.trim().toLowerCase())
  t.ok(exposed.includes('x-cat-dog'), `exposed: ${exposed.join(', ')}`)
  t.equal(res.headers['x-cat-dog'], 'alone in the world')
  t.strictSame(res.json(), { message: 'Hello World' })
})

t.test('the cookie route is reachable cross-origin too, with its cookie', async t => {
  const app = await showcase(t)
  const res = await app.inject({ method: 'POST', url: '/cookie-and-object/', headers: { origin: 'http://example.com' } })
  t.equal(res.statusCode, 200)
  t.equal(res.headers['access-control-allow-origin'], 'http://example.com')
  t.equal(res.headers['set-cookie'], 'fakesession=fake-cookie-session-value; Path=/; SameSite=Lax')
})

t.test('a same-origin request (no Origin) gets no CORS headers', async t => {
  const app = await showcase(t)
  const res = await app.inject({ method: 'GET', url: '/headers-and-object/' })
  t.equal(res.statusCode, 200)
  t.equal(res.headers['access-control-allow-origin'], undefined)
  t.equal(res.headers['x-cat-dog'], 'alone in the world')
})

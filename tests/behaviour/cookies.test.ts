// Cookies: signed cookies with secret rotation through @fastify/cookie, declared request
// cookies validated as FastAPI does, and signing without a secret refused without leaking.
import t from 'tap'
import Fastify, { type FastifyInstance, type FastifyPluginAsync } from 'fastify'
import fastifyCookie from '@fastify/cookie'
import { Type } from '@sinclair/typebox'
import { dependency, route, withResponse } from '../../src/index.js'

type Tap = { teardown: (fn: () => unknown) => void }
interface LogLine { level: number; msg: string; err?: { message?: string } }

const SECRETS = ['new-secret', 'old-secret']
const INTERNAL = '{"detail":"Internal Server Error"}'

/** A fresh app, with @fastify/cookie registered with `secret` unless it is `false`. */
async function appWith (t: Tap, secret: string[] | string | false | undefined, ...routes: FastifyPluginAsync[]): Promise<{ app: FastifyInstance; logs: LogLine[] }> {
  const logs: LogLine[] = []
  const app = Fastify({ logger: { level: 'error', stream: { write: (line: string) => { logs.push(JSON.parse(line) as LogLine) } } } })
  t.teardown(() => app.close())
  if (secret !== false) await app.register(fastifyCookie, secret === undefined ? {} : { secret })
  for (const r of routes) await app.register(r)
  await app.ready()
  return { app, logs }
}

const login = route({
  method: 'POST', url: '/login',
  handler: function login ({ response }) {
    response.setCookie('session', 'v', { signed: true, httpOnly: true })
    return { ok: true }
  },
})

const whoami = route({
  method: 'GET', url: '/whoami',
  handler: function whoami ({ cookies, request }) {
    const raw = cookies.session
    if (raw === undefined) return { present: false }
    const { valid, renew, value } = request.unsignCookie(raw)
    return { present: true, valid, renew, value }
  },
})

t.test('signed cookies with secret rotation, end to end', async t => {
  const { app } = await appWith(t, SECRETS, login, whoami)

  const res = await app.inject({ method: 'POST', url: '/login' })
  t.equal(res.statusCode, 200)
  const line = String(res.headers['set-cookie'])
  const signed = fastifyCookie.sign('v', 'new-secret')
  // HMAC-SHA256 of "v" with "new-secret", base64 without padding, as @fastify/cookie signs.
  t.equal(signed, 'v.Ek2bVge5GSQlA3XSaqSMXLI/tJfZNYGhP1VG6EG3hKY')
  t.equal(line, 'session=v.Ek2bVge5GSQlA3XSaqSMXLI/tJfZNYGhP1VG6EG3hKY; Path=/; HttpOnly; SameSite=Lax', 'signed with the first secret')

  t.test('read back: valid, the original value', async t => {
    const back = await app.inject({ method: 'GET', url: '/whoami', cookies: { session: signed } })
    t.equal(back.statusCode, 200)
    t.strictSame(back.json(), { present: true, valid: true, renew: false, value: 'v' })
  })

  t.test('the browser sends back exactly what it got', async t => {
    const cookie = res.cookies.find((c: { name: string }) => c.name === 'session') as { value: string }
    const back = await app.inject({ method: 'GET', url: '/whoami', headers: { cookie: `session=${cookie.value}` } })
    t.strictSame(back.json(), { present: true, valid: true, renew: false, value: 'v' })
  })

  t.test('a cookie signed with the old secret still verifies, and asks to be renewed', async t => {
    const back = await app.inject({ method: 'GET', url: '/whoami', cookies: { session: fastifyCookie.sign('v', 'old-secret') } })
    t.strictSame(back.json(), { present: true, valid: true, renew: true, value: 'v' })
  })

  t.test('a tampered value is rejected', async t => {
    const tampered = signed.replace(/^v\./, 'admin.')
    for (const session of [tampered, 'v', `${signed}x`, fastifyCookie.sign('v', 'another-secret')]) {
      const back = await app.inject({ method: 'GET', url: '/whoami', cookies: { session } })
      t.equal(back.statusCode, 200)
      t.strictSame(back.json(), { present: true, valid: false, renew: false, value: null }, session)
    }
  })
})

t.test('a dependency can sign a cookie too; the route signs it once', async t => {
  const renew = dependency({
    resolve: ({ response }) => { response.setCookie('session', 'from-dep', { signed: true }) },
  })
  const { app } = await appWith(t, 'only-secret', route({
    method: 'GET', url: '/renew', deps: { renew },
    handler: function renew_session () { return null },
  }))
  const res = await app.inject('/renew')
  t.equal(res.headers['set-cookie'], `session=${fastifyCookie.sign('from-dep', 'only-secret')}; Path=/; SameSite=Lax`)
  t.equal(res.cookies.length, 1)
})

t.test('declared request cookies are validated', async t => {
  const read = route({
    method: 'GET', url: '/items',
    cookies: Type.Object({ session: Type.String() }),
    handler: function read_items ({ cookies }) {
      const session: string = cookies.session
      return { session }
    },
  })

  for (const registered of [true, false]) {
    t.test(registered ? 'with @fastify/cookie' : 'without @fastify/cookie', async t => {
      const { app } = await appWith(t, registered ? SECRETS : false, read)
      const missing = await app.inject('/items')
      t.equal(missing.statusCode, 422)
      t.strictSame(missing.json(), { detail: [{ type: 'missing', loc: ['cookie', 'session'], msg: 'Field required', input: null }] })

      const other = await app.inject({ method: 'GET', url: '/items', cookies: { other: 'x' } })
      t.equal(other.statusCode, 422)
      t.strictSame(other.json().detail.map((d: { loc: unknown }) => d.loc), [['cookie', 'session']])

      const present = await app.inject({ method: 'GET', url: '/items', cookies: { session: 'abc' } })
      t.equal(present.statusCode, 200)
      t.strictSame(present.json(), { session: 'abc' })

      const encoded = await app.inject({ method: 'GET', url: '/items', headers: { cookie: 'session=a%20b%3Bc' } })
      t.equal(encoded.statusCode, 200)
      t.strictSame(encoded.json(), { session: 'a b;c' }, 'cookie values are URI-decoded')
    })
  }
})

t.test('signed: true without @fastify/cookie: a logged RC_ERR_RESPONSE_COOKIE 500 that leaks nothing', async t => {
  const { app, logs } = await appWith(t, false, route({
    method: 'POST', url: '/login',
    handler: function login ({ response }) {
      response.headers.set('X-Session-Hint', 'leaky-hint')
      response.setCookie('session', 'super-secret-value', { signed: true })
      return { ok: true }
    },
  }))
  const res = await app.inject({ method: 'POST', url: '/login' })
  t.equal(res.statusCode, 500)
  t.equal(res.body, INTERNAL)
  t.notMatch(res.body, /super-secret-value/)
  t.equal(res.headers['set-cookie'], undefined, 'no cookie, signed or not')
  t.equal(logs.length, 1)
  t.match(logs[0]?.err?.message, /^RC_ERR_RESPONSE_COOKIE: .*@fastify\/cookie/)
  t.notMatch(logs[0]?.err?.message, /super-secret-value/, 'the log names the cookie, not its value')
  t.equal(res.headers['x-session-hint'], undefined, 'headers meant for the success response are not on the 500')
})

t.test('a direct response with a signed cookie and no secret: nothing from ctx.response rides on the 500', async t => {
  const { app, logs } = await appWith(t, false, route({
    method: 'POST', url: '/login',
    handler: function login ({ response }) {
      response.headers.set('X-Session-Hint', 'leaky-hint')
      response.setCookie('theme', 'dark')
      return withResponse({ ok: true }, { headers: { 'X-Direct': 'yes' }, cookies: { session: { value: 'super-secret-value', signed: true } } })
    },
  }))
  const res = await app.inject({ method: 'POST', url: '/login' })
  t.equal(res.statusCode, 500)
  t.equal(res.body, INTERNAL)
  t.equal(res.headers['set-cookie'], undefined, 'neither the temporal nor the direct cookie')
  t.equal(res.headers['x-session-hint'], undefined, 'the temporal header was not written before the failure')
  t.equal(res.headers['x-direct'], undefined)
  t.equal(logs.length, 1)
  t.match(logs[0]?.err?.message, /^RC_ERR_RESPONSE_COOKIE: .*@fastify\/cookie/)
})

t.test('signed: true with @fastify/cookie but no secret: the same clear RoutecraftError', async t => {
  const { app, logs } = await appWith(t, undefined, route({
    method: 'POST', url: '/login',
    handler: function login ({ response }) {
      response.setCookie('session', 'super-secret-value', { signed: true })
      return { ok: true }
    },
  }))
  const res = await app.inject({ method: 'POST', url: '/login' })
  t.equal(res.statusCode, 500)
  t.equal(res.body, INTERNAL)
  t.equal(res.headers['set-cookie'], undefined)
  t.equal(logs.length, 1)
  t.notMatch(JSON.stringify(logs[0]), /super-secret-value/)
  t.match(logs[0]?.err?.message, /^RC_ERR_RESPONSE_COOKIE: .*@fastify\/cookie/)
})

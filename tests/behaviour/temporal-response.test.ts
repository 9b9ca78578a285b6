// The temporal response (`ctx.response`, FastAPI's `response: Response` parameter): status,
// headers and cookies set by handlers and dependencies, applied to the final response.
import t from 'tap'
import { Type } from '@sinclair/typebox'
import { dependency, route, RoutecraftError } from '../../src/index.js'
import { TemporalResponse } from '../../src/responses/temporal.js'
import type { CookieOptions } from '../../src/index.js'
import { appWith, setCookies } from '../support/apps.js'

const INTERNAL = '{"detail":"Internal Server Error"}'

t.test('a status change keeps the response model filtering', async t => {
  const User = Type.Object({ username: Type.String() })
  const { app } = await appWith(t, route({
    method: 'POST', url: '/users', response: User,
    handler: function create_user ({ response }) {
      response.status = 201
      return { username: 'rick', password: 'pickle' } as { username: string }
    },
  }))
  const res = await app.inject({ method: 'POST', url: '/users' })
  t.equal(res.statusCode, 201)
  t.equal(res.body, '{"username":"rick"}')
  t.notMatch(res.body, /password|pickle/)
})

t.test('the status can be read back, and starts at the route\'s default', async t => {
  const { app } = await appWith(t, route({
    method: 'GET', url: '/s', status: 202,
    handler: function read_status ({ response }) {
      const before = response.status
      response.status = 203
      return { before, after: response.status }
    },
  }))
  const res = await app.inject('/s')
  t.equal(res.statusCode, 203)
  t.strictSame(res.json(), { before: 202, after: 203 })
})

t.test('a status outside 100–599 is refused at the assignment', async t => {
  const response = new TemporalResponse(200)
  for (const bad of [99, 600, 200.5, Number.NaN]) {
    t.throws(() => { response.status = bad }, { name: 'RoutecraftError', code: 'RC_ERR_RESPONSE_STATUS' }, String(bad))
  }
  t.equal(response.status, 200)
})

t.test('headers: set, append (several lines), delete, get', async t => {
  const { app } = await appWith(t, route({
    method: 'GET', url: '/h',
    handler: function headers ({ response }) {
      response.headers.set('X-Single', 'one')
      response.headers.append('Link', '</a>; rel="next"')
      response.headers.append('link', '</b>; rel="prev"')
      response.headers.append('Vary', 'Accept')
      response.headers.append('Vary', 'Origin')
      response.headers.set('X-Gone', 'soon')
      response.headers.delete('x-gone')
      response.headers.set('X-Count', 3)
      return {
        link: response.headers.get('LINK') ?? null,
        single: response.headers.get('x-single') ?? null,
        gone: response.headers.get('X-Gone') ?? null,
        hasLink: response.headers.has('link'),
        hasGone: response.headers.has('x-gone'),
      }
    },
  }))
  const res = await app.inject('/h')
  t.equal(res.statusCode, 200)
  t.equal(res.headers['x-single'], 'one')
  t.strictSame(res.headers.link, ['</a>; rel="next"', '</b>; rel="prev"'], 'two Link lines')
  t.strictSame(res.headers.vary, ['Accept', 'Origin'], 'two Vary lines')
  t.equal(res.headers['x-gone'], undefined)
  t.equal(res.headers['x-count'], '3')
  t.strictSame(res.json(), { link: '</a>; rel="next", </b>; rel="prev"', single: 'one', gone: null, hasLink: true, hasGone: false })
})

t.test('several cookies: one Set-Cookie line each', async t => {
  const { app } = await appWith(t, route({
    method: 'GET', url: '/c',
    handler: function cookies ({ response }) {
      response.setCookie('a', '1')
      response.setCookie('b', '2')
      return null
    },
  }))
  const res = await app.inject('/c')
  t.equal(res.statusCode, 200)
  t.strictSame(setCookies(res.headers['set-cookie']), ['a=1; Path=/; SameSite=Lax', 'b=2; Path=/; SameSite=Lax'])
})

t.test('Set-Cookie appended as a raw header sits beside setCookie\'s lines', async t => {
  const { app } = await appWith(t, route({
    method: 'GET', url: '/c',
    handler: function raw_cookies ({ response }) {
      response.headers.append('Set-Cookie', 'raw1=x')
      response.headers.append('Set-Cookie', 'raw2=y')
      response.setCookie('made', 'z')
      return null
    },
  }))
  const res = await app.inject('/c')
  t.strictSame(setCookies(res.headers['set-cookie']).sort(), ['made=z; Path=/; SameSite=Lax', 'raw1=x', 'raw2=y'])
})

t.test('the last one set wins: a header set twice, a cookie set twice', async t => {
  const { app } = await appWith(t, route({
    method: 'GET', url: '/w',
    handler: function twice ({ response }) {
      response.headers.set('X-Twice', 'first')
      response.headers.set('x-twice', 'second')
      response.setCookie('session', 'first', { httpOnly: true })
      response.setCookie('session', 'second')
      return null
    },
  }))
  const res = await app.inject('/w')
  t.equal(res.headers['x-twice'], 'second')
  t.strictSame(setCookies(res.headers['set-cookie']), ['session=second; Path=/; SameSite=Lax'])
})

t.test('the same cookie name with other paths are different cookies', async t => {
  const { app } = await appWith(t, route({
    method: 'GET', url: '/p',
    handler: function paths ({ response }) {
      response.setCookie('n', 'root')
      response.setCookie('n', 'admin', { path: '/admin' })
      return null
    },
  }))
  const res = await app.inject('/p')
  t.strictSame(setCookies(res.headers['set-cookie']), ['n=root; Path=/; SameSite=Lax', 'n=admin; Path=/admin; SameSite=Lax'])
})

t.test('dependencies set status, headers and cookies; the handler, later, wins', async t => {
  const fromDep = dependency({
    resolve: ({ response }) => {
      response.headers.set('X-From-Dep', '1')
      response.headers.set('X-Dep-Only', 'kept')
      response.setCookie('dep', 'from-dep')
      response.status = 202
    },
  })
  const { app } = await appWith(t,
    route({
      method: 'GET', url: '/override', deps: { d: fromDep },
      handler: function override ({ response }) {
        response.headers.set('X-From-Dep', 'handler')
        response.setCookie('dep', 'from-handler')
        response.status = 201
        return { ok: true }
      },
    }),
    route({
      method: 'GET', url: '/keep', deps: { d: fromDep },
      handler: function keep () { return { ok: true } },
    }))

  const override = await app.inject('/override')
  t.equal(override.statusCode, 201)
  t.equal(override.headers['x-from-dep'], 'handler')
  t.equal(override.headers['x-dep-only'], 'kept')
  t.strictSame(setCookies(override.headers['set-cookie']), ['dep=from-handler; Path=/; SameSite=Lax'])
  t.strictSame(override.json(), { ok: true })

  const keep = await app.inject('/keep')
  t.equal(keep.statusCode, 202)
  t.equal(keep.headers['x-from-dep'], '1')
  t.strictSame(setCookies(keep.headers['set-cookie']), ['dep=from-dep; Path=/; SameSite=Lax'])
})

t.test('every cookie option shows in the Set-Cookie line', async t => {
  const expires = new Date(Date.UTC(2099, 0, 2, 3, 4, 5))
  const cases: Array<[string, CookieOptions, string]> = [
    ['defaults', {}, 'c=v; Path=/; SameSite=Lax'],
    ['path', { path: '/admin' }, 'c=v; Path=/admin; SameSite=Lax'],
    ['domain', { domain: 'example.com' }, 'c=v; Domain=example.com; Path=/; SameSite=Lax'],
    ['maxAge', { maxAge: 3600 }, 'c=v; Max-Age=3600; Path=/; SameSite=Lax'],
    ['expires', { expires }, 'c=v; Path=/; Expires=Fri, 02 Jan 2099 03:04:05 GMT; SameSite=Lax'],
    ['httpOnly', { httpOnly: true }, 'c=v; Path=/; HttpOnly; SameSite=Lax'],
    ['secure', { secure: true }, 'c=v; Path=/; Secure; SameSite=Lax'],
    ['sameSite strict', { sameSite: 'strict' }, 'c=v; Path=/; SameSite=Strict'],
    ['sameSite none', { sameSite: 'none', secure: true }, 'c=v; Path=/; Secure; SameSite=None'],
    ['sameSite false', { sameSite: false }, 'c=v; Path=/'],
    ['partitioned', { partitioned: true, secure: true }, 'c=v; Path=/; Secure; Partitioned; SameSite=Lax'],
    ['priority', { priority: 'high' }, 'c=v; Path=/; Priority=High; SameSite=Lax'],
  ]
  const { app } = await appWith(t, route({
    method: 'POST', url: '/opt', body: Type.Object({ i: Type.Integer() }),
    handler: function option ({ body, response }) {
      const [, options] = cases[body.i] as [string, CookieOptions, string]
      response.setCookie('c', 'v', options)
      return null
    },
  }))
  for (const [i, [label, , expected]] of cases.entries()) {
    const res = await app.inject({ method: 'POST', url: '/opt', payload: { i } })
    t.equal(res.statusCode, 200, label)
    t.equal(res.headers['set-cookie'], expected, label)
  }
})

t.test('all the options together', async t => {
  const { app } = await appWith(t, route({
    method: 'GET', url: '/all',
    handler: function all ({ response }) {
      response.setCookie('c', 'v', {
        path: '/x', domain: 'example.com', maxAge: 60, expires: new Date(Date.UTC(2099, 0, 1)),
        httpOnly: true, secure: true, sameSite: 'strict', partitioned: true, priority: 'low',
      })
      return null
    },
  }))
  const res = await app.inject('/all')
  const line = String(res.headers['set-cookie'])
  t.match(line, /^c=v; /)
  const attrs = line.split('; ').slice(1).sort()
  t.strictSame(attrs, ['Domain=example.com', 'Expires=Thu, 01 Jan 2099 00:00:00 GMT', 'HttpOnly', 'Max-Age=60', 'Partitioned', 'Path=/x', 'Priority=Low', 'SameSite=Strict', 'Secure'])
})

t.test('a cookie value is URI-encoded', async t => {
  const { app } = await appWith(t, route({
    method: 'GET', url: '/enc',
    handler: function encoded ({ response }) { response.setCookie('c', 'a b;c=ü'); return null },
  }))
  const res = await app.inject('/enc')
  t.equal(res.headers['set-cookie'], 'c=a%20b%3Bc%3D%C3%BC; Path=/; SameSite=Lax')
})

t.test('deleteCookie: empty, Max-Age=0 and an expired Expires', async t => {
  const { app } = await appWith(t, route({
    method: 'GET', url: '/logout',
    handler: function logout ({ response }) {
      response.deleteCookie('session')
      response.deleteCookie('admin', { path: '/admin', domain: 'example.com' })
      return null
    },
  }))
  const res = await app.inject('/logout')
  const lines = setCookies(res.headers['set-cookie'])
  t.strictSame(lines, [
    'session=; Max-Age=0; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; SameSite=Lax',
    'admin=; Max-Age=0; Domain=example.com; Path=/admin; Expires=Thu, 01 Jan 1970 00:00:00 GMT; SameSite=Lax',
  ])
  for (const c of res.cookies as Array<{ name: string; value: string; maxAge?: number; expires?: Date }>) {
    t.equal(c.value, '', c.name)
    t.equal(c.maxAge, 0, c.name)
    t.ok(c.expires !== undefined && c.expires.getTime() < Date.now(), `${c.name} expired`)
  }
})

t.test('a cookie set then deleted in the same request: the deletion wins', async t => {
  const { app } = await appWith(t, route({
    method: 'GET', url: '/x',
    handler: function set_then_delete ({ response }) {
      response.setCookie('session', 'v')
      response.deleteCookie('session')
      return null
    },
  }))
  const res = await app.inject('/x')
  t.strictSame(setCookies(res.headers['set-cookie']), ['session=; Max-Age=0; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; SameSite=Lax'])
})

t.test('invalid header names and values throw RC_ERR_RESPONSE_HEADER at the call', async t => {
  const cases: Array<[string, (r: TemporalResponse) => unknown]> = [
    ['CRLF in a value', r => r.headers.set('X-Next', 'a\r\nb')],
    ['LF in a value', r => r.headers.set('X-Next', 'a\nSet-Cookie: x=1')],
    ['NUL in a value', r => r.headers.set('X-Next', 'a\0b')],
    ['CRLF in a name', r => r.headers.set('a\r\nb', 'v')],
    ['a space in a name', r => r.headers.set('X Cat', 'v')],
    ['NUL in a name', r => r.headers.append('X\0', 'v')],
    ['an empty name', r => r.headers.set('', 'v')],
    ['CRLF through append', r => r.headers.append('Link', 'a\r\nb')],
    ['a non-Latin-1 character', r => r.headers.set('X-Emoji', '😀')],
    ['a non-finite number', r => r.headers.set('X-N', Number.POSITIVE_INFINITY)],
    ['an object value', r => r.headers.set('X-O', {} as unknown as string)],
  ]
  for (const [label, call] of cases) {
    const response = new TemporalResponse(200)
    t.throws(() => call(response), { name: 'RoutecraftError', code: 'RC_ERR_RESPONSE_HEADER' }, label)
    t.equal(response.headers.size, 0, `${label}: nothing was set`)
  }
  const err = (() => { try { new TemporalResponse(200).headers.set('X-Next', 'a\r\nb') } catch (e) { return e } })()
  t.ok(err instanceof RoutecraftError)
  t.match((err as Error).message, /X-Next/, 'the message names the header')
})

t.test('a bad header in a route: a logged 500 that does not echo the value', async t => {
  const bad = ['evil\r\nSet-Cookie: pwned=1', 'evil\0nul']
  const { app, logs } = await appWith(t,
    route({
      method: 'POST', url: '/value', body: Type.Object({ i: Type.Integer() }),
      handler: function bad_value ({ body, response }) {
        response.headers.set('X-Next', bad[body.i] as string)
        return { ok: true }
      },
    }),
    route({
      method: 'GET', url: '/name',
      handler: function bad_name ({ response }) {
        response.headers.set('X Leaky Name', 'v')
        return { ok: true }
      },
    }))
  for (const i of [0, 1]) {
    const res = await app.inject({ method: 'POST', url: '/value', payload: { i } })
    t.equal(res.statusCode, 500)
    t.equal(res.body, INTERNAL)
    t.notMatch(res.body, /evil|pwned/)
    t.equal(res.headers['x-next'], undefined)
    t.equal(res.headers['set-cookie'], undefined)
  }
  const named = await app.inject('/name')
  t.equal(named.statusCode, 500)
  t.equal(named.body, INTERNAL)
  t.notMatch(named.body, /Leaky/)
  t.equal(logs.length, 3, 'each 500 is logged')
  for (const line of logs) t.match(line.err?.message, /^RC_ERR_RESPONSE_HEADER: /)
})

t.test('invalid cookie names, values and attributes throw RC_ERR_RESPONSE_COOKIE at setCookie', async t => {
  const cases: Array<[string, (r: TemporalResponse) => unknown]> = [
    ['a space in the name', r => r.setCookie('bad name', 'v')],
    ['CRLF in the name', r => r.setCookie('a\r\nb', 'v')],
    ['"=" in the name', r => r.setCookie('a=b', 'v')],
    ['an empty name', r => r.setCookie('', 'v')],
    ['a lone surrogate in the value', r => r.setCookie('c', '\uD800')],
    ['a non-string value', r => r.setCookie('c', 1 as unknown as string)],
    ['a path without "/"', r => r.setCookie('c', 'v', { path: 'admin' })],
    ['";" in the path', r => r.setCookie('c', 'v', { path: '/a;Domain=evil' })],
    ['CRLF in the path', r => r.setCookie('c', 'v', { path: '/a\r\nb' })],
    ['a domain with a space', r => r.setCookie('c', 'v', { domain: 'exa mple.com' })],
    ['a domain with a port', r => r.setCookie('c', 'v', { domain: 'example.com:80' })],
    ['a fractional maxAge', r => r.setCookie('c', 'v', { maxAge: 1.5 })],
    ['an invalid Date', r => r.setCookie('c', 'v', { expires: new Date(Number.NaN) })],
    ['expires as a string', r => r.setCookie('c', 'v', { expires: 'tomorrow' as unknown as Date })],
    ['an unknown sameSite', r => r.setCookie('c', 'v', { sameSite: 'loose' as 'lax' })],
    ['sameSite none without secure', r => r.setCookie('c', 'v', { sameSite: 'none' })],
    ['partitioned without secure', r => r.setCookie('c', 'v', { partitioned: true })],
    ['an unknown priority', r => r.setCookie('c', 'v', { priority: 'urgent' as 'high' })],
    ['a non-boolean httpOnly', r => r.setCookie('c', 'v', { httpOnly: 'yes' as unknown as boolean })],
    ['an unknown option', r => r.setCookie('c', 'v', { maxage: 1 } as unknown as CookieOptions)],
    ['a __Host- cookie without secure', r => r.setCookie('__Host-id', 'v')],
    ['a __Secure- cookie without secure', r => r.setCookie('__Secure-id', 'v')],
    ['a __Host- cookie with a domain', r => r.setCookie('__Host-id', 'v', { secure: true, domain: 'example.com' })],
    ['deleteCookie with a bad name', r => r.deleteCookie('bad name')],
  ]
  for (const [label, call] of cases) {
    const response = new TemporalResponse(200)
    t.throws(() => call(response), { name: 'RoutecraftError', code: 'RC_ERR_RESPONSE_COOKIE' }, label)
    t.equal(response.hasCookies, false, `${label}: nothing was set`)
  }
})

t.test('a bad cookie in a route: a logged 500 that does not echo the value', async t => {
  const { app, logs } = await appWith(t, route({
    method: 'GET', url: '/c',
    handler: function bad_cookie ({ response }) {
      response.setCookie('session', 'ok')
      response.setCookie('c', 'v', { domain: 'evil.example\r\nX-Injected: 1' })
      return { ok: true }
    },
  }))
  const res = await app.inject('/c')
  t.equal(res.statusCode, 500)
  t.equal(res.body, INTERNAL)
  t.notMatch(res.body, /evil|Injected/)
  t.equal(res.headers['x-injected'], undefined)
  t.equal(res.headers['set-cookie'], undefined, 'the cookie set before the error is not sent with the 500')
  t.equal(logs.length, 1)
  t.match(logs[0]?.err?.message, /^RC_ERR_RESPONSE_COOKIE: /)
})

t.test('status 204 sends no body, whatever the handler returns', async t => {
  const { app } = await appWith(t,
    route({ method: 'DELETE', url: '/declared', status: 204, handler: function remove () { return { ignored: true } } }),
    route({
      method: 'DELETE', url: '/temporal',
      handler: function remove_temporal ({ response }) { response.status = 204; return { ignored: true } },
    }))
  for (const url of ['/declared', '/temporal']) {
    const res = await app.inject({ method: 'DELETE', url })
    t.equal(res.statusCode, 204, url)
    t.equal(res.body, '', url)
    t.equal(res.headers['content-type'], undefined, url)
  }
})

t.test('a route that never touches ctx.response sends no extra headers', async t => {
  const { app } = await appWith(t, route({ method: 'GET', url: '/plain', handler: function plain () { return { ok: true } } }))
  const res = await app.inject('/plain')
  t.equal(res.statusCode, 200)
  t.strictSame(Object.keys(res.headers).sort(), ['connection', 'content-length', 'content-type', 'date'])
  t.equal(res.body, '{"ok":true}')
})

t.test('reading ctx.response without setting anything changes nothing either', async t => {
  const { app } = await appWith(t, route({
    method: 'GET', url: '/read', status: 200,
    handler: function read_only ({ response }) { return { status: response.status, link: response.headers.get('link') ?? null } },
  }))
  const res = await app.inject('/read')
  t.equal(res.statusCode, 200)
  t.strictSame(Object.keys(res.headers).sort(), ['connection', 'content-length', 'content-type', 'date'])
  t.strictSame(res.json(), { status: 200, link: null })
})

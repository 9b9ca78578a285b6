// Responses returned directly with `withResponse(content, init)`: sent as they are (strings,
// bytes, streams) or as JSON, bypassing the response model, and combined with what was set
// on the temporal response.
import t from 'tap'
import { Readable } from 'node:stream'
import { Type } from '@sinclair/typebox'
import { dependency, isDirectResponse, route, withResponse } from '../../src/index.js'
import { appWith, setCookies } from '../support/apps.js'

const JSON_TYPE = /^application\/json(; charset=utf-8)?$/
const INTERNAL = '{"detail":"Internal Server Error"}'

t.test('a string: sent as it is, with the media type', async t => {
  const { app } = await appWith(t,
    route({ method: 'GET', url: '/csv', handler: function csv () { return withResponse('a,b\n1,2\n', { mediaType: 'text/csv' }) } }),
    route({ method: 'GET', url: '/text', handler: function text () { return withResponse('héllo') } }),
    route({ method: 'GET', url: '/json-text', handler: function json_text () { return withResponse('{"raw":true}', { mediaType: 'application/json' }) } }))
  const csv = await app.inject('/csv')
  t.equal(csv.statusCode, 200)
  t.equal(csv.headers['content-type'], 'text/csv')
  t.equal(csv.body, 'a,b\n1,2\n')
  const text = await app.inject('/text')
  t.equal(text.headers['content-type'], 'text/plain; charset=utf-8', 'a string without a media type is UTF-8 text')
  t.equal(text.body, 'héllo')
  const jsonText = await app.inject('/json-text')
  t.match(jsonText.headers['content-type'], JSON_TYPE)
  t.equal(jsonText.body, '{"raw":true}', 'a string is never JSON-encoded again')
})

t.test('bytes: a Buffer and a Uint8Array view go out unchanged', async t => {
  const bytes = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0xff, 0x10])
  const backing = new Uint8Array([9, 9, 1, 2, 3, 9])
  const { app } = await appWith(t,
    route({ method: 'GET', url: '/buffer', handler: function buffer () { return withResponse(bytes, { mediaType: 'image/png' }) } }),
    route({ method: 'GET', url: '/view', handler: function view () { return withResponse(backing.subarray(2, 5)) } }))
  const buffer = await app.inject('/buffer')
  t.equal(buffer.statusCode, 200)
  t.equal(buffer.headers['content-type'], 'image/png')
  t.strictSame(buffer.rawPayload, bytes)
  const view = await app.inject('/view')
  t.equal(view.headers['content-type'], 'application/octet-stream')
  t.strictSame([...view.rawPayload], [1, 2, 3], 'only the view\'s bytes, not the whole backing buffer')
})

t.test('a Readable stream is piped out', async t => {
  const { app } = await appWith(t, route({
    method: 'GET', url: '/stream',
    handler: function stream () {
      return withResponse(Readable.from(['line 1\n', 'line 2\n']), { mediaType: 'text/plain; charset=utf-8', headers: { 'X-Streamed': 'yes' } })
    },
  }))
  const res = await app.inject('/stream')
  t.equal(res.statusCode, 200)
  t.equal(res.headers['content-type'], 'text/plain; charset=utf-8')
  t.equal(res.headers['x-streamed'], 'yes')
  t.equal(res.body, 'line 1\nline 2\n')
})

t.test('other values: JSON as application/json, through jsonable()', async t => {
  const { app } = await appWith(t, route({
    method: 'GET', url: '/obj',
    handler: function obj () {
      return withResponse({
        at: new Date(Date.UTC(2024, 1, 29, 12)),
        tags: new Set(['a', 'b']),
        counts: new Map([['x', 1]]),
        small: 10n,
        big: 2n ** 64n,
        skipped: undefined,
      })
    },
  }))
  const res = await app.inject('/obj')
  t.equal(res.statusCode, 200)
  t.match(res.headers['content-type'], JSON_TYPE)
  t.equal(res.body, '{"at":"2024-02-29T12:00:00.000Z","tags":["a","b"],"counts":{"x":1},"small":10,"big":"18446744073709551616"}')
})

t.test('null, numbers and arrays are JSON too', async t => {
  const { app } = await appWith(t,
    route({ method: 'GET', url: '/null', handler: function nothing () { return withResponse(null) } }),
    route({ method: 'GET', url: '/num', handler: function num () { return withResponse(42) } }),
    route({ method: 'GET', url: '/arr', handler: function arr () { return withResponse([1, 'two']) } }))
  t.equal((await app.inject('/null')).body, 'null')
  t.equal((await app.inject('/num')).body, '42')
  const arr = await app.inject('/arr')
  t.match(arr.headers['content-type'], JSON_TYPE)
  t.equal(arr.body, '[1,"two"]')
})

t.test('withResponse bypasses the response model: an undeclared field IS sent', async t => {
  const User = Type.Object({ username: Type.String() })
  const { app } = await appWith(t,
    route({
      method: 'GET', url: '/direct', response: User,
      handler: function direct () { return withResponse({ username: 'rick', password: 'pickle' }) },
    }),
    route({
      method: 'GET', url: '/model', response: User,
      handler: function model () { return { username: 'rick', password: 'pickle' } as { username: string } },
    }))
  t.equal((await app.inject('/direct')).body, '{"username":"rick","password":"pickle"}')
  t.equal((await app.inject('/model')).body, '{"username":"rick"}', 'the same value returned plainly is filtered')
})

t.test('a value that cannot be JSON (a cycle): a logged 500, and the app stays healthy', async t => {
  const { app, logs } = await appWith(t,
    route({
      method: 'GET', url: '/cycle',
      handler: function cycle ({ response }) {
        response.headers.set('X-Temporal', 'set before')
        response.setCookie('before', 'the error')
        const a: Record<string, unknown> = { name: 'a' }
        a.self = a
        return withResponse(a, { headers: { 'X-Direct': 'yes' } })
      },
    }),
    route({ method: 'GET', url: '/ok', handler: function ok () { return { ok: true } } }))
  const res = await app.inject('/cycle')
  t.equal(res.statusCode, 500)
  t.equal(res.body, INTERNAL)
  t.match(res.headers['content-type'], JSON_TYPE)
  t.equal(logs.length, 1, 'logged')
  t.match(logs[0]?.err?.message, /^RC_ERR_JSONABLE_CYCLE: /)
  // The headers and cookies meant for the success response do not ride on the 500.
  t.equal(res.headers['x-direct'], undefined, 'no X-Direct on the 500')
  t.equal(res.headers['x-temporal'], undefined, 'no X-Temporal on the 500')
  t.equal(res.headers['set-cookie'], undefined, 'no Set-Cookie on the 500')

  const next = await app.inject('/ok')
  t.equal(next.statusCode, 200)
  t.equal(next.body, '{"ok":true}')
})

t.test('ctx.response and the direct response combine; the direct one wins for the same header or cookie', async t => {
  const dep = dependency({
    resolve: ({ response }) => {
      response.headers.set('X-From-Dep', 'dep')
      response.setCookie('dep', 'from-dep')
    },
  })
  const { app } = await appWith(t, route({
    method: 'GET', url: '/both', deps: { d: dep },
    handler: function both ({ response }) {
      response.headers.set('X-Temporal', 'temporal')
      response.headers.set('X-Both', 'temporal')
      response.headers.append('Vary', 'Origin')
      response.setCookie('temp', 't')
      response.setCookie('both', 'temporal', { httpOnly: true })
      return withResponse({ ok: true }, {
        headers: { 'x-both': 'direct', 'X-Direct': 'direct' },
        cookies: { both: 'direct', dir: 'd' },
      })
    },
  }))
  const res = await app.inject('/both')
  t.equal(res.statusCode, 200)
  t.equal(res.headers['x-from-dep'], 'dep')
  t.equal(res.headers['x-temporal'], 'temporal')
  t.equal(res.headers['x-direct'], 'direct')
  t.equal(res.headers['x-both'], 'direct', 'the direct response wins, whatever the case of the name')
  t.equal(res.headers.vary, 'Origin')
  t.strictSame(setCookies(res.headers['set-cookie']).sort(), [
    'both=direct; Path=/; SameSite=Lax',
    'dep=from-dep; Path=/; SameSite=Lax',
    'dir=d; Path=/; SameSite=Lax',
    'temp=t; Path=/; SameSite=Lax',
  ])
  t.strictSame(res.json(), { ok: true })
})

t.test('the direct response\'s status is the status sent', async t => {
  const { app } = await appWith(t, route({
    method: 'GET', url: '/s', status: 200,
    handler: function status ({ response }) {
      response.status = 201
      return withResponse({ ok: true }, { status: 202 })
    },
  }))
  const res = await app.inject('/s')
  t.equal(res.statusCode, 202)
})

t.test('init: status, headers (arrays → several lines), cookies in both forms', async t => {
  const { app } = await appWith(t, route({
    method: 'POST', url: '/init',
    handler: function init () {
      return withResponse({ created: true }, {
        status: 201,
        headers: { Location: '/things/1', Link: ['</a>; rel="next"', '</b>; rel="prev"'], 'X-Count': 2 },
        cookies: {
          plain: 'p',
          rich: { value: 'r', httpOnly: true, secure: true, sameSite: 'strict', maxAge: 60, path: '/things' },
        },
      })
    },
  }))
  const res = await app.inject({ method: 'POST', url: '/init' })
  t.equal(res.statusCode, 201)
  t.equal(res.headers.location, '/things/1')
  t.strictSame(res.headers.link, ['</a>; rel="next"', '</b>; rel="prev"'])
  t.equal(res.headers['x-count'], '2')
  t.strictSame(setCookies(res.headers['set-cookie']), [
    'plain=p; Path=/; SameSite=Lax',
    'rich=r; Max-Age=60; Path=/things; HttpOnly; Secure; SameSite=Strict',
  ])
  t.equal(res.body, '{"created":true}')
})

t.test('.header() and .setCookie() chain on the returned object', async t => {
  const { app } = await appWith(t, route({
    method: 'GET', url: '/chain',
    handler: function chain () {
      return withResponse('ok', { mediaType: 'text/plain' })
        .header('X-A', '1')
        .header('X-B', 2)
        .header('x-a', 'last')
        .setCookie('c', 'v')
    },
  }))
  const res = await app.inject('/chain')
  t.equal(res.headers['x-a'], 'last')
  t.equal(res.headers['x-b'], '2')
  t.equal(res.headers['set-cookie'], 'c=v; Path=/; SameSite=Lax')
  t.equal(res.headers['content-type'], 'text/plain')
  t.equal(res.body, 'ok')
})

t.test('bad init values throw at withResponse()', async t => {
  t.throws(() => withResponse('x', { headers: { 'X-A': 'a\r\nb' } }), { code: 'RC_ERR_RESPONSE_HEADER' })
  t.throws(() => withResponse('x', { headers: { 'X A': 'v' } }), { code: 'RC_ERR_RESPONSE_HEADER' })
  t.throws(() => withResponse('x', { mediaType: 'text/plain\r\nX-Injected: 1' }), { code: 'RC_ERR_RESPONSE_HEADER' })
  t.throws(() => withResponse('x', { mediaType: '' }), { code: 'RC_ERR_RESPONSE_HEADER' })
  t.throws(() => withResponse('x', { status: 1000 }), { code: 'RC_ERR_RESPONSE_STATUS' })
  t.throws(() => withResponse('x', { status: 99.5 }), { code: 'RC_ERR_RESPONSE_STATUS' })
  t.throws(() => { withResponse('x').status = 600 }, { code: 'RC_ERR_RESPONSE_STATUS' })
  t.throws(() => withResponse('x', { cookies: { 'bad name': 'v' } }), { code: 'RC_ERR_RESPONSE_COOKIE' })
  t.throws(() => withResponse('x', { cookies: { c: { value: 'v', sameSite: 'none' } } }), { code: 'RC_ERR_RESPONSE_COOKIE' })
  t.throws(() => withResponse('x').header('X-A', 'a\nb'), { code: 'RC_ERR_RESPONSE_HEADER' })
  t.ok(isDirectResponse(withResponse('x')))
  t.notOk(isDirectResponse({ content: 'x', status: 200 }))
})

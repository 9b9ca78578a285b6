/**
 * Content-type parsers of the app and its plugins reach routecraft routes: routecraft
 * validates what @fastify/formbody and @fastify/multipart (fields) produce against `body`,
 * while it keeps JSON (FastAPI's errors), plain text and raw bodies to itself.
 */
import t from 'tap'
import Fastify, { type FastifyInstance } from 'fastify'
import formbody from '@fastify/formbody'
import multipart from '@fastify/multipart'
import { Type } from '@sinclair/typebox'
import { route } from '../../src/index.js'

const Login = Type.Object({ username: Type.String(), password: Type.String({ minLength: 3 }) })
const login = route({ method: 'POST', url: '/login', body: Login, handler: function login ({ body }) { return { user: body.username, length: body.password.length } } })
const raw = route({ method: 'POST', url: '/raw', rawBody: true, handler: function raw ({ body }) { return { bytes: body.length } } })
const none = route({ method: 'POST', url: '/none', handler: function none ({ body }) { return { body: body ?? null } } })

async function appWith (t: { teardown: (fn: () => unknown) => void }, setup: (app: FastifyInstance) => Promise<void>): Promise<FastifyInstance> {
  const app = Fastify()
  t.teardown(() => app.close())
  await setup(app)
  await app.register(login)
  await app.register(raw)
  await app.register(none)
  return app
}

function multipartBody (fields: Record<string, string>): { payload: string; headers: Record<string, string> } {
  const boundary = '----routecraft-test'
  const payload = Object.entries(fields).map(([name, value]) =>
    `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`).join('') + `--${boundary}--\r\n`
  return { payload, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } }
}

t.test('@fastify/formbody: a form reaches the route and is validated', async t => {
  const app = await appWith(t, async app => { await app.register(formbody) })
  const form = { 'content-type': 'application/x-www-form-urlencoded' }
  const ok = await app.inject({ method: 'POST', url: '/login', headers: form, payload: 'username=rick&password=secret&extra=dropped' })
  t.equal(ok.statusCode, 200)
  t.strictSame(ok.json(), { user: 'rick', length: 6 })
  const bad = await app.inject({ method: 'POST', url: '/login', headers: form, payload: 'username=rick&password=ab' })
  t.equal(bad.statusCode, 422)
  t.strictSame(bad.json(), { detail: [{ type: 'string_too_short', loc: ['body', 'password'], msg: 'String should have at least 3 characters', input: 'ab' }] })
  const missing = await app.inject({ method: 'POST', url: '/login', headers: form, payload: 'username=rick' })
  t.equal(missing.statusCode, 422)
  t.match(missing.json(), { detail: [{ type: 'missing', loc: ['body', 'password'], msg: 'Field required' }] })

  const json = await app.inject({ method: 'POST', url: '/login', payload: { username: 'rick', password: 'secret' } })
  t.strictSame(json.json(), { user: 'rick', length: 6 }, 'JSON still works')
  const malformed = await app.inject({ method: 'POST', url: '/login', headers: { 'content-type': 'application/json' }, payload: '{' })
  t.match(malformed.json(), { detail: [{ type: 'json_invalid', loc: ['body', 1] }] }, 'and keeps FastAPI\'s errors')
  const text = await app.inject({ method: 'POST', url: '/login', headers: { 'content-type': 'text/plain' }, payload: 'username=rick' })
  t.equal(text.statusCode, 422, 'plain text is not parsed')
  t.match(text.json(), { detail: [{ loc: ['body'], input: 'username=rick' }] })
  const rawForm = await app.inject({ method: 'POST', url: '/raw', headers: form, payload: 'a=1' })
  t.strictSame(rawForm.json(), { bytes: 3 }, 'a rawBody route still gets the bytes')
  const noneForm = await app.inject({ method: 'POST', url: '/none', headers: form, payload: 'a=1' })
  t.strictSame(noneForm.json(), { body: null }, 'a route without a body ignores it')
})

t.test('without @fastify/formbody a form is not parsed: 422 at ["body"], as before', async t => {
  const app = await appWith(t, async () => {})
  const res = await app.inject({ method: 'POST', url: '/login', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'username=rick&password=secret' })
  t.equal(res.statusCode, 422)
  t.strictSame(res.json(), { detail: [{ type: 'model_attributes_type', loc: ['body'], msg: 'Input should be a valid dictionary or object to extract fields from', input: 'username=rick&password=secret' }] })
})

t.test('@fastify/multipart with attachFieldsToBody: the fields reach the route and are validated', async t => {
  const app = await appWith(t, async app => { await app.register(multipart, { attachFieldsToBody: 'keyValues' }) })
  const ok = await app.inject({ method: 'POST', url: '/login', ...multipartBody({ username: 'morty', password: 'aw-geez' }) })
  t.equal(ok.statusCode, 200)
  t.strictSame(ok.json(), { user: 'morty', length: 7 })
  const bad = await app.inject({ method: 'POST', url: '/login', ...multipartBody({ username: 'morty' }) })
  t.equal(bad.statusCode, 422)
  t.match(bad.json(), { detail: [{ type: 'missing', loc: ['body', 'password'] }] })
})

t.test('an app\'s own catch-all parser does not break a route with a body', async t => {
  const app = await appWith(t, async app => {
    app.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => { done(null, { caught: body }) })
    app.post('/plain', async request => request.body)
  })
  const res = await app.inject({ method: 'POST', url: '/login', headers: { 'content-type': 'application/xml' }, payload: '<a/>' })
  t.equal(res.statusCode, 422, 'routecraft keeps unknown content types unparsed')
  t.strictSame((await app.inject({ method: 'POST', url: '/plain', headers: { 'content-type': 'application/xml' }, payload: '<a/>' })).json(), { caught: '<a/>' }, 'the app\'s routes keep its parser')
})

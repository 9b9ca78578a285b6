/**
 * Errors in a real Fastify app: errors of other plugins' hooks keep their 4xx status and
 * headers in FastAPI's shape, and the app's own error handler (root or any parent scope)
 * receives every error of routecraft routes, request validation included, and can hand any
 * of them back to routecraft's answers.
 */
import t from 'tap'
import Fastify, { type FastifyError, type FastifyInstance } from 'fastify'
import rateLimit from '@fastify/rate-limit'
import createError from '@fastify/error'
import { Type } from '@sinclair/typebox'
import { dependency, HttpError, RequestValidationError, route, routecraftErrorHandler } from '../../src/index.js'

const Forbidden = createError('APP_FORBIDDEN', 'No access to %s', 403)

const item = route({
  method: 'POST',
  url: '/items/{item_id}',
  params: Type.Object({ item_id: Type.Integer() }),
  body: Type.Object({ name: Type.String() }),
  handler: function create_item ({ params, body }) { return { id: params.item_id, name: body.name } },
})
const teapot = route({ method: 'GET', url: '/teapot', handler: function teapot () { throw new HttpError(418, 'I am a teapot', { 'x-brew': 'no' }) } })
const forbidden = route({ method: 'GET', url: '/forbidden', handler: function forbidden () { throw new Forbidden('the vault') } })
const crash = route({ method: 'GET', url: '/crash', handler: function crash () { throw Object.assign(new Error('db at 10.0.0.5 refused'), { statusCode: 503 }) } })
const guard = dependency({ resolve: () => { throw new HttpError(401, 'Not authenticated', { 'WWW-Authenticate': 'Bearer' }) } })
const guarded = route({ method: 'GET', url: '/guarded', deps: { user: guard }, handler: function guarded ({ deps }) { return deps.user } })

async function appWith (t: Tap, setup: (app: FastifyInstance) => Promise<void> | void): Promise<FastifyInstance> {
  const app = Fastify()
  t.teardown(() => app.close())
  await setup(app)
  return app
}
type Tap = { teardown: (fn: () => unknown) => void }

t.test('without an error handler of the app: other plugins\' 4xx errors keep status, headers and message', async t => {
  const app = await appWith(t, async app => {
    await app.register(rateLimit, { max: 1, timeWindow: 60_000 })
    await app.register(teapot)
    await app.register(forbidden)
    await app.register(crash)
    await app.register(guarded)
  })
  t.equal((await app.inject('/teapot')).statusCode, 418, 'the first request passes the rate limit')
  const limited = await app.inject('/teapot')
  t.equal(limited.statusCode, 429, '@fastify/rate-limit\'s 429 from its onRequest hook')
  t.strictSame(limited.json(), { detail: 'Rate limit exceeded, retry in 1 minute' })
  t.equal(limited.headers['retry-after'], '60', 'its Retry-After header survives')
  t.equal(limited.headers['x-ratelimit-limit'], '1')

  const other = await appWith(t, async app => {
    await app.register(forbidden)
    await app.register(crash)
    await app.register(teapot)
    await app.register(guarded)
    await app.register(route({ method: 'GET', url: '/status', handler: function status () { throw Object.assign(new Error('Gone for good'), { status: 410, headers: { 'x-why': 'moved' } }) } }))
  })
  const res = await other.inject('/forbidden')
  t.equal(res.statusCode, 403, 'an @fastify/error with statusCode 403 thrown in a handler')
  t.equal(res.body, '{"detail":"No access to the vault"}')
  const gone = await other.inject('/status')
  t.equal(gone.statusCode, 410, 'the http-errors convention: status and headers')
  t.equal(gone.headers['x-why'], 'moved')
  t.equal(gone.body, '{"detail":"Gone for good"}')
  const crashed = await other.inject('/crash')
  t.equal(crashed.statusCode, 500, 'a 5xx error')
  t.equal(crashed.body, '{"detail":"Internal Server Error"}', 'never shows its message')
  const tea = await other.inject('/teapot')
  t.equal(tea.body, '{"detail":"I am a teapot"}')
  t.equal(tea.headers['x-brew'], 'no')
  const auth = await other.inject('/guarded')
  t.equal(auth.statusCode, 401)
  t.equal(auth.headers['www-authenticate'], 'Bearer')
})

t.test('the app\'s error handler at the root receives every error and can take over', async t => {
  const seen: Array<{ name: string; statusCode: unknown; detail?: unknown }> = []
  const app = await appWith(t, async app => {
    app.setErrorHandler((error: FastifyError, request, reply) => {
      seen.push({ name: error.name, statusCode: error.statusCode, ...('detail' in error ? { detail: (error as { detail: unknown }).detail } : {}) })
      if (error instanceof RequestValidationError) return reply.code(400).send({ problems: error.detail.length })
      if (error instanceof HttpError && error.status === 418) return reply.code(200).send('brewed anyway')
      return routecraftErrorHandler(error, request, reply)
    })
    await app.register(rateLimit, { max: 1, timeWindow: 60_000, allowList: ['10.0.0.1'] })
    await app.register(item)
    await app.register(teapot)
    await app.register(forbidden)
    await app.register(crash)
    await app.register(guarded)
  })
  const invalid = await app.inject({ method: 'POST', url: '/items/abc', payload: { name: 1 }, remoteAddress: '10.0.0.1' })
  t.equal(invalid.statusCode, 400, 'the app answered the validation error its own way')
  t.strictSame(invalid.json(), { problems: 2 })
  t.strictSame(seen.pop(), {
    name: 'RequestValidationError',
    statusCode: 422,
    detail: [
      { type: 'int_parsing', loc: ['path', 'item_id'], msg: 'Input should be a valid integer, unable to parse string as an integer', input: 'abc' },
      { type: 'string_type', loc: ['body', 'name'], msg: 'Input should be a valid string', input: 1 },
    ],
  }, 'a RequestValidationError with FastAPI\'s list')

  const malformed = await app.inject({ method: 'POST', url: '/items/1', headers: { 'content-type': 'application/json' }, payload: '{"name": ', remoteAddress: '10.0.0.1' })
  t.equal(malformed.statusCode, 400)
  t.match(seen.pop(), { name: 'RequestValidationError', statusCode: 422, detail: [{ type: 'json_invalid', loc: ['body', 9] }] }, 'malformed JSON too')

  t.equal((await app.inject({ url: '/teapot', remoteAddress: '10.0.0.1' })).body, 'brewed anyway', 'an HttpError taken over')
  t.match(seen.pop(), { name: 'HttpError', statusCode: 418 })

  const auth = await app.inject({ url: '/guarded', remoteAddress: '10.0.0.1' })
  t.equal(auth.statusCode, 401, 'an HttpError from a dependency, handed back to routecraft')
  t.equal(auth.body, '{"detail":"Not authenticated"}')
  t.equal(auth.headers['www-authenticate'], 'Bearer')
  t.match(seen.pop(), { name: 'HttpError', statusCode: 401 })

  t.equal((await app.inject({ url: '/forbidden', remoteAddress: '10.0.0.1' })).body, '{"detail":"No access to the vault"}')
  t.match(seen.pop(), { name: 'FastifyError', statusCode: 403 })
  const crashed = await app.inject({ url: '/crash', remoteAddress: '10.0.0.1' })
  t.equal(crashed.statusCode, 500)
  t.equal(crashed.body, '{"detail":"Internal Server Error"}')
  t.match(seen.pop(), { statusCode: 503 }, 'the app saw the original error')

  t.equal((await app.inject('/teapot')).body, 'brewed anyway')
  seen.pop()
  const limited = await app.inject('/teapot')
  t.equal(limited.statusCode, 429, 'the rate limit error reached the app\'s handler, which handed it back')
  t.equal(limited.body, '{"detail":"Rate limit exceeded, retry in 1 minute"}')
  t.match(seen.pop(), { statusCode: 429 })
  t.strictSame(seen, [])
})

t.test('an error handler of a parent scope receives the errors of the routes inside it', async t => {
  const seen: string[] = []
  const app = await appWith(t, async app => {
    await app.register(teapot)
    await app.register(async scope => {
      scope.setErrorHandler((error: FastifyError, _request, reply) => {
        seen.push(error.name)
        return reply.code(error.statusCode ?? 500).send({ message: error.message })
      })
      await scope.register(async inner => { await inner.register(item) })
    }, { prefix: '/v1' })
  })
  const res = await app.inject({ method: 'POST', url: '/v1/items/1', payload: {} })
  t.equal(res.statusCode, 422)
  t.strictSame(res.json(), { message: 'Request validation failed' })
  t.strictSame(seen, ['RequestValidationError'])
  t.equal((await app.inject('/teapot')).body, '{"detail":"I am a teapot"}', 'routes outside that scope keep routecraft\'s answers')
})

t.test('without an error handler of the app, no error object is made for a 422 and the body is FastAPI\'s', async t => {
  const app = await appWith(t, async app => { await app.register(item) })
  const res = await app.inject({ method: 'POST', url: '/items/abc', payload: { name: 'x' } })
  t.equal(res.statusCode, 422)
  t.equal(res.body, '{"detail":[{"type":"int_parsing","loc":["path","item_id"],"msg":"Input should be a valid integer, unable to parse string as an integer","input":"abc"}]}')
  const e = new RequestValidationError([])
  t.equal(e.statusCode, 422)
  t.equal(e.name, 'RequestValidationError')
})

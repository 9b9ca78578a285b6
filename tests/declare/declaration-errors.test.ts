/**
 * route() declarations that cannot work: each fails when the route is declared, with a
 * RoutecraftError whose code says what is wrong (never at the first request). JavaScript
 * callers can pass anything, so the inputs TypeScript rejects are tried too (cast).
 */
import t from 'tap'
import type { Test } from 'tap'
import Fastify from 'fastify'
import { Type } from '@sinclair/typebox'
import { dependency, route, webhook, RoutecraftError, type RoutecraftErrorCode } from '../../src/index.js'

function read_x (): string { return 'x' }

/** A valid declaration with `patch` applied (a key set to undefined is removed). */
function decl (patch: Record<string, unknown>): never {
  const out: Record<string, unknown> = { method: 'GET', url: '/x', handler: read_x, ...patch }
  for (const [k, v] of Object.entries(patch)) if (v === undefined) delete out[k]
  return out as never
}

function fails (t: Test, cases: Array<[string, () => unknown, RoutecraftErrorCode, RegExp?]>): void {
  for (const [label, fn, code, message] of cases) {
    let caught: unknown
    try { fn() } catch (err) { caught = err }
    t.ok(caught instanceof RoutecraftError, `${label}: a RoutecraftError`)
    t.equal((caught as RoutecraftError).code, code, `${label}: ${code}`)
    if (message !== undefined) t.match((caught as Error).message, message, `${label}: message`)
  }
}

t.test('the declaration itself', async t => {
  fails(t, [
    ['no declaration', () => route(undefined as never), 'RC_ERR_ROUTE_NO_HANDLER', /needs a declaration object/],
    ['a null declaration', () => route(null as never), 'RC_ERR_ROUTE_NO_HANDLER', /needs a declaration object/],
    ['no handler', () => route(decl({ handler: undefined })), 'RC_ERR_ROUTE_NO_HANDLER', /^RC_ERR_ROUTE_NO_HANDLER: route GET \/x: handler must be a function$/],
    ['an unknown option', () => route(decl({ respone: Type.String() })), 'RC_ERR_ROUTE_OPTION', /unknown option "respone"/],
  ])
})

t.test('method', async t => {
  fails(t, [
    ['an empty list', () => route(decl({ method: [] })), 'RC_ERR_ROUTE_METHOD', /^RC_ERR_ROUTE_METHOD: route  \/x: method must name at least one HTTP method$/],
    ['an unknown method', () => route(decl({ method: 'FETCH' })), 'RC_ERR_ROUTE_METHOD', /unknown HTTP method "FETCH"; use one of GET, HEAD/],
    ['a number', () => route(decl({ method: 7 })), 'RC_ERR_ROUTE_METHOD', /unknown HTTP method 7/],
    ['a list with a bad one', () => route(decl({ method: ['GET', null] })), 'RC_ERR_ROUTE_METHOD', /^RC_ERR_ROUTE_METHOD: route GET, \/x: unknown HTTP method null/],
    ['no method', () => route(decl({ method: undefined })), 'RC_ERR_ROUTE_METHOD', /route undefined \/x: unknown HTTP method undefined/],
  ])
})

t.test('methods are upper-cased and de-duplicated', async t => {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(route(decl({ method: ['get', 'GET', 'post'] })))
  t.equal((await app.inject({ method: 'GET', url: '/x' })).body, '"x"')
  t.equal((await app.inject({ method: 'POST', url: '/x' })).body, '"x"')
  t.equal((await app.inject({ method: 'PUT', url: '/x' })).statusCode, 404)
})

t.test('url and path parameters', async t => {
  fails(t, [
    ['a url that is not a string', () => route(decl({ url: 42 })), 'RC_ERR_ROUTE_URL', /url must be a string starting with "\/", got 42/],
    ['a url without a leading /', () => route(decl({ url: 'items' })), 'RC_ERR_ROUTE_URL', /got "items"/],
    ['a repeated path parameter', () => route(decl({ url: '/a/{id}/b/{id}' })), 'RC_ERR_ROUTE_PATH_PARAM', /path parameter "id" appears twice/],
    ['a repeated path parameter, Fastify form', () => route(decl({ url: '/a/:id/b/{id}' })), 'RC_ERR_ROUTE_PATH_PARAM', /"id" appears twice/],
    ['an unclosed brace', () => route(decl({ url: '/items/{id' })), 'RC_ERR_ROUTE_URL', /unbalanced braces in url "\/items\/\{id"/],
    ['a stray closing brace', () => route(decl({ url: '/items/id}' })), 'RC_ERR_ROUTE_URL', /unbalanced braces/],
    ['a path parameter missing from params', () => route(decl({ url: '/a/{id}/{sub}', params: Type.Object({ id: Type.String() }) })), 'RC_ERR_ROUTE_PATH_PARAM', /path parameter "sub" has no entry in the params schema/],
    ['a params entry not in the path', () => route(decl({ url: '/a/{id}', params: Type.Object({ id: Type.String(), other: Type.String() }) })), 'RC_ERR_ROUTE_PATH_PARAM', /params schema declares "other", which is not in the path/],
  ])
})

t.test('a params schema that matches the path, in either url form', async t => {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(route(decl({ url: '/a/{id}/:sub', params: Type.Object({ id: Type.String(), sub: Type.String() }), handler: ({ params }: { params: object }) => params })))
  t.same((await app.inject({ method: 'GET', url: '/a/1/2' })).json(), { id: '1', sub: '2' })
})

t.test('schemas', async t => {
  fails(t, [
    ['a plain JSON schema body', () => route(decl({ method: 'POST', body: { type: 'object' } })), 'RC_ERR_ROUTE_SCHEMA', /body must be a TypeBox schema .*got a plain object \(wrap JSON schemas with Type\.Unsafe\(\)\)/],
    ['a null response', () => route(decl({ response: null })), 'RC_ERR_ROUTE_SCHEMA', /response must be a TypeBox schema .*got null$/],
    ['an array response', () => route(decl({ response: [Type.String()] })), 'RC_ERR_ROUTE_SCHEMA', /got an array$/],
    ['a string query', () => route(decl({ query: 'q' })), 'RC_ERR_ROUTE_SCHEMA', /query must be a TypeBox schema .*got a string$/],
    ['params not an object schema', () => route(decl({ url: '/a/{id}', params: Type.String() })), 'RC_ERR_ROUTE_SCHEMA', /params must be a Type\.Object\(\.\.\.\) schema, one property per path parameter$/],
    ['query not an object schema', () => route(decl({ query: Type.Array(Type.String()) })), 'RC_ERR_ROUTE_SCHEMA', /query must be a Type\.Object\(\.\.\.\) schema, one property per query parameter$/],
    ['headers not an object schema', () => route(decl({ headers: Type.String() })), 'RC_ERR_ROUTE_SCHEMA', /headers must be a Type\.Object\(\.\.\.\) schema, one property per header$/],
    ['cookies not an object schema', () => route(decl({ cookies: Type.Unsafe({ type: 'object' }) })), 'RC_ERR_ROUTE_SCHEMA', /cookies must be a Type\.Object\(\.\.\.\) schema, one property per cookie$/],
    ['an upper-case header', () => route(decl({ headers: Type.Object({ 'X-Token': Type.String() }) })), 'RC_ERR_ROUTE_SCHEMA', /header "X-Token" must be declared in lower case \("x-token"\)/],
  ])
})

t.test('lower-case headers and empty header schemas are accepted', async t => {
  t.doesNotThrow(() => route(decl({ headers: Type.Object({ 'x-token': Type.String() }) })))
  t.doesNotThrow(() => route(decl({ headers: Type.Object({}) })))
})

t.test('rawBody', async t => {
  fails(t, [
    ['rawBody not a boolean', () => route(decl({ method: 'POST', rawBody: 'yes' })), 'RC_ERR_ROUTE_OPTION', /rawBody must be true or false/],
    ['rawBody with a body schema', () => route(decl({ method: 'POST', rawBody: true, body: Type.Object({}) })), 'RC_ERR_ROUTE_BODY_CONFLICT', /a rawBody route takes the body as bytes/],
  ])
  t.doesNotThrow(() => route(decl({ method: 'POST', rawBody: false, body: Type.Object({}) })), 'rawBody: false with a body is fine')
})

t.test('status', async t => {
  fails(t, [
    ['a string status', () => route(decl({ status: '201' })), 'RC_ERR_ROUTE_STATUS', /status must be a final status, an integer from 200 to 599 \(1xx statuses are interim\), got "201"/],
    ['a fractional status', () => route(decl({ status: 200.5 })), 'RC_ERR_ROUTE_STATUS', /got 200\.5/],
    ['a status below 100', () => route(decl({ status: 99 })), 'RC_ERR_ROUTE_STATUS', /got 99/],
    ['a status above 599', () => route(decl({ status: 600 })), 'RC_ERR_ROUTE_STATUS', /got 600/],
    ['an interim status', () => route(decl({ status: 103 })), 'RC_ERR_ROUTE_STATUS', /got 103/],
  ])
  for (const status of [200, 204, 599]) t.doesNotThrow(() => route(decl({ status })), `status ${status} is accepted`)
})

t.test('responses', async t => {
  fails(t, [
    ['responses not an object', () => route(decl({ responses: 'none' })), 'RC_ERR_ROUTE_OPTION', /responses must be an object keyed by status code/],
    ['null responses', () => route(decl({ responses: null })), 'RC_ERR_ROUTE_OPTION', /responses must be an object keyed by status code/],
    ['an array of responses', () => route(decl({ responses: [{ description: 'x' }] })), 'RC_ERR_ROUTE_OPTION', /responses must be an object keyed by status code/],
    ['a key that is no status', () => route(decl({ responses: { ok: { description: 'x' } } })), 'RC_ERR_ROUTE_STATUS', /responses key "ok" is not a status code/],
    ['a key out of range', () => route(decl({ responses: { 600: { description: 'x' } } })), 'RC_ERR_ROUTE_STATUS', /responses key "600"/],
    ['a lower-case range', () => route(decl({ responses: { '4xx': { description: 'x' } } })), 'RC_ERR_ROUTE_STATUS', /responses key "4xx"/],
    ['a spec that is a string', () => route(decl({ responses: { 404: 'Not found' } })), 'RC_ERR_ROUTE_OPTION', /responses\[404\] must be an object/],
    ['a null spec', () => route(decl({ responses: { 404: null } })), 'RC_ERR_ROUTE_OPTION', /responses\[404\] must be an object/],
    ['a plain JSON schema', () => route(decl({ responses: { 404: { schema: { type: 'string' } } } })), 'RC_ERR_ROUTE_SCHEMA', /responses\[404\]\.schema must be a TypeBox schema/],
  ])
  t.doesNotThrow(() => route(decl({ responses: { '4XX': { description: 'x' }, default: {}, 201: { schema: Type.String() } } })))
})

t.test('OpenAPI metadata', async t => {
  fails(t, [
    ['tags not an array', () => route(decl({ tags: 'items' })), 'RC_ERR_ROUTE_OPTION', /tags must be an array of strings/],
    ['tags with a number', () => route(decl({ tags: ['items', 1] })), 'RC_ERR_ROUTE_OPTION', /tags must be an array of strings/],
    ['deprecated not a boolean', () => route(decl({ deprecated: 'yes' })), 'RC_ERR_ROUTE_OPTION', /deprecated must be a boolean/],
    ['includeInSchema not a boolean', () => route(decl({ includeInSchema: 0 })), 'RC_ERR_ROUTE_OPTION', /includeInSchema must be a boolean/],
    ['generateOperationId not a function', () => route(decl({ generateOperationId: 'name' })), 'RC_ERR_ROUTE_OPTION', /generateOperationId must be a function/],
    ['openapiExtra a string', () => route(decl({ openapiExtra: 'x' })), 'RC_ERR_ROUTE_OPTION', /openapiExtra must be an object/],
    ['openapiExtra null', () => route(decl({ openapiExtra: null })), 'RC_ERR_ROUTE_OPTION', /openapiExtra must be an object/],
    ['openapiExtra an array', () => route(decl({ openapiExtra: [] })), 'RC_ERR_ROUTE_OPTION', /openapiExtra must be an object/],
    ['operationId a number', () => route(decl({ operationId: 1 })), 'RC_ERR_ROUTE_OPTION', /operationId must be a string/],
    ['an empty operationId', () => route(decl({ operationId: '' })), 'RC_ERR_ROUTE_OPTION', /operationId must not be empty/],
    ['summary not a string', () => route(decl({ summary: 1 })), 'RC_ERR_ROUTE_OPTION', /summary must be a string/],
    ['description not a string', () => route(decl({ description: {} })), 'RC_ERR_ROUTE_OPTION', /description must be a string/],
    ['name not a string', () => route(decl({ name: 1 })), 'RC_ERR_ROUTE_OPTION', /name must be a string/],
    ['an operationId on several methods', () => route(decl({ method: ['GET', 'POST'], operationId: 'x' })), 'RC_ERR_ROUTE_OPTION', /an explicit operationId would repeat for each of GET, POST/],
  ])
  t.doesNotThrow(() => route(decl({ tags: [], deprecated: false, includeInSchema: true, generateOperationId: () => 'x', openapiExtra: {}, operationId: 'x' })))
})

t.test('webhooks share the metadata checks, under codes of their own', async t => {
  fails(t, [
    ['webhook tags not an array', () => webhook({ name: 'evt', tags: 'x' } as never), 'RC_ERR_WEBHOOK_OPTION', /^RC_ERR_WEBHOOK_OPTION: webhook evt: tags must be an array of strings$/],
    ['webhook unknown option', () => webhook({ name: 'evt', url: '/evt' } as never), 'RC_ERR_WEBHOOK_OPTION', /^RC_ERR_WEBHOOK_OPTION: webhook evt: unknown option "url"; known options: name, /],
    ['webhook summary not a string', () => webhook({ name: 'evt', summary: 1 } as never), 'RC_ERR_WEBHOOK_OPTION', /^RC_ERR_WEBHOOK_OPTION: webhook evt: summary must be a string$/],
    ['webhook method unknown', () => webhook({ name: 'evt', method: 'FETCH' } as never), 'RC_ERR_WEBHOOK_METHOD', /^RC_ERR_WEBHOOK_METHOD: webhook evt: unknown HTTP method "FETCH"; use one of GET, HEAD, /],
    ['webhook no method', () => webhook({ name: 'evt', method: [] } as never), 'RC_ERR_WEBHOOK_METHOD', /webhook evt: method must name at least one HTTP method/],
    ['webhook body not TypeBox', () => webhook({ name: 'evt', body: { type: 'object' } } as never), 'RC_ERR_WEBHOOK_SCHEMA', /^RC_ERR_WEBHOOK_SCHEMA: webhook evt: body must be a TypeBox schema/],
    ['webhook body with an unknown type', () => webhook({ name: 'evt', body: Type.Unsafe({ type: 'text' }) }), 'RC_ERR_WEBHOOK_SCHEMA', /^RC_ERR_WEBHOOK_SCHEMA: a schema has type "text"; JSON Schema types are string, /],
    ['webhook body with a $ref to nothing', () => webhook({ name: 'evt', body: Type.Object({ a: Type.Ref('NoSuchWebhookSchema') }) }), 'RC_ERR_WEBHOOK_SCHEMA', /\$ref "NoSuchWebhookSchema" resolves to no schema/],
    ['webhook responses key', () => webhook({ name: 'evt', responses: { 299.5: { description: 'x' } } } as never), 'RC_ERR_WEBHOOK_STATUS', /^RC_ERR_WEBHOOK_STATUS: webhook evt: responses key "299.5" is not a status code/],
    ['webhook responses not an object', () => webhook({ name: 'evt', responses: 'x' } as never), 'RC_ERR_WEBHOOK_OPTION', /responses must be an object keyed by status code/],
    ['webhook response schema', () => webhook({ name: 'evt', responses: { 200: { description: 'x', schema: {} } } } as never), 'RC_ERR_WEBHOOK_SCHEMA', /responses\[200\]\.schema must be a TypeBox schema/],
  ])
})

t.test('an object schema whose properties is null is refused at declaration', async t => {
  t.throws(() => route({ method: 'GET', url: '/x', query: Type.Unsafe({ type: 'object', properties: null }) as never, handler: () => 1 }), { code: 'RC_ERR_ROUTE_SCHEMA' })
})

t.test('a dependency cycle built by hand is refused at declaration, not a stack overflow', async t => {
  const real = dependency({ resolve: function real_dep () { return 1 } })
  const [symbol] = Object.getOwnPropertySymbols(real) as [symbol]
  const record = { ...(real as unknown as Record<symbol, object>)[symbol], name: 'loop', deps: {} as Record<string, unknown> }
  const forged = { [symbol]: record }
  record.deps.again = forged
  t.throws(() => route(decl({ deps: { loop: forged } })), { code: 'RC_ERR_DEPENDENCY_CYCLE', message: /dependency cycle loop → loop/ })
  const nameless = { ...(real as unknown as Record<symbol, object>)[symbol], name: undefined, deps: {} as Record<string, unknown> }
  nameless.deps.again = { [symbol]: nameless }
  t.throws(() => route(decl({ deps: { loop: { [symbol]: nameless } } })), { code: 'RC_ERR_DEPENDENCY_CYCLE', message: /dependency cycle #\d+ → #\d+/ }, 'a nameless one is named by its id')
  t.doesNotThrow(() => route(decl({ deps: { ok: real } })), 'the real one plans')
})

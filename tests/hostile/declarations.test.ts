// Declarations and options objects read by the factories are data: whatever reading them
// throws (a getter, any Proxy trap, a toString), the factory fails with a RoutecraftError that
// echoes nothing of what was thrown — never a raw TypeError or the app's own message.
import t, { type Test } from 'tap'
import { Type } from '@sinclair/typebox'
import { apiKeyAuth, basicAuth, bearerAuth, dependency, openapi, route, RoutecraftError, securityScheme, webhook } from '../../src/index.js'

const throwing = (): never => { throw new Error('secret') }
const TRAPS = ['get', 'has', 'ownKeys', 'getOwnPropertyDescriptor', 'getPrototypeOf'] as const

/** A Proxy over `target` whose `trap` throws (every trap when `trap` is 'all'). */
function proxied (target: object, trap: typeof TRAPS[number] | 'all'): object {
  const handler: ProxyHandler<object> = {}
  for (const name of TRAPS) if (trap === 'all' || trap === name) (handler as Record<string, unknown>)[name] = throwing
  return new Proxy(target, handler)
}

const handler = (): null => null
/** Each factory with a valid declaration of its own. */
const FACTORIES: Array<[string, (decl: any) => unknown, Record<string, unknown>]> = [
  ['route()', decl => route(decl), { method: 'POST', url: '/items/{id}', params: Type.Object({ id: Type.String() }), body: Type.Object({ a: Type.String() }), tags: ['a'], deps: { d: dependency({ resolve: () => 1 }) }, openapiExtra: { 'x-a': 1 }, handler }],
  ['webhook()', decl => webhook(decl), { name: 'evt', body: Type.Object({ a: Type.String() }), tags: ['a'], responses: { 200: { description: 'ok' } } }],
  ['dependency()', decl => dependency(decl), { name: 'dep', query: Type.Object({ q: Type.String() }), deps: { d: dependency({ resolve: () => 1 }) }, resolve: () => 1 }],
  ['openapi()', decl => openapi(decl), { info: { title: 't', version: '1' }, servers: [{ url: '/' }], tags: [{ name: 'a' }], specPath: '/spec.json', swagger: { openapi: { externalDocs: { url: '/' } } } }],
  ['securityScheme()', decl => securityScheme(decl), { schemeName: 'S', scheme: { type: 'http', scheme: 'bearer' }, scopes: ['a'], resolve: () => 1 }],
  ['basicAuth()', decl => basicAuth(decl), { realm: 'r', schemeName: 'B', autoError: false }],
  ['bearerAuth()', decl => bearerAuth(decl), { bearerFormat: 'JWT', schemeName: 'T', description: 'd' }],
  ['apiKeyAuth()', decl => apiKeyAuth(decl), { in: 'header', name: 'x-key', schemeName: 'K' }],
]

function expectClean (t: Test, run: () => unknown, label: string): void {
  let thrown: unknown
  try { run() } catch (err) { thrown = err }
  if (thrown === undefined) { t.pass(`${label}: accepted (the throwing part was not read)`); return }
  t.ok(thrown instanceof RoutecraftError, `${label}: a RoutecraftError, got ${String((thrown as Error).name)}: ${String((thrown as Error).message).slice(0, 100)}`)
  t.notMatch(String((thrown as Error).message), /secret/, `${label}: nothing of the thrown error is echoed`)
}

t.test('each valid declaration is accepted as is', async t => {
  for (const [name, make, decl] of FACTORIES) t.doesNotThrow(() => make(decl), name)
})

t.test('a declaration behind a Proxy, any trap throwing: a RoutecraftError', async t => {
  for (const [name, make, decl] of FACTORIES) {
    for (const trap of [...TRAPS, 'all'] as const) {
      let thrown: unknown
      try { make(proxied({ ...decl }, trap)) } catch (err) { thrown = err }
      if (thrown === undefined) { t.pass(`${name}, ${trap}: that trap is not needed`); continue }
      t.ok(thrown instanceof RoutecraftError, `${name}, ${trap} throws: a RoutecraftError (got ${String((thrown as Error).message).slice(0, 80)})`)
      t.notMatch(String((thrown as Error).message), /secret/)
    }
  }
  t.throws(() => route(proxied({ method: 'GET', url: '/', handler }, 'all') as never), { code: 'RC_ERR_DECLARATION_READ' })
})

t.test('a throwing getter on any one key, and a Proxy as any one value: a RoutecraftError', async t => {
  for (const [name, make, decl] of FACTORIES) {
    for (const key of Object.keys(decl)) {
      const withGetter = { ...decl }
      Object.defineProperty(withGetter, key, { get: throwing, enumerable: true })
      expectClean(t, () => make(withGetter), `${name} getter on ${key}`)
      const value = decl[key]
      if (typeof value === 'object' && value !== null) {
        for (const trap of ['all', 'ownKeys', 'get'] as const) expectClean(t, () => make({ ...decl, [key]: proxied(Array.isArray(value) ? [...value] : { ...value }, trap) }), `${name} ${key} behind a Proxy (${trap})`)
      }
    }
  }
})

t.test('values whose toString throws, where a message would print them', async t => {
  const evil = { toString: throwing, [Symbol.toPrimitive]: throwing }
  expectClean(t, () => route({ method: evil, url: '/x', handler } as never), 'route() method')
  expectClean(t, () => route({ method: 'GET', url: evil, handler } as never), 'route() url')
  expectClean(t, () => webhook({ name: evil } as never), 'webhook() name')
  expectClean(t, () => dependency({ name: evil, resolve: () => 1 } as never), 'dependency() name')
  expectClean(t, () => route({ method: 'GET', url: '/x', status: evil, handler } as never), 'route() status')
  expectClean(t, () => securityScheme({ schemeName: 'S', scheme: { type: evil }, resolve: () => 1 } as never), 'securityScheme() scheme.type')
})

t.test('the document options and responses are checked for their shape once copied', async t => {
  const badOpenapi: Array<[string, unknown]> = [
    ['servers not a list', { servers: 'x' }], ['a server without a url', { servers: [{}] }], ['a null server', { servers: [null] }],
    ['tags not a list', { tags: {} }], ['a tag without a name', { tags: [{ description: 'd' }] }],
    ['swagger.openapi a list', { swagger: { openapi: [] } }], ['swagger.openapi null', { swagger: { openapi: null } }],
    ['info null', { info: null }], ['info without version', { info: { title: 't' } }],
  ]
  for (const [name, options] of badOpenapi) t.throws(() => openapi(options as never), { code: 'RC_ERR_OPENAPI_OPTION' }, name)
  const badResponses: Array<[string, unknown]> = [
    ['a description that is no string', { 404: { description: 1 } }], ['content a string', { 404: { content: 'x' } }],
    ['content a list', { 404: { content: [] } }], ['a media type that is no object', { 404: { content: { 'text/plain': 1 } } }],
    ['a media type that is a list', { 404: { content: { 'text/plain': [] } } }], ['headers null', { 404: { headers: null } }],
    ['a header that is a string', { 404: { headers: { 'x-a': 'x' } } }],
  ]
  for (const [name, responses] of badResponses) {
    t.throws(() => route({ method: 'GET', url: '/x', responses: responses as never, handler }), { code: 'RC_ERR_ROUTE_OPTION' }, `route: ${name}`)
    t.throws(() => webhook({ name: 'evt', responses: responses as never }), { code: 'RC_ERR_WEBHOOK_OPTION' }, `webhook: ${name}`)
  }
  t.throws(() => dependency({ name: 1 as never, resolve: () => 1 }), { code: 'RC_ERR_DEPENDENCY_SHAPE' }, 'a dependency name that is no string')
  t.throws(() => dependency({ name: Symbol('s') as never, resolve: () => 1 }), { code: 'RC_ERR_DEPENDENCY_SHAPE' }, 'a symbol name no longer throws a TypeError')
  const long = 'x-' + 'k'.repeat(60)
  t.throws(() => route({ method: 'GET', url: '/x', openapiExtra: { [long]: 1n }, handler }), { message: /\["x-k{38}…"\]: a bigint/ }, 'a long key is shortened in the message')
  t.throws(() => route({ method: 'GET', url: '/x', openapiExtra: { 'x-list': [0, [1, { 'a b': NaN }]] }, handler }), { message: /openapiExtra\["x-list"\]\[1\]\[1\]\["a b"\]: NaN is not a JSON number/ }, 'the path names indexes and odd keys')
})

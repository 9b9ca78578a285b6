// Everything a declaration puts into the OpenAPI document, attacked with every value JSON
// cannot carry: each is refused when it is declared with its own RoutecraftError code, or is
// handled safely where it is legitimate input; the document endpoints never answer 500 for a
// routecraft declaration and never hang, and the deep merge stays prototype-safe.
import t, { type Test } from 'tap'
import fc from 'fast-check'
import Fastify from 'fastify'
import { Type, type TSchema } from '@sinclair/typebox'
import { dependency, openapi, route, RoutecraftError, securityScheme, webhook, type OpenApiOptions } from '../../src/index.js'

type Declare = (value: unknown) => unknown

/** Every place a declaration takes a value that ends up in the document. */
const SITES: Record<string, Declare> = {
  'route openapiExtra': v => route({ method: 'GET', url: '/x', openapiExtra: { 'x-value': v }, handler: () => null }),
  'route openapiExtra (nested in an array)': v => route({ method: 'GET', url: '/x', openapiExtra: { parameters: [{ name: 'q', in: 'query', schema: { examples: [v] } }] }, handler: () => null }),
  'route responses description content': v => route({ method: 'GET', url: '/x', responses: { 404: { description: 'Missing', content: { 'text/plain': { example: v } } } }, handler: () => null }),
  'route responses headers': v => route({ method: 'GET', url: '/x', responses: { 200: { headers: { 'x-a': { description: 'a', schema: { default: v } } } } }, handler: () => null }),
  'webhook openapiExtra': v => webhook({ name: 'evt', openapiExtra: { 'x-value': v } }),
  'webhook responses': v => webhook({ name: 'evt', responses: { 200: { content: { 'application/json': { example: v } } } } }),
  'openapi() info': v => openapi({ info: { title: 't', version: '1', 'x-value': v } as never }),
  'openapi() servers': v => openapi({ servers: [{ url: '/', 'x-value': v } as never] }),
  'openapi() tags': v => openapi({ tags: [{ name: 'a', externalDocs: { url: '/', 'x-value': v } as never }] }),
  'openapi() swagger.openapi': v => openapi({ swagger: { openapi: { components: { schemas: { A: { default: v } } } } as never } }),
  'securityScheme() scheme': v => securityScheme({ schemeName: 'S', scheme: { type: 'http', scheme: 'bearer', 'x-value': v } as never, resolve: () => 1 }),
  'route body schema (default)': v => route({ method: 'POST', url: '/x', body: Type.String({ default: v }), handler: () => null }),
  'route response schema (examples)': v => route({ method: 'GET', url: '/x', response: Type.Object({ a: Type.String({ examples: [v] }) }), handler: () => ({ a: '' }) }),
  'route schema (custom keyword)': v => route({ method: 'GET', url: '/x', query: Type.Object({ q: Type.Unsafe<string>({ type: 'string', 'x-v': v }) }), handler: () => null }),
  'dependency schema': v => dependency({ headers: Type.Object({ 'x-a': Type.String({ default: v }) }), resolve: () => 1 }),
  'a TypeBox schema inside openapiExtra': v => route({ method: 'POST', url: '/x', openapiExtra: { requestBody: { content: { 'application/yaml': { schema: Type.Object({ a: Type.String({ examples: [v] }) }) } } } }, handler: () => null }),
}

function cycle (): unknown {
  const a: Record<string, unknown> = { b: { c: [1] } }
  ;((a.b as Record<string, unknown>).c as unknown[]).push(a)
  return a
}

function nest (levels: number): unknown {
  let v: unknown = 'leaf'
  for (let i = 0; i < levels; i++) v = i % 2 === 0 ? { x: v } : [v]
  return v
}

/** Every kind of value JSON cannot carry, with the code each must be refused with. */
function hostile (): Array<[string, () => unknown, string]> {
  const throwing = (): never => { throw new Error('secret') }
  const revoked = Proxy.revocable({}, {})
  revoked.revoke()
  return [
    ['a BigInt', () => 10n, 'RC_ERR_OPENAPI_VALUE'],
    ['a symbol', () => Symbol('s'), 'RC_ERR_OPENAPI_VALUE'],
    ['a function', () => () => 1, 'RC_ERR_OPENAPI_VALUE'],
    ['NaN', () => NaN, 'RC_ERR_OPENAPI_VALUE'],
    ['Infinity', () => Infinity, 'RC_ERR_OPENAPI_VALUE'],
    ['-Infinity', () => -Infinity, 'RC_ERR_OPENAPI_VALUE'],
    ['a BigInt deep inside', () => ({ a: [{ b: 1n }] }), 'RC_ERR_OPENAPI_VALUE'],
    ['a cycle', cycle, 'RC_ERR_OPENAPI_CYCLE'],
    ['a self-referencing array', () => { const a: unknown[] = []; a.push(a); return a }, 'RC_ERR_OPENAPI_CYCLE'],
    ['20,000 levels of nesting', () => nest(20_000), 'RC_ERR_OPENAPI_DEPTH'],
    ['a sparse array of 2^30 holes', () => new Array(2 ** 30), 'RC_ERR_OPENAPI_SIZE'],
    ['200,000 values', () => Array.from({ length: 200_000 }, (_, i) => i), 'RC_ERR_OPENAPI_SIZE'],
    ['an exponential DAG', () => { let v: unknown = 1; for (let i = 0; i < 40; i++) v = [v, v]; return v }, 'RC_ERR_OPENAPI_SIZE'],
    ['a throwing getter', () => ({ get boom () { return throwing() } }), 'RC_ERR_OPENAPI_READ|RC_ERR_OPENAPI_VALUE'],
    ['a throwing toJSON', () => ({ toJSON: throwing }), 'RC_ERR_OPENAPI_READ'],
    ['a getter throwing a Proxy that throws on every question', () => ({ get boom () { throw new Proxy({}, { getPrototypeOf: throwing, get: throwing }) } }), 'RC_ERR_OPENAPI_READ|RC_ERR_OPENAPI_VALUE'],
    ['a getter throwing undefined', () => ({ get boom () { throw undefined } }), 'RC_ERR_OPENAPI_READ|RC_ERR_OPENAPI_VALUE'],
    ['a toJSON that returns a BigInt', () => ({ toJSON: () => 1n }), 'RC_ERR_OPENAPI_VALUE'],
    ['a toJSON that returns a fresh toJSON forever', () => { const make = (): unknown => ({ toJSON: make }); return make() }, 'RC_ERR_OPENAPI_DEPTH'],
    ['a Proxy whose every trap throws', () => new Proxy({}, { get: throwing, ownKeys: throwing, has: throwing, getPrototypeOf: throwing, getOwnPropertyDescriptor: throwing }), 'RC_ERR_OPENAPI_READ|RC_ERR_OPENAPI_VALUE'],
    ['a revoked Proxy', () => revoked.proxy, 'RC_ERR_OPENAPI_READ|RC_ERR_OPENAPI_VALUE'],
    ['a Proxy answering a fresh object at every read', () => { const p: object = new Proxy({}, { get: () => ({ x: p }), ownKeys: () => ['x'], getOwnPropertyDescriptor: () => ({ value: 1, enumerable: true, configurable: true }) }); return p }, 'RC_ERR_OPENAPI_DEPTH|RC_ERR_OPENAPI_VALUE|RC_ERR_OPENAPI_CYCLE'],
  ]
}

t.test('every value JSON cannot carry, at every declaration site: a RoutecraftError with its code, when declared', async t => {
  for (const [site, declare] of Object.entries(SITES)) {
    for (const [name, make, codes] of hostile()) {
      let thrown: unknown
      try { declare(make()) } catch (err) { thrown = err }
      t.ok(thrown instanceof RoutecraftError, `${site}, ${name}: a RoutecraftError (got ${String((thrown as Error | undefined)?.message ?? thrown).slice(0, 120)})`)
      t.match((thrown as RoutecraftError).code, new RegExp(`^(${codes})$`), `${site}, ${name}: ${codes}`)
      t.notMatch((thrown as Error).message, /secret/, `${site}, ${name}: nothing thrown by the value is echoed`)
    }
  }
})

/** Registers `plugins` with openapi() and answers `/openapi.json` (parsed) and `/docs/json`. */
async function documentOf (t: Test, plugins: unknown[], options: OpenApiOptions = {}): Promise<Record<string, any>> {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(openapi(options))
  for (const plugin of plugins) await app.register(plugin as never)
  await app.ready()
  const res = await app.inject('/openapi.json')
  t.equal(res.statusCode, 200, 'the document is served')
  const docs = await app.inject('/docs/json')
  t.equal(docs.statusCode, 200, 'so is the one the docs read')
  return res.json()
}

/** Every local `$ref` of `doc` resolves to an own property. */
function danglingRefs (doc: unknown): string[] {
  const out: string[] = []
  const resolve = (ref: string): boolean => {
    let node: unknown = doc
    for (const part of ref.slice(2).split('/')) {
      if (typeof node !== 'object' || node === null || !Object.hasOwn(node, part)) return false
      node = (node as Record<string, unknown>)[part]
    }
    return true
  }
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) { node.forEach(walk); return }
    if (typeof node !== 'object' || node === null) return
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string' && value.startsWith('#/') && !resolve(value)) out.push(value)
      else walk(value)
    }
  }
  walk(doc)
  return out
}

t.test('the caps: depth and size right at the cap are documented, one more is refused', async t => {
  const at = nest(255)
  const doc = await documentOf(t, [route({ method: 'GET', url: '/deep', openapiExtra: { 'x-deep': at }, handler: () => null })])
  t.same(doc.paths['/deep'].get['x-deep'], at, '256 levels (the object holding it included) go through')
  t.throws(() => route({ method: 'GET', url: '/deep', openapiExtra: { 'x-deep': nest(256) }, handler: () => null }), { code: 'RC_ERR_OPENAPI_DEPTH' })
  const big = Array.from({ length: 99_998 }, (_, i) => i)
  const doc2 = await documentOf(t, [route({ method: 'GET', url: '/big', openapiExtra: { 'x-big': big }, handler: () => null })])
  t.equal(doc2.paths['/big'].get['x-big'].length, 99_998, '100,000 values (the two objects included) go through')
  t.throws(() => route({ method: 'GET', url: '/big', openapiExtra: { 'x-big': [...big, 1] }, handler: () => null }), { code: 'RC_ERR_OPENAPI_SIZE' })
  t.doesNotThrow(() => route({ method: 'POST', url: '/big', body: Type.Unsafe({ enum: [...big, 1] }), handler: () => null }), 'a schema of 100,000 values')
  t.throws(() => route({ method: 'POST', url: '/big', body: Type.Unsafe({ enum: [...big, 1, 2] }), handler: () => null }), { code: 'RC_ERR_OPENAPI_SIZE' }, 'schemas have the same caps')
})

t.test('legitimate odd values are documented as JSON writes them', async t => {
  const when = new Date(0)
  const doc = await documentOf(t, [
    route({
      method: 'GET',
      url: '/odd',
      openapiExtra: { 'x-when': when, 'x-skip': undefined, 'x-list': [1, undefined, -0], 'x-map': new Map([[1, 2]]), 'x-shared': [{ a: 1 }, { a: 1 }] },
      responses: { 404: { description: 'Gone', content: { 'text/plain': { example: when } } } },
      handler: () => null,
    }),
  ])
  const op = doc.paths['/odd'].get
  t.equal(op['x-when'], '1970-01-01T00:00:00.000Z', 'toJSON applied once, when declared')
  t.notOk('x-skip' in op, 'an undefined property is left out')
  t.same(op['x-list'], [1, null, 0], 'undefined in an array is null, as JSON writes it')
  t.same(op['x-map'], {}, 'a Map has no JSON properties')
  t.equal(op.responses['404'].content['text/plain'].example, '1970-01-01T00:00:00.000Z')
})

t.test('prototype safety: __proto__, constructor and prototype keys, and schema $ids named like Object members', async t => {
  const extra = JSON.parse('{"__proto__": {"polluted": true}, "constructor": {"prototype": {"polluted": true}}, "x-a": 1, "responses": {"200": {"__proto__": {"polluted": true}, "x-b": 2}}}')
  const info = JSON.parse('{"title": "t", "version": "1", "__proto__": {"polluted": true}}')
  const ids = ['__proto__', 'constructor', 'prototype', 'hasOwnProperty', 'toString', 'valueOf']
  const plugins: unknown[] = ids.map((id, i) => route({ method: 'POST', url: `/m${i}`, body: Type.Object({ a: Type.String() }, { $id: id }), response: Type.Ref(id), openapiExtra: extra, handler: ({ body }) => body as never }))
  plugins.push(route({ method: 'GET', url: '/list', response: Type.Array(Type.Ref('__proto__')), handler: () => [] }))
  const doc = await documentOf(t, plugins, { info })
  t.equal(({} as Record<string, unknown>).polluted, undefined, 'Object.prototype untouched')
  for (const id of ids) {
    t.ok(Object.hasOwn(doc.components.schemas, id), `components.schemas has "${id}" as its own key`)
    t.equal(doc.components.schemas[id].title, id)
  }
  t.same(danglingRefs(doc), [], 'every $ref of the document resolves')
  t.equal(doc.paths['/m0'].post['x-a'], 1)
  t.notOk(Object.hasOwn(doc.paths['/m0'].post, 'constructor'), 'the merge skips constructor keys of extra')
  t.equal(doc.paths['/m0'].post.responses['200']['x-b'], 2)
  t.notOk(Object.hasOwn(doc.info, '__proto__'), 'no __proto__ key reaches the head')
  t.equal(Object.getPrototypeOf(doc.paths['/m0'].post.responses['200']), Object.prototype)
})

t.test('declared values are snapshots: later changes to the app\'s objects change nothing', async t => {
  const extra: Record<string, any> = { 'x-a': { n: 1 }, tags: ['one'] }
  const responses: Record<string, any> = { 404: { description: 'Missing', content: { 'text/plain': { example: 'a' } } } }
  const info = { title: 'Before', version: '1' }
  const servers = [{ url: '/before' }]
  const scheme: any = { type: 'http', scheme: 'bearer', 'x-a': 1 }
  const guard = securityScheme({ schemeName: 'S', scheme, resolve: () => 1 })
  const plugins = [
    route({ method: 'GET', url: '/a', openapiExtra: extra, responses, deps: { guard }, handler: () => null }),
    webhook({ name: 'evt', openapiExtra: extra }),
  ]
  const options = { info, servers }
  const plugin = openapi(options)
  extra['x-a'].n = 2
  extra.tags.push('two')
  extra.cycle = extra
  responses[404].content['text/plain'].example = 10n
  responses[404].description = { not: 'a string' }
  info.title = 'After'
  servers.push({ url: '/after' })
  scheme['x-a'] = 1n
  scheme.scheme = 'basic'
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(plugin)
  for (const p of plugins) await app.register(p as never)
  await app.ready()
  const res = await app.inject('/openapi.json')
  t.equal(res.statusCode, 200)
  const doc = res.json()
  t.same(doc.paths['/a'].get['x-a'], { n: 1 })
  t.same(doc.paths['/a'].get.tags, ['one'])
  t.same(doc.paths['/a'].get.responses['404'], { description: 'Missing', content: { 'text/plain': { example: 'a' } } })
  t.same(doc.webhooks.evt.post['x-a'], { n: 1 })
  t.equal(doc.info.title, 'Before')
  t.same(doc.servers, [{ url: '/before' }])
  t.same(doc.components.securitySchemes.S, { type: 'http', scheme: 'bearer', 'x-a': 1 })
})

t.test('any value: declared and documented as JSON, or refused with a document code (property)', async t => {
  const codes = /^RC_ERR_OPENAPI_(CYCLE|DEPTH|SIZE|VALUE|READ)$/
  const value = fc.anything({ withBigInt: true, withDate: true, withMap: true, withSet: true, withBoxedValues: true, withNullPrototype: true, withObjectString: true, withSparseArray: true, withTypedArray: true, maxDepth: 6 })
  await fc.assert(fc.asyncProperty(value, fc.constantFrom(...Object.keys(SITES)), async (v, site) => {
    let plugin: unknown
    try {
      plugin = (SITES[site] as Declare)(v)
    } catch (err) {
      if (err instanceof RoutecraftError && codes.test(err.code)) return
      // A value that is no valid option for the site (a body default the schema refuses is fine).
      if (err instanceof RoutecraftError && /^RC_ERR_(ROUTE_OPTION|WEBHOOK_OPTION|OPENAPI_OPTION|AUTH_OPTION)$/.test(err.code)) return
      throw err
    }
    const app = Fastify({ logger: false })
    try {
      if (site.startsWith('openapi()')) await app.register(plugin as never)
      else {
        await app.register(openapi())
        if (site === 'securityScheme() scheme') await app.register(route({ method: 'GET', url: '/s', deps: { s: plugin as never }, handler: () => null }))
        else if (site === 'dependency schema') await app.register(route({ method: 'GET', url: '/s', deps: { s: plugin as never }, handler: () => null }))
        else await app.register(plugin as never)
      }
      await app.ready()
      const res = await app.inject('/openapi.json')
      if (res.statusCode !== 200) throw new Error(`${site}: /openapi.json answered ${res.statusCode}: ${res.body.slice(0, 200)}`)
      JSON.parse(res.body)
    } finally {
      await app.close()
    }
  }), { numRuns: 300 })
  t.pass('300 values over every site')
})

t.test('the document endpoint: a failure outside routecraft\'s declarations is a clean 500, logged once, never echoed', async t => {
  const logs: string[] = []
  let builds = 0
  const app = Fastify({ logger: { level: 'error', stream: { write: (line: string) => { logs.push(line) } } } })
  t.teardown(() => app.close())
  await app.register(openapi({ swagger: { transformObject: () => { builds++; return { big: 1n } as never } } }))
  await app.register(route({ method: 'GET', url: '/a', handler: () => null }))
  await app.ready()
  for (let i = 0; i < 3; i++) {
    const res = await app.inject('/openapi.json')
    t.equal(res.statusCode, 500)
    t.equal(res.body, '{"detail":"Internal Server Error"}', 'FastAPI\'s 500, nothing from the error')
  }
  t.equal(builds, 1, 'a failed build is not redone on every request')
  t.equal(logs.filter(l => l.includes('could not be built')).length, 3, 'each failed answer is logged')
})

t.test('schemas are checked in place: getters and setters are refused, Proxies read through, shared schemas are fine', async t => {
  const withGetter = Object.defineProperty(Type.Object({ a: Type.String() }), 'description', { get: () => 'x', enumerable: true })
  t.throws(() => route({ method: 'POST', url: '/g', body: withGetter, handler: () => null }), { code: 'RC_ERR_OPENAPI_VALUE' })
  const withSetter = Object.defineProperty(Type.Object({ a: Type.String() }), 'title', { set: () => {}, enumerable: true })
  t.throws(() => route({ method: 'POST', url: '/s', body: withSetter, handler: () => null }), { code: 'RC_ERR_OPENAPI_VALUE' })
  const throwing = (): never => { throw new Error('secret') }
  const proxied = Type.Object({ a: new Proxy(Type.String(), { ownKeys: throwing }) as TSchema })
  t.throws(() => route({ method: 'POST', url: '/p', body: proxied, handler: () => null }), { code: 'RC_ERR_OPENAPI_READ' })
  const revoked = Proxy.revocable(Type.String(), {})
  revoked.revoke()
  const withRevoked = Type.Object({ a: Type.String() })
  ;(withRevoked.properties as Record<string, unknown>).a = revoked.proxy
  t.throws(() => route({ method: 'POST', url: '/p', body: withRevoked, handler: () => null }), { code: 'RC_ERR_OPENAPI_READ' })
  t.doesNotThrow(() => route({ method: 'POST', url: '/p', body: Type.Object({ a: new Proxy(Type.String(), {}) as TSchema }), handler: () => null }), 'a Proxy that answers is read like the object it wraps')
  const Shared = Type.Object({ a: Type.String() }, { $id: 'SharedTwice' })
  const doc = await documentOf(t, [route({ method: 'POST', url: '/s', body: Type.Object({ one: Shared, two: Shared }), response: Shared, handler: () => ({ a: 'x' }) })])
  t.same(danglingRefs(doc), [])
  t.ok(doc.components.schemas.SharedTwice)
})

/**
 * Start-up: `node startup.js <variant> <routes> [--shared] [--cold <n>]` builds an app with that
 * many extra routes (half `GET /r<i>/items/:item_id` with a params schema and a response model,
 * half `POST /r<i>/items` with a body schema and a response model), listens on 127.0.0.1 and
 * prints one JSON line.
 *
 * Variants: `routecraft` (with `openapi()`), `routecraft-bare` (without), `raw` (Fastify +
 * @fastify/swagger + @fastify/swagger-ui + a cached `/openapi.json`), `raw-bare` (Fastify, the
 * same schemas, no swagger), `raw-noschema` (Fastify, the same routes without any schema:
 * Fastify's own cost of registering a route, the floor) and `raw-plugins` (the same schema-less
 * routes, each registered as a plugin of its own with `await app.register(…)`, as routecraft's
 * routes are: the floor of that way of registering, Fastify's plugin loading included).
 *
 * Every route gets schema objects of its own (as distinct declarations have): Ajv caches
 * compiled schemas by object, so one shared object hides most of the compile cost. `--shared`
 * gives every route the same objects instead (the second row of the report).
 *
 * Without `--cold`, after listening it measures over a real socket (one keep-alive
 * connection): the first request of the process (a GET to a route nobody has hit), a GET to
 * another cold route, the same route again (warm), a POST to a cold route, and the first
 * `/openapi.json` where there is one. With `--cold <n>` it only sends n GETs to n distinct cold
 * routes and exits (for instruction counts: the difference to `--cold 0`, divided by n, is
 * what one first request to a cold route costs).
 *
 * The JSON line: `importMs` (process start → the app's first line: node and modules),
 * `readyMs` (first line → listening), `listenAt` (epoch ms when listening, so that the runner
 * can take spawn → listening), `rss` (bytes, right after listening), `cpuMs` (CPU time of the
 * process up to listening: user + system, less at the mercy of other load than wall time), then the request
 * latencies in ms and the document's size.
 */
import { performance } from 'node:perf_hooks'
import { Agent, request as httpRequest } from 'node:http'
import Fastify, { type FastifyInstance } from 'fastify'
import { Type, type TSchema } from '@sinclair/typebox'

type Variant = 'routecraft' | 'routecraft-bare' | 'raw' | 'raw-bare' | 'raw-noschema' | 'raw-plugins'
const VARIANTS = new Set<string>(['routecraft', 'routecraft-bare', 'raw', 'raw-bare', 'raw-noschema', 'raw-plugins'])

const variant = process.argv[2] as Variant
const count = Number(process.argv[3])
const shared = process.argv.includes('--shared')
const coldAt = process.argv.indexOf('--cold')
const cold = coldAt === -1 ? undefined : Number(process.argv[coldAt + 1])
if (!VARIANTS.has(variant) || !Number.isInteger(count) || count < 2 || (cold !== undefined && !(Number.isInteger(cold) && cold >= 0 && cold <= count / 2))) {
  console.error('usage: startup.js routecraft|routecraft-bare|raw|raw-bare|raw-noschema|raw-plugins <routes> [--shared] [--cold <n>]')
  process.exit(2)
}

// The schemas of bench/servers/common.ts, built anew for every route unless --shared.
const itemParams = (): TSchema => Type.Object({ item_id: Type.Integer({ minimum: 1 }) })
const item = (): TSchema => Type.Object({
  id: Type.Integer(), name: Type.String(), description: Type.Optional(Type.String()), price: Type.Number(), tags: Type.Array(Type.String()),
})
const itemIn = (): TSchema => Type.Object({
  name: Type.String({ minLength: 1, maxLength: 100 }), description: Type.Optional(Type.String()), price: Type.Number({ exclusiveMinimum: 0 }), tags: Type.Array(Type.String()),
})
const STORED = { id: 42, name: 'Foo', description: 'A very nice Item', price: 35.4, tags: ['a', 'b'], internal_note: 'never sent' }
const one = { params: itemParams(), item: item(), itemIn: itemIn() }
const schemas = (): typeof one => shared ? one : { params: itemParams(), item: item(), itemIn: itemIn() }

async function routecraftApp (withOpenapi: boolean): Promise<FastifyInstance> {
  const { openapi, route } = await import('../../src/index.js')
  const app = Fastify({ logger: false })
  if (withOpenapi) await app.register(openapi({ info: { title: 'startup', version: '1.0.0' } }))
  for (let i = 0; i < count / 2; i++) {
    const s = schemas()
    await app.register(route({
      method: 'GET', url: `/r${i}/items/{item_id}`, params: s.params, response: s.item,
      handler: function read_item ({ params }) { return { ...STORED, id: (params as { item_id: number }).item_id } },
    }))
    await app.register(route({
      method: 'POST', url: `/r${i}/items`, body: s.itemIn, response: s.item, status: 201,
      handler: function create_item ({ body }) { return { ...(body as object), id: 1 } },
    }))
  }
  return app
}

/** A plugin that adds one route to the scope it is registered in (no context of its own). */
function inScope (add: (fastify: FastifyInstance) => void): (fastify: FastifyInstance) => Promise<void> {
  const plugin = async (fastify: FastifyInstance): Promise<void> => { add(fastify) }
  Object.defineProperty(plugin, Symbol.for('skip-override'), { value: true })
  return plugin
}

/** Fastify, schema-less routes, each registered as a plugin of its own (routecraft's way). */
async function pluginPerRouteApp (): Promise<FastifyInstance> {
  const app = Fastify({ logger: false })
  for (let i = 0; i < count / 2; i++) {
    schemas()
    await app.register(inScope(fastify => fastify.get(`/r${i}/items/:item_id`, async function read_item (request) {
      return { ...STORED, id: Number((request.params as { item_id: string }).item_id) }
    })))
    await app.register(inScope(fastify => fastify.post(`/r${i}/items`, async function create_item (request, reply) {
      reply.code(201)
      return { ...(request.body as object), id: 1 }
    })))
  }
  return app
}

async function rawApp (withSwagger: boolean, withSchemas: boolean): Promise<FastifyInstance> {
  const app = Fastify({ logger: false })
  if (withSwagger) {
    const [{ default: swagger }, { default: swaggerUi }] = await Promise.all([import('@fastify/swagger'), import('@fastify/swagger-ui')])
    await app.register(swagger, { openapi: { openapi: '3.1.0', info: { title: 'startup', version: '1.0.0' } } })
    await app.register(swaggerUi, { routePrefix: '/docs' })
    let doc: string | undefined
    app.get('/openapi.json', { schema: { hide: true } }, async (_request, reply) => {
      doc ??= JSON.stringify(app.swagger())
      return reply.header('content-type', 'application/json').send(doc)
    })
  }
  for (let i = 0; i < count / 2; i++) {
    const s = schemas()
    app.get(`/r${i}/items/:item_id`, withSchemas ? { schema: { params: s.params, response: { 200: s.item } } } : {}, async function read_item (request) {
      return { ...STORED, id: Number((request.params as { item_id: string }).item_id) }
    })
    app.post(`/r${i}/items`, withSchemas ? { schema: { body: s.itemIn, response: { 201: s.item } } } : {}, async function create_item (request, reply) {
      reply.code(201)
      return { ...(request.body as object), id: 1 }
    })
  }
  return app
}

const t0 = performance.now()
const app = variant === 'routecraft' || variant === 'routecraft-bare'
  ? await routecraftApp(variant === 'routecraft')
  : variant === 'raw-plugins' ? await pluginPerRouteApp() : await rawApp(variant === 'raw', variant !== 'raw-noschema')
await app.listen({ host: '127.0.0.1', port: 0 })
const t1 = performance.now()
const rss = process.memoryUsage().rss
const cpu = process.cpuUsage()
const address = app.server.address()
const port = typeof address === 'object' && address !== null ? address.port : 0

const agent = new Agent({ keepAlive: true, maxSockets: 1 })
/** One request over the keep-alive connection: status, body and ms from sending to the end. */
function send (method: 'GET' | 'POST', path: string, body?: string): Promise<{ status: number; body: string; ms: number }> {
  return new Promise((resolve, reject) => {
    const start = performance.now()
    const req = httpRequest({ host: '127.0.0.1', port, method, path, agent, headers: body === undefined ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, res => {
      let text = ''
      res.setEncoding('utf8').on('data', (d: string) => { text += d }).on('end', () => {
        resolve({ status: res.statusCode ?? 0, body: text, ms: performance.now() - start })
      })
    })
    req.on('error', reject)
    req.end(body)
  })
}
function expect (what: string, r: { status: number; body: string }, status: number): void {
  if (r.status === status) return
  console.error(`startup ${variant}: ${what} answered ${r.status}: ${r.body.slice(0, 500)}`)
  process.exit(1)
}

const half = count / 2
const out: Record<string, number> = { importMs: t0, readyMs: t1 - t0, listenAt: performance.timeOrigin + t1, rss, cpuMs: (cpu.user + cpu.system) / 1000 }
if (cold !== undefined) {
  // n distinct routes, each hit once, spread over the app.
  for (let k = 0; k < cold; k++) {
    const i = Math.floor((k * half) / Math.max(cold, 1))
    expect('a cold GET', await send('GET', `/r${i}/items/7`), 200)
  }
} else {
  const a = Math.floor(half / 4)
  const b = Math.floor(half / 2)
  const POST_BODY = JSON.stringify({ name: 'Foo', price: 35.4, tags: ['a'] })
  const first = await send('GET', `/r${a}/items/7`)
  expect('the first GET', first, 200)
  const coldGet = await send('GET', `/r${b}/items/8`)
  expect('a cold GET', coldGet, 200)
  const warmGet = await send('GET', `/r${b}/items/9`)
  expect('a warm GET', warmGet, 200)
  const coldPost = await send('POST', `/r${b}/items`, POST_BODY)
  expect('a cold POST', coldPost, 201)
  Object.assign(out, { firstMs: first.ms, coldGetMs: coldGet.ms, warmGetMs: warmGet.ms, coldPostMs: coldPost.ms })
  if (variant === 'routecraft' || variant === 'raw') {
    const doc = await send('GET', '/openapi.json')
    expect('/openapi.json', doc, 200)
    const paths = Object.keys((JSON.parse(doc.body) as { paths?: object }).paths ?? {}).length
    if (paths !== count) {
      console.error(`startup ${variant}: the document has ${paths} paths, not ${count}`)
      process.exit(1)
    }
    Object.assign(out, { docMs: doc.ms, docBytes: doc.body.length })
  }
}
process.stdout.write(`${JSON.stringify(out)}\n`)
agent.destroy()
await app.close()

/**
 * Start-up: `node startup.js routecraft|raw <routes>` builds an app with that many routes
 * (half GET with a path parameter and a response model, half POST with a validated body and a
 * response model, the same schemas on both sides), waits for `ready()`, fetches the first
 * `/openapi.json` (with `inject`, no socket) and prints one JSON line:
 * `{ "importMs", "readyMs", "totalMs", "docBytes", "paths" }` — `importMs` from process start
 * to the app's first line (node + modules), `readyMs`/`totalMs` from there to `ready()` and
 * to the document.
 */
import { performance } from 'node:perf_hooks'
import Fastify, { type FastifyInstance } from 'fastify'
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import { openapi, route } from '../../src/index.js'
import { Item, ItemIn, ItemParams, STORED } from './common.js'

const side = process.argv[2]
const count = Number(process.argv[3])
if ((side !== 'routecraft' && side !== 'raw') || !Number.isInteger(count) || count < 2) {
  console.error('usage: startup.js routecraft|raw <routes>')
  process.exit(2)
}

async function routecraftApp (): Promise<FastifyInstance> {
  const app = Fastify({ logger: false })
  await app.register(openapi({ info: { title: 'startup', version: '1.0.0' } }))
  for (let i = 0; i < count / 2; i++) {
    await app.register(route({
      method: 'GET', url: `/r${i}/items/{item_id}`, params: ItemParams, response: Item,
      handler: function read_item ({ params }) { return { ...STORED, id: params.item_id } },
    }))
    await app.register(route({
      method: 'POST', url: `/r${i}/items`, body: ItemIn, response: Item, status: 201,
      handler: function create_item ({ body }) { return { ...body, id: 1 } },
    }))
  }
  return app
}

async function rawApp (): Promise<FastifyInstance> {
  const app = Fastify({ logger: false })
  await app.register(swagger, { openapi: { openapi: '3.1.0', info: { title: 'startup', version: '1.0.0' } } })
  await app.register(swaggerUi, { routePrefix: '/docs' })
  let doc: string | undefined
  app.get('/openapi.json', { schema: { hide: true } }, async (_request, reply) => {
    doc ??= JSON.stringify(app.swagger())
    return reply.header('content-type', 'application/json').send(doc)
  })
  for (let i = 0; i < count / 2; i++) {
    app.get(`/r${i}/items/:item_id`, { schema: { params: ItemParams, response: { 200: Item } } }, async function read_item (request) {
      return { ...STORED, id: (request.params as { item_id: number }).item_id }
    })
    app.post(`/r${i}/items`, { schema: { body: ItemIn, response: { 201: Item } } }, async function create_item (request, reply) {
      reply.code(201)
      return { ...(request.body as object), id: 1 }
    })
  }
  return app
}

const t0 = performance.now()
const app = side === 'routecraft' ? await routecraftApp() : await rawApp()
await app.ready()
const t1 = performance.now()
const res = await app.inject({ method: 'GET', url: '/openapi.json' })
const t2 = performance.now()
if (res.statusCode !== 200) {
  console.error(`startup: /openapi.json answered ${res.statusCode}: ${res.body.slice(0, 500)}`)
  process.exit(1)
}
const paths = Object.keys((JSON.parse(res.body) as { paths?: object }).paths ?? {}).length
process.stdout.write(`${JSON.stringify({ importMs: t0, readyMs: t1 - t0, totalMs: t2 - t0, docBytes: res.body.length, paths })}\n`)
await app.close()

/**
 * The hand-written Fastify side of every request scenario: what a careful Fastify 5 user
 * writes to do the same work as `routecraft.ts`, with the same TypeBox schemas given to
 * Fastify's `schema` option (Fastify validates and serializes), headers and cookies through
 * `reply`, an `onRequest` Basic check, a buffer content-type parser, FastAPI's 404 and 422
 * bodies, and @fastify/swagger + @fastify/swagger-ui for the document (served from a cached
 * string, as routecraft serves its own).
 */
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify'
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import { stringifySetCookie } from 'cookie'
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto'
import { CAT_DOG, COOKIE_NAME, COOKIE_VALUE, Item, ItemIn, ItemParams, Message, PASSWORD, Received, STORED, USER, Username, XML } from './common.js'

// ---------------------------------------------------------------------------------------------
// FastAPI's 422 body from Fastify's validation errors (the keywords the scenarios can hit)
// ---------------------------------------------------------------------------------------------

const PARTS: Record<string, [string, (r: FastifyRequest) => unknown]> = {
  body: ['body', r => r.body], params: ['path', r => r.params], querystring: ['query', r => r.query], headers: ['header', r => r.headers],
}

function at (value: unknown, pointer: string): { loc: Array<string | number>; value: unknown } {
  const loc: Array<string | number> = []
  let v = value
  for (const seg of pointer === '' ? [] : pointer.slice(1).split('/')) {
    const key = /^\d+$/.test(seg) ? Number(seg) : seg
    loc.push(key)
    v = (v as Record<string | number, unknown> | undefined)?.[key]
  }
  return { loc, value: v }
}

function errorHandler (error: FastifyError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  if (error.validation !== undefined) {
    const [part, pick] = PARTS[error.validationContext ?? 'body'] ?? ['body', (r: FastifyRequest) => r.body]
    const detail = error.validation.map(e => {
      const { loc, value } = at(pick(request), e.instancePath)
      if (e.keyword === 'required') return { type: 'missing', loc: [part, ...loc, String(e.params.missingProperty)], msg: 'Field required', input: value }
      if (e.keyword === 'type') return { type: `${String(e.params.type)}_type`, loc: [part, ...loc], msg: `Input should be a valid ${String(e.params.type)}`, input: value }
      return { type: 'value_error', loc: [part, ...loc], msg: `Value error, ${e.message ?? 'invalid'}`, input: value }
    })
    return reply.code(422).send({ detail })
  }
  const status = error.statusCode ?? 500
  return reply.code(status).send({ detail: status >= 500 ? 'Internal Server Error' : error.message })
}

// ---------------------------------------------------------------------------------------------
// A hand-written Basic check with the same rules as routecraft's (RFC 7617, strict base64 and
// UTF-8) and the same constant-time comparison (HMAC digests + timingSafeEqual)
// ---------------------------------------------------------------------------------------------

const key = randomBytes(32)
const digest = (s: string): Buffer => createHmac('sha256', key).update(s, 'utf16le').digest()
const same = (a: string, b: string): boolean => timingSafeEqual(digest(a), digest(b)) && a.length === b.length
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })
const CANONICAL = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/

declare module 'fastify' { interface FastifyRequest { username?: string } }

async function basicCheck (request: FastifyRequest, reply: FastifyReply): Promise<void> {
  const header = request.headers.authorization
  const space = header === undefined ? -1 : header.indexOf(' ')
  const scheme = header === undefined ? '' : space === -1 ? header : header.slice(0, space)
  const unauthorized = (detail: string): FastifyReply => reply.code(401).header('www-authenticate', 'Basic').send({ detail })
  if (header === undefined || header.length > 8192 || scheme.toLowerCase() !== 'basic') return void unauthorized('Not authenticated')
  const b64 = header.slice(space + 1).replace(/[^A-Za-z0-9+/=]/g, '')
  let decoded: string
  try {
    if (!CANONICAL.test(b64)) throw new Error('not base64')
    decoded = utf8.decode(Buffer.from(b64, 'base64'))
  } catch {
    return void unauthorized('Not authenticated')
  }
  const colon = decoded.indexOf(':')
  if (colon === -1) return void unauthorized('Not authenticated')
  const username = decoded.slice(0, colon)
  const userOk = same(username, USER)
  const passOk = same(decoded.slice(colon + 1), PASSWORD)
  if (!(userOk && passOk)) return void unauthorized('Incorrect username or password')
  request.username = username
}

// ---------------------------------------------------------------------------------------------
// The app
// ---------------------------------------------------------------------------------------------

const setCookie = (): string => stringifySetCookie({ name: COOKIE_NAME, value: COOKIE_VALUE, path: '/', sameSite: 'lax' })

export async function build (): Promise<FastifyInstance> {
  const app = Fastify({ logger: false, pluginTimeout: 0 })
  await app.register(swagger, { openapi: { openapi: '3.1.0', info: { title: 'bench', version: '1.0.0' } } })
  await app.register(swaggerUi, { routePrefix: '/docs' })
  app.setErrorHandler(errorHandler)
  app.setNotFoundHandler((_request, reply) => reply.code(404).send({ detail: 'Not Found' }))

  let doc: string | undefined
  app.get('/openapi.json', { schema: { hide: true } }, async (_request, reply) => {
    doc ??= JSON.stringify(app.swagger())
    return reply.header('content-type', 'application/json').send(doc)
  })

  app.get('/items/:item_id', { schema: { params: ItemParams, response: { 200: Item } } }, async function read_item (request) {
    return { ...STORED, id: (request.params as { item_id: number }).item_id }
  })
  app.post('/items', { schema: { body: ItemIn, response: { 201: Item } } }, async function create_item (request, reply) {
    reply.code(201)
    return { ...(request.body as object), id: 1, internal_note: 'never sent' }
  })
  app.get('/plain', { schema: { response: { 200: Message } } }, async function plain () {
    return { message: 'Hello World' }
  })
  app.get('/temporal', { schema: { response: { 200: Message } } }, async function temporal (_request, reply) {
    reply.header('X-Cat-Dog', CAT_DOG)
    reply.header('set-cookie', setCookie())
    return { message: 'Hello World' }
  })
  app.get('/direct', async function direct (_request, reply) {
    reply.header('X-Cat-Dog', CAT_DOG)
    reply.header('set-cookie', setCookie())
    return { message: 'Hello World' }
  })
  app.get('/nomodel', async function nomodel () {
    return { message: 'Hello World' }
  })
  app.get('/legacy', async function get_legacy_data (_request, reply) {
    reply.type('application/xml')
    return XML
  })
  app.get('/users/me', { onRequest: basicCheck, schema: { response: { 200: Username } } }, async function read_current_user (request) {
    return { username: request.username }
  })
  app.get('/users/open', { schema: { response: { 200: Username } } }, async function read_open_user () {
    return { username: USER }
  })
  await app.register(async function rawBody (scope) {
    scope.removeAllContentTypeParsers()
    scope.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => { done(null, body) })
    scope.post('/upload', { schema: { response: { 200: Received } } }, async function upload (request) {
      return { bytes: (request.body as Buffer).length, contentType: String(request.headers['content-type']) }
    })
  })
  return app
}

/**
 * The routecraft side of every request scenario, in one app (as a user would write it),
 * with `openapi()` registered so `/openapi.json`, `/docs` and FastAPI's 404 are served.
 */
import Fastify, { type FastifyInstance } from 'fastify'
import { basicAuth, dependency, HttpError, openapi, route, safeCompare, withResponse } from '../../src/index.js'
import { CAT_DOG, COOKIE_NAME, COOKIE_VALUE, Item, ItemIn, ItemParams, Message, PASSWORD, Received, STORED, USER, Username, XML } from './common.js'

export async function build (): Promise<FastifyInstance> {
  const app = Fastify({ logger: false, pluginTimeout: 0 })
  await app.register(openapi({ info: { title: 'bench', version: '1.0.0' } }))

  await app.register(route({
    method: 'GET', url: '/items/{item_id}', params: ItemParams, response: Item,
    handler: function read_item ({ params }) { return { ...STORED, id: params.item_id } },
  }))
  await app.register(route({
    method: 'POST', url: '/items', body: ItemIn, response: Item, status: 201,
    handler: function create_item ({ body }) { return { ...body, id: 1, internal_note: 'never sent' } },
  }))
  await app.register(route({
    method: 'GET', url: '/plain', response: Message,
    handler: function plain () { return { message: 'Hello World' } },
  }))
  await app.register(route({
    method: 'GET', url: '/temporal', response: Message,
    handler: function temporal ({ response }) {
      response.headers.set('X-Cat-Dog', CAT_DOG)
      response.setCookie(COOKIE_NAME, COOKIE_VALUE)
      return { message: 'Hello World' }
    },
  }))
  await app.register(route({
    method: 'GET', url: '/direct',
    handler: function direct () {
      return withResponse({ message: 'Hello World' }, { headers: { 'X-Cat-Dog': CAT_DOG }, cookies: { [COOKIE_NAME]: COOKIE_VALUE } })
    },
  }))
  await app.register(route({
    method: 'GET', url: '/nomodel',
    handler: function nomodel () { return { message: 'Hello World' } },
  }))
  await app.register(route({
    method: 'GET', url: '/legacy',
    handler: function get_legacy_data () { return withResponse(XML, { mediaType: 'application/xml' }) },
  }))

  const security = basicAuth()
  const currentUsername = dependency({
    deps: { credentials: security },
    resolve: function get_current_username ({ deps }) {
      const userOk = safeCompare(deps.credentials.username, USER)
      const passOk = safeCompare(deps.credentials.password, PASSWORD)
      if (!(userOk && passOk)) throw new HttpError(401, 'Incorrect username or password', { 'WWW-Authenticate': 'Basic' })
      return deps.credentials.username
    },
  })
  await app.register(route({
    method: 'GET', url: '/users/me', deps: { username: currentUsername }, response: Username,
    handler: function read_current_user ({ deps }) { return { username: deps.username } },
  }))
  await app.register(route({
    method: 'GET', url: '/users/open', response: Username,
    handler: function read_open_user () { return { username: USER } },
  }))

  await app.register(route({
    method: 'POST', url: '/upload', rawBody: true, response: Received,
    handler: function upload ({ body, headers }) { return { bytes: body.length, contentType: String(headers['content-type']) } },
  }))
  return app
}

/**
 * The showcase: a small shop that uses every routecraft feature together.
 *
 * - items with models: create / list / read / update / delete, validation, a response model
 *   that filters an internal field, a hidden internal route
 * - the temporal response (201 on create-or-update, a header, a cookie), a direct XML response
 * - Basic auth + a checking dependency on an admin area (the docs stay public)
 * - an API-key area for partners, a bearer-token area for customers, and a per-request unit of
 *   work (a dependency with teardown) that rolls the in-memory store back when a request fails
 * - webhooks `item-created` and `order-shipped`, documented and sent for real
 * - CORS exposing `X-Cat-Dog` so a browser can read it
 */
import Fastify, { type FastifyInstance } from 'fastify'
import cors from '@fastify/cors'
import { Type } from '@sinclair/typebox'
import {
  apiKeyAuth, basicAuth, bearerAuth, dependency, HttpError, openapi, route, safeCompare, verifyWebhook, webhook, WebhookVerificationError, withResponse,
} from '../src/index.js'
import { inProcess, throughRedis } from './scale.js'

/** The secret of the shop's webhooks (set WEBHOOK_SECRET in production). */
export const webhookSecret = process.env.WEBHOOK_SECRET ?? 'whsec_' + Buffer.from('routecraft showcase secret, change me').toString('base64')

// ---------------------------------------------------------------------------------------------
// Models
// ---------------------------------------------------------------------------------------------

export const Item = Type.Object({
  id: Type.String({ description: 'The item id' }),
  name: Type.String({ minLength: 1, maxLength: 100 }),
  description: Type.Optional(Type.String()),
  price: Type.Number({ exclusiveMinimum: 0 }),
  tax: Type.Optional(Type.Number({ minimum: 0 })),
  tags: Type.Array(Type.String(), { default: [] }),
}, { $id: 'Item' })

export const ItemIn = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 100 }),
  description: Type.Optional(Type.String()),
  price: Type.Number({ exclusiveMinimum: 0 }),
  tax: Type.Optional(Type.Number({ minimum: 0 })),
  tags: Type.Array(Type.String(), { default: [] }),
}, { $id: 'ItemIn' })

export const Order = Type.Object({
  order_id: Type.String(),
  item_ids: Type.Array(Type.String()),
  shipped_at: Type.String({ format: 'date-time' }),
}, { $id: 'Order' })

export const Message = Type.Object({ message: Type.String() }, { $id: 'Message' })
const NotFound = Type.Object({ detail: Type.String() }, { $id: 'NotFound' })

// ---------------------------------------------------------------------------------------------
// Webhooks (exported so that the shop's own code, and tests, can send them)
// ---------------------------------------------------------------------------------------------

export const itemCreated = webhook({
  name: 'item-created',
  body: Item,
  tags: ['webhooks'],
  description: `
    Sent when an item is created, to the URL registered for \`item-created\`.
    Signed per the Standard Webhooks spec (\`webhook-id\`, \`webhook-timestamp\`, \`webhook-signature\`).
    \f
    Internal: delivered in-process, or through the BullMQ queue when REDIS_URL is set.`,
})

export const orderShipped = webhook({
  name: 'order-shipped',
  body: Order,
  tags: ['webhooks'],
  description: 'Sent when an order leaves the warehouse.',
})

// ---------------------------------------------------------------------------------------------
// The app
// ---------------------------------------------------------------------------------------------

/** Options of the showcase (tests use them to observe webhooks). */
export interface ShowcaseOptions {
  /** Where `item-created` goes, with its secret (no sending when absent). */
  itemCreatedTarget?: { url: string; secret: string }
  /** Fastify's logger (off by default). */
  logger?: boolean
  /**
   * Scale out: webhooks go through a BullMQ queue on this Redis (delivered by `npm run worker`)
   * and the receiver's replay protection is shared through it. Without it, all in-process.
   */
  redisUrl?: string
}

/** Builds the showcase, registered and not listening. */
export async function build (options: ShowcaseOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({ logger: options.logger ?? false })
  const items = new Map<string, { id: string; name: string; description?: string; price: number; tax?: number; tags: string[]; internal_cost: number }>([
    ['portal-gun', { id: 'portal-gun', name: 'Portal Gun', price: 42, tags: ['gadget'], internal_cost: 3 }],
    ['plumbus', { id: 'plumbus', name: 'Plumbus', description: 'Everyone has one.', price: 9.99, tags: [], internal_cost: 1 }],
  ])
  let nextId = 1
  const delivery = options.redisUrl === undefined ? inProcess(app.log) : throughRedis(options.redisUrl, app.log)
  app.addHook('onClose', () => delivery.close())

  await app.register(cors, { origin: true, exposedHeaders: ['X-Cat-Dog'] })
  await app.register(openapi({
    info: { title: 'routecraft shop', version: '1.0.0', description: 'The routecraft showcase: a small shop.' },
    tags: [
      { name: 'items', description: 'The catalogue' },
      { name: 'admin', description: 'Behind Basic auth' },
      { name: 'partner', description: 'Behind an API key (X-API-Key)' },
      { name: 'account', description: 'Behind a bearer token' },
      { name: 'webhooks', description: 'Events the shop sends' },
    ],
  }))

  // Items --------------------------------------------------------------------------------------
  const ItemParams = Type.Object({ item_id: Type.String({ minLength: 1, maxLength: 64 }) })
  const ListQuery = Type.Object({
    skip: Type.Integer({ minimum: 0, default: 0 }),
    limit: Type.Integer({ minimum: 1, maximum: 100, default: 10 }),
    tag: Type.Optional(Type.String()),
  })

  await app.register(route({
    method: 'GET', url: '/items/', tags: ['items'], query: ListQuery, response: Type.Array(Item),
    handler: function list_items ({ query, response }) {
      const all = [...items.values()].filter(i => query.tag === undefined || i.tags.includes(query.tag))
      response.headers.set('X-Total-Count', all.length)
      return all.slice(query.skip, query.skip + query.limit)
    },
  }))

  await app.register(route({
    method: 'GET', url: '/items/{item_id}', tags: ['items'], params: ItemParams, response: Item,
    responses: { 404: { description: 'The item does not exist', schema: NotFound } },
    handler: function read_item ({ params }) {
      const item = items.get(params.item_id)
      if (item === undefined) throw new HttpError(404, 'Item not found')
      return item // internal_cost is filtered out by the response model
    },
  }))

  await app.register(route({
    method: 'POST', url: '/items/', tags: ['items'], body: ItemIn, response: Item, status: 201,
    summary: 'Create an item',
    description: `
      Create an item with all the information:

      - **name**: each item must have a name
      - **price**: required, above zero
      - **tags**: a set of unique tag strings for this item
      \f
      :param body: the item, validated against ItemIn.`,
    handler: async function create_item ({ body, response }) {
      const id = `item-${nextId++}`
      const item = { id, ...body, internal_cost: 0 }
      items.set(id, item)
      response.headers.set('Location', `/items/${id}`)
      if (options.itemCreatedTarget !== undefined) {
        const { url, secret } = options.itemCreatedTarget
        // Fire and forget: the outcome is logged (send() and dispatch() never reject).
        delivery.send(itemCreated, url, item, secret)
      }
      return item
    },
  }))

  await app.register(route({
    method: 'PUT', url: '/items/{item_id}', tags: ['items'], params: ItemParams, body: ItemIn, response: Item,
    description: 'Create or replace an item: 200 when it existed, 201 when it is new.',
    handler: function upsert_item ({ params, body, response }) {
      if (!items.has(params.item_id)) response.status = 201
      const item = { id: params.item_id, ...body, internal_cost: 0 }
      items.set(params.item_id, item)
      return item
    },
  }))

  await app.register(route({
    method: 'DELETE', url: '/items/{item_id}', tags: ['items'], params: ItemParams, status: 204,
    handler: function delete_item ({ params }) {
      if (!items.delete(params.item_id)) throw new HttpError(404, 'Item not found')
      return null
    },
  }))

  // Responses: headers, cookies, direct responses ----------------------------------------------
  await app.register(route({
    method: 'GET', url: '/headers-and-object/', response: Message,
    responses: { 200: { description: 'A greeting', headers: { 'X-Cat-Dog': { description: 'Where the cat-dog is', schema: Type.String() } } } },
    handler: function get_headers ({ response }) {
      response.headers.set('X-Cat-Dog', 'alone in the world')
      return { message: 'Hello World' }
    },
  }))

  await app.register(route({
    method: 'POST', url: '/cookie-and-object/', response: Message,
    handler: function create_cookie ({ response }) {
      response.setCookie('fakesession', 'fake-cookie-session-value')
      return { message: 'Come to the dark side, we have cookies' }
    },
  }))

  await app.register(route({
    method: 'GET', url: '/legacy/',
    responses: { 200: { description: 'Shampoo instructions', content: { 'application/xml': {} } } },
    handler: function get_legacy_data () {
      const data = `<?xml version="1.0"?>
<shampoo>
  <Header>Apply shampoo here.</Header>
  <Body>You'll have to use soap here.</Body>
</shampoo>
`
      return withResponse(data, { mediaType: 'application/xml' })
    },
  }))

  // A hidden internal route: served, absent from the document.
  await app.register(route({
    method: 'GET', url: '/internal/health', includeInSchema: false,
    handler: function health () { return { status: 'ok', items: items.size } },
  }))

  // Receiving item-created (the shop subscribes to its own event, as a demo) -----------------------
  const received: string[] = []
  await app.register(route({
    method: 'POST', url: '/hooks/item-created', rawBody: true, includeInSchema: false,
    handler: async function receive_item_created ({ body, request }) {
      try {
        const item = await verifyWebhook(itemCreated, body, request.headers, webhookSecret, { replayStore: delivery.replayStore })
        received.push(item.id)
        return { received: true }
      } catch (err) {
        if (!(err instanceof WebhookVerificationError)) throw err
        if (err.reason === 'replay') return { received: true, replay: true }
        throw new HttpError(err.reason === 'invalid-payload' ? 422 : err.reason === 'invalid-json' ? 400 : 401, err.reason)
      }
    },
  }))
  await app.register(route({
    method: 'GET', url: '/internal/webhooks', includeInSchema: false,
    handler: function received_webhooks () { return { mode: delivery.mode, received: received.length, last: received.slice(-10) } },
  }))

  // Admin: Basic auth + a checking dependency ---------------------------------------------------
  const security = basicAuth({ realm: 'shop admin' })
  const currentAdmin = dependency({
    deps: { credentials: security },
    resolve: function current_admin ({ deps }) {
      const userOk = safeCompare(deps.credentials.username, 'stanleyjobson')
      const passOk = safeCompare(deps.credentials.password, 'swordfish')
      if (!(userOk && passOk)) {
        throw new HttpError(401, 'Incorrect username or password', { 'WWW-Authenticate': 'Basic realm="shop admin"' })
      }
      return deps.credentials.username
    },
  })

  await app.register(async function admin (scope) {
    await scope.register(route({
      method: 'GET', url: '/me', tags: ['admin'], deps: { username: currentAdmin },
      handler: function read_admin ({ deps }) { return { username: deps.username } },
    }))
    await scope.register(route({
      method: 'POST', url: '/orders/{order_id}/ship', tags: ['admin'], deps: { username: currentAdmin },
      params: Type.Object({ order_id: Type.String({ minLength: 1 }) }),
      body: Type.Object({ item_ids: Type.Array(Type.String(), { minItems: 1 }) }),
      response: Order,
      handler: function ship_order ({ params, body }) {
        return { order_id: params.order_id, item_ids: body.item_ids, shipped_at: new Date().toISOString() }
      },
    }))
  }, { prefix: '/admin' })

  await registerAccountAreas(app, items)
  await app.register(itemCreated)
  await app.register(orderShipped)
  return app
}

// ---------------------------------------------------------------------------------------------
// Partners (API key) and customers (bearer token, unit of work)
// ---------------------------------------------------------------------------------------------

/** The demo credentials (a real shop would look them up). */
export const PARTNER_KEY = 'partner-key-123'
export const CUSTOMER_TOKENS: Readonly<Record<string, string>> = { 'demo-token': 'rick' }

const Stock = Type.Object({ id: Type.String(), name: Type.String(), internal_cost: Type.Number() }, { $id: 'Stock' })
const Wishlist = Type.Object({ user: Type.String(), item_ids: Type.Array(Type.String()) }, { $id: 'Wishlist' })

async function registerAccountAreas (app: FastifyInstance, items: ReadonlyMap<string, { id: string; name: string; internal_cost: number }>): Promise<void> {
  const wishlists = new Map<string, string[]>()

  // Partners see the stock with its internal cost, behind an API key.
  const partnerKey = apiKeyAuth({ in: 'header', name: 'X-API-Key', description: 'The key your account manager gave you' })
  const partner = dependency({
    deps: { key: partnerKey },
    resolve: function current_partner ({ deps }) {
      if (!safeCompare(deps.key, PARTNER_KEY)) throw new HttpError(401, 'Invalid API key', { 'WWW-Authenticate': 'APIKey' })
      return 'acme'
    },
  })
  await app.register(route({
    method: 'GET', url: '/partner/stock', tags: ['partner'], deps: { partner }, response: Type.Array(Stock),
    handler: function read_stock () { return [...items.values()] },
  }))

  // Customers: a bearer token names the user.
  const token = bearerAuth({ description: 'Try `demo-token`' })
  const customer = dependency({
    deps: { token },
    resolve: function current_customer ({ deps }) {
      const user = Object.hasOwn(CUSTOMER_TOKENS, deps.token.credentials) ? CUSTOMER_TOKENS[deps.token.credentials] : undefined
      if (user === undefined) throw new HttpError(401, 'Invalid token', { 'WWW-Authenticate': 'Bearer' })
      return user
    },
  })

  // A per-request unit of work on the in-memory store: writes apply at once and are undone,
  // in reverse order, when the request fails (the error reaches the generator at its yield).
  const unitOfWork = dependency({
    resolve: async function * unit_of_work () {
      const undo: Array<() => void> = []
      const uow = {
        addToWishlist (user: string, itemId: string): void {
          const before = wishlists.get(user)
          undo.push(() => { if (before === undefined) wishlists.delete(user); else wishlists.set(user, before) })
          wishlists.set(user, [...(before ?? []), itemId])
        },
      }
      try {
        yield uow
      } catch (err) {
        for (const step of undo.reverse()) step()
        app.log.info({ undone: undo.length }, 'unit of work rolled back')
        throw err
      }
    },
  })

  await app.register(route({
    method: 'GET', url: '/account/me', tags: ['account'], deps: { user: customer },
    handler: function read_account ({ deps }) { return { user: deps.user } },
  }))
  await app.register(route({
    method: 'GET', url: '/account/wishlist', tags: ['account'], deps: { user: customer }, response: Wishlist,
    handler: function read_wishlist ({ deps }) { return { user: deps.user, item_ids: wishlists.get(deps.user) ?? [] } },
  }))
  await app.register(route({
    method: 'POST', url: '/account/wishlist', tags: ['account'], deps: { user: customer, uow: unitOfWork }, response: Wishlist,
    body: Type.Object({ item_ids: Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { minItems: 1, maxItems: 50 }) }),
    responses: { 404: { description: 'An item does not exist; nothing was added', schema: Type.Object({ detail: Type.String() }) } },
    description: 'Adds every item, or none: an unknown item undoes the ones already added.',
    handler: function add_to_wishlist ({ deps, body }) {
      for (const id of body.item_ids) {
        if (!items.has(id)) throw new HttpError(404, `Item not found: ${id}`)
        deps.uow.addToWishlist(deps.user, id)
      }
      return { user: deps.user, item_ids: wishlists.get(deps.user) ?? [] }
    },
  }))
}

// Type tests: checked by `npx tsc -p tsconfig.json --noEmit`, never run (no `.test.` in the
// name). Each `// @ts-expect-error` must be an error today — tsc fails on an unused one — so
// every such line proves that the types refuse something.
import { Type, type Static } from '@sinclair/typebox'
import { basicAuth, dependency, route, webhook, withResponse, model, nullable, withDefault } from '../../src/index.js'
import type { BasicCredentials } from '../../src/index.js'

/** Compile-time equality: `Equal<A, B>` is `true` only when A and B are the same type. */
type Equal<A, B> = (<X>() => X extends A ? 1 : 2) extends (<X>() => X extends B ? 1 : 2) ? true : false
function expectType<T extends true> (_proof?: T): void {}

const Item = Type.Object({ name: Type.String(), price: Type.Number(), tax: Type.Optional(Type.Number()) }, { $id: 'Item' })

export function typeTests (): void {
  // ---------------------------------------------------------------------------------------------
  // Request parts
  // ---------------------------------------------------------------------------------------------
  route({
    method: 'PUT',
    url: '/items/{item_id}',
    params: Type.Object({ item_id: Type.String() }),
    query: Type.Object({ q: Type.Optional(Type.String()), limit: Type.Integer() }),
    body: Type.Object({ price: Type.Number() }),
    handler: ({ body, params, query }) => {
      const price: number = body.price
      // @ts-expect-error body.price is a number, not a string
      const priceAsString: string = body.price
      // @ts-expect-error an undeclared body field does not exist
      const nope = body.nope
      const id: string = params.item_id
      // @ts-expect-error params.item_id is a string
      const idAsNumber: number = params.item_id
      // @ts-expect-error an undeclared path parameter does not exist
      const other = params.other
      const limit: number = query.limit
      expectType<Equal<typeof query.q, string | undefined>>(true)
      // @ts-expect-error an optional query parameter may be undefined
      const q: string = query.q
      void [price, priceAsString, nope, id, idAsNumber, other, limit, q]
      return null
    },
  })

  // Without a body schema there is no body.
  route({
    method: 'GET',
    url: '/plain',
    handler: ({ body }) => {
      expectType<Equal<typeof body, undefined>>(true)
      // @ts-expect-error no body schema: body is undefined
      const x = body.price
      void x
      return 'ok'
    },
  })

  // A rawBody route's body is a Buffer.
  route({
    method: 'POST',
    url: '/raw',
    rawBody: true,
    handler: ({ body }) => {
      const bytes: Buffer = body
      expectType<Equal<typeof body, Buffer>>(true)
      // @ts-expect-error the raw body is bytes, not a string
      const text: string = body
      void [bytes, text]
      return 'ok'
    },
  })

  // ---------------------------------------------------------------------------------------------
  // The response model
  // ---------------------------------------------------------------------------------------------
  route({ method: 'GET', url: '/ok', response: Item, handler: () => ({ name: 'Portal Gun', price: 42 }) })
  route({ method: 'GET', url: '/async-ok', response: Item, handler: async () => ({ name: 'Portal Gun', price: 42, tax: 1 }) })
  route({
    method: 'GET',
    url: '/wrong',
    response: Item,
    // @ts-expect-error the handler returns a price that is not a number
    handler: () => ({ name: 'Portal Gun', price: 'forty-two' }),
  })
  route({
    method: 'GET',
    url: '/missing',
    response: Item,
    // @ts-expect-error the handler's return misses the required price
    handler: () => ({ name: 'Portal Gun' }),
  })
  route({
    method: 'GET',
    url: '/wrong-async',
    response: Item,
    // @ts-expect-error an async handler resolving to a wrong type
    handler: async () => 'not an item',
  })

  // withResponse(...) is always allowed, whatever the model.
  route({ method: 'GET', url: '/direct', response: Item, handler: () => withResponse('<item/>', { mediaType: 'application/xml' }) })
  route({
    method: 'GET',
    url: '/either',
    response: Item,
    handler: async ({ query }) => (query.legacy !== undefined ? withResponse({ legacy: true }, { status: 299 }) : { name: 'x', price: 1 }),
  })

  // ---------------------------------------------------------------------------------------------
  // Dependencies
  // ---------------------------------------------------------------------------------------------
  const currentUsername = dependency({
    deps: { credentials: basicAuth() },
    resolve: ({ deps }) => deps.credentials.username,
  })
  const asyncUser = dependency({
    headers: Type.Object({ 'x-user-id': Type.Integer() }),
    resolve: async ({ headers }) => ({ id: headers['x-user-id'], admin: false as boolean }),
  })
  route({
    method: 'GET',
    url: '/users/me',
    deps: { username: currentUsername, user: asyncUser },
    handler: ({ deps }) => {
      const username: string = deps.username
      expectType<Equal<typeof deps.username, string>>(true)
      // @ts-expect-error deps.username is a string
      const usernameAsNumber: number = deps.username
      // an async resolve is awaited: the value, not a Promise
      expectType<Equal<typeof deps.user, { id: number; admin: boolean }>>(true)
      // @ts-expect-error an undeclared dependency does not exist
      const ghost = deps.ghost
      void [username, usernameAsNumber, ghost]
      return { username }
    },
  })

  // A dependency's own request parts are typed in its resolve.
  dependency({
    query: Type.Object({ page: Type.Integer() }),
    resolve: ({ query }) => {
      const page: number = query.page
      // @ts-expect-error query.page is a number
      const pageAsString: string = query.page
      return page + pageAsString.length
    },
  })

  // basicAuth(): credentials, or undefined with autoError: false.
  route({
    method: 'GET',
    url: '/basic',
    deps: { credentials: basicAuth(), maybe: basicAuth({ autoError: false }) },
    handler: ({ deps }) => {
      expectType<Equal<typeof deps.credentials, BasicCredentials>>(true)
      const username: string = deps.credentials.username
      const password: string = deps.credentials.password
      expectType<Equal<typeof deps.maybe, BasicCredentials | undefined>>(true)
      // @ts-expect-error with autoError: false the credentials may be undefined
      const maybeUser: string = deps.maybe.username
      const fallback: string = deps.maybe?.username ?? 'anonymous'
      void [username, password, maybeUser, fallback]
      return null
    },
  })

  // ---------------------------------------------------------------------------------------------
  // webhook(...).send(): the payload is typed by the body schema
  // ---------------------------------------------------------------------------------------------
  const Subscription = Type.Object({
    username: Type.String(),
    monthly_fee: Type.Number(),
    start_date: Type.String({ format: 'date-time' }),
  }, { $id: 'Subscription' })
  const newSubscription = webhook({ name: 'new-subscription', body: Subscription })
  const secret = 'whsec_' + Buffer.from('a'.repeat(32)).toString('base64')
  const good: Static<typeof Subscription> = { username: 'rick', monthly_fee: 9.99, start_date: '2024-01-01T00:00:00Z' }
  void newSubscription.send('https://example.com/hooks', good, { secret })
  // @ts-expect-error monthly_fee must be a number
  void newSubscription.send('https://example.com/hooks', { username: 'rick', monthly_fee: 'x', start_date: '2024-01-01T00:00:00Z' }, { secret })
  // @ts-expect-error start_date is required
  void newSubscription.send('https://example.com/hooks', { username: 'rick', monthly_fee: 1 }, { secret })
  // @ts-expect-error a secret is required
  void newSubscription.send('https://example.com/hooks', good, {})
  expectType<Equal<Parameters<typeof newSubscription.send>[1], Static<typeof Subscription>>>(true)
}

{
  // ---------------------------------------------------------------------------------------------
  // model(), nullable(), withDefault(): pydantic's shapes keep their static types
  // ---------------------------------------------------------------------------------------------
  const Item = model('Item', { name: Type.String(), tax: nullable(Type.Number()), tags: withDefault(Type.Array(Type.String()), []) })
  expectType<Equal<Static<typeof Item>, { name: string; tax?: number | null; tags?: string[] }>>(true)
  // @ts-expect-error tax is a number or null
  const bad: Static<typeof Item> = { name: 'x', tax: 'y' }
  void bad
}

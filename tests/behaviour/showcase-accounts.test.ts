// The showcase's partner (API key) and account (bearer token) areas, and its unit of work: a
// dependency with teardown that undoes the writes of a request that failed.
import t from 'tap'
import { build, CUSTOMER_TOKENS, PARTNER_KEY } from '../../playground/app.js'

const bearer = { authorization: `Bearer ${Object.keys(CUSTOMER_TOKENS)[0]}` }
// Teardown runs just after the response (the connection's close, then microtasks); one turn
// of the event loop is enough, whatever the machine's speed.
const afterTeardown = (): Promise<void> => new Promise(resolve => setImmediate(resolve))

t.test('partners: the stock behind X-API-Key', async t => {
  const app = await build()
  t.teardown(() => app.close())
  const ok = await app.inject({ url: '/partner/stock', headers: { 'x-api-key': PARTNER_KEY } })
  t.equal(ok.statusCode, 200)
  t.match(ok.json(), [{ id: 'portal-gun', internal_cost: 3 }])
  for (const headers of [{}, { 'x-api-key': '' }, { 'x-api-key': 'wrong' }, { 'X-API-KEY': `${PARTNER_KEY} ` }]) {
    const res = await app.inject({ url: '/partner/stock', headers })
    t.equal(res.statusCode, 401, JSON.stringify(headers))
    t.equal(res.headers['www-authenticate'], 'APIKey')
  }
})

t.test('accounts: a bearer token names the user', async t => {
  const app = await build()
  t.teardown(() => app.close())
  t.strictSame((await app.inject({ url: '/account/me', headers: bearer })).json(), { user: 'rick' })
  for (const authorization of [undefined, 'Bearer nope', 'Basic ZGVtby10b2tlbg==', 'Bearer toString', 'Bearer __proto__']) {
    const res = await app.inject({ url: '/account/me', headers: authorization === undefined ? {} : { authorization } })
    t.equal(res.statusCode, 401, String(authorization))
    t.equal(res.headers['www-authenticate'], 'Bearer')
  }
})

t.test('the wishlist: all items or none, rolled back by the unit of work', async t => {
  const app = await build()
  t.teardown(() => app.close())
  const add = (itemIds: string[]) => app.inject({ method: 'POST', url: '/account/wishlist', headers: bearer, payload: { item_ids: itemIds } })
  const ok = await add(['plumbus'])
  t.equal(ok.statusCode, 200)
  t.strictSame(ok.json(), { user: 'rick', item_ids: ['plumbus'] })
  await afterTeardown()

  const failed = await add(['portal-gun', 'plumbus', 'no-such-item'])
  t.equal(failed.statusCode, 404)
  t.strictSame(failed.json(), { detail: 'Item not found: no-such-item' })
  await afterTeardown()
  t.strictSame((await app.inject({ url: '/account/wishlist', headers: bearer })).json(), { user: 'rick', item_ids: ['plumbus'] }, 'the two items added before the failure were undone')

  t.equal((await app.inject({ method: 'POST', url: '/account/wishlist', payload: { item_ids: ['plumbus'] } })).statusCode, 401, 'no token, no write')
  const doc = (await app.inject({ url: '/openapi.json' })).json()
  t.strictSame(doc.components.securitySchemes.APIKeyHeader, { type: 'apiKey', in: 'header', name: 'X-API-Key', description: 'The key your account manager gave you' })
  t.strictSame(doc.components.securitySchemes.HTTPBearer, { type: 'http', scheme: 'bearer', description: 'Try `demo-token`' })
  t.strictSame(doc.paths['/account/wishlist'].post.security, [{ HTTPBearer: [] }])
  t.strictSame(doc.paths['/partner/stock'].get.security, [{ APIKeyHeader: [] }])
})

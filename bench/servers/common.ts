/**
 * What both sides of every scenario share: the TypeBox schemas, the data, and the requests
 * the load generator sends. The routecraft server (`routecraft.ts`) and the hand-written
 * Fastify server (`raw.ts`) do the same work with these: the same schemas (given to Fastify's
 * `schema` option on the raw side), the same response filtering, the same headers and cookies.
 */
import { Type } from '@sinclair/typebox'

export const ItemParams = Type.Object({ item_id: Type.Integer({ minimum: 1 }) })

/** The response model: `internal_note` in the stored item is filtered out on both sides. */
export const Item = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  description: Type.Optional(Type.String()),
  price: Type.Number(),
  tags: Type.Array(Type.String()),
})

export const ItemIn = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 100 }),
  description: Type.Optional(Type.String()),
  price: Type.Number({ exclusiveMinimum: 0 }),
  tags: Type.Array(Type.String()),
})

export const Message = Type.Object({ message: Type.String() })
export const Username = Type.Object({ username: Type.String() })
export const Received = Type.Object({ bytes: Type.Integer(), contentType: Type.String() })

export const STORED = { id: 42, name: 'Foo', description: 'A very nice Item', price: 35.4, tags: ['a', 'b'], internal_note: 'never sent' }

export const XML = `<?xml version="1.0"?>
<shampoo>
<Header>
    Apply shampoo here.
</Header>
<Body>
    You'll have to use soap here.
</Body>
</shampoo>
`

export const CAT_DOG = 'alone in the world'
export const COOKIE_NAME = 'fakesession'
export const COOKIE_VALUE = 'fake-cookie-session-value'
export const USER = 'stanleyjobson'
export const PASSWORD = 'swordfish'

/** One request scenario: what the load generator sends and what the answer must be. */
export interface Scenario {
  readonly name: string
  readonly title: string
  readonly method: 'GET' | 'POST'
  readonly path: string
  readonly headers?: Record<string, string>
  readonly body?: string
  /** The status every answer must have. */
  readonly status: number
}

const AUTH = `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}`
const JSON_HEADERS = { 'content-type': 'application/json' }

export const SCENARIOS: readonly Scenario[] = [
  { name: 'get', title: 'GET path param + response model', method: 'GET', path: '/items/42', status: 200 },
  { name: 'post', title: 'POST body validation + response model', method: 'POST', path: '/items', headers: JSON_HEADERS, body: JSON.stringify({ name: 'Foo', description: 'A very nice Item', price: 35.4, tags: ['a', 'b'] }), status: 201 },
  { name: 'plain', title: 'JSON route, plain (model)', method: 'GET', path: '/plain', status: 200 },
  { name: 'temporal', title: 'JSON route + header + cookie (ctx.response)', method: 'GET', path: '/temporal', status: 200 },
  { name: 'direct', title: 'JSON route + header + cookie (withResponse)', method: 'GET', path: '/direct', status: 200 },
  { name: 'nomodel', title: 'JSON route, no response model', method: 'GET', path: '/nomodel', status: 200 },
  { name: 'xml', title: 'withResponse XML', method: 'GET', path: '/legacy', status: 200 },
  { name: 'auth', title: 'Basic auth + checking dependency', method: 'GET', path: '/users/me', headers: { authorization: AUTH }, status: 200 },
  { name: 'auth-open', title: 'same route, unprotected', method: 'GET', path: '/users/open', headers: { authorization: AUTH }, status: 200 },
  { name: 'rawbody', title: 'raw-body route (bytes)', method: 'POST', path: '/upload', headers: { 'content-type': 'application/x-yaml' }, body: 'name: Deadpoolio\ntags:\n  - x\n  - y\nprice: 3.5\n', status: 200 },
  { name: '404', title: 'unknown path → 404', method: 'GET', path: '/nowhere', status: 404 },
  { name: '422', title: 'body validation failure → 422', method: 'POST', path: '/items', headers: JSON_HEADERS, body: JSON.stringify({ name: 'Foo', tags: ['a'] }), status: 422 },
  { name: 'openapi', title: 'cached /openapi.json', method: 'GET', path: '/openapi.json', status: 200 },
]

// Shared by the hostile-input tests (not a test file itself: tap only runs *.test.ts).
//
// Every app the suite attacks: the 17 seed ports (found by listing playground/seed/ at test
// time, so a new or renamed seed fails loudly until it has an entry here) and the showcase.
// For each app, its routes and the 2xx statuses they document; anything else must be a 4xx.
import { readdirSync } from 'node:fs'
import { fileURLToPath, pathToFileURL } from 'node:url'
import type { FastifyInstance, InjectOptions } from 'fastify'
import { encodeBasic } from '../../src/index.js'

export type Method = 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH' | 'HEAD' | 'OPTIONS'

export interface RouteSpec {
  readonly method: Method
  /** A concrete url that exists, `{param}` replaced by a valid value. */
  readonly url: string
  /** The url with `%P%` where a path parameter goes (hostile values are put there). */
  readonly template?: string
  /** The 2xx statuses the route documents. */
  readonly ok: readonly number[]
  /** A valid body (JSON unless `contentType` says otherwise). */
  readonly body?: unknown
  readonly contentType?: string
  /** A body is parsed as JSON (poisoned keys must give 400). */
  readonly json?: boolean
  /** Raw body: any bytes are accepted. */
  readonly raw?: boolean
  /**
   * Basic credentials: `checked` against one user, `any` well-formed pair accepted, or
   * `optional` (`autoError: false`: no credentials is fine, malformed ones are not).
   */
  readonly auth?: 'checked' | 'any' | 'optional'
  /** Extra headers of a valid request (Basic credentials). */
  readonly headers?: Record<string, string>
}

export interface AppSpec {
  readonly name: string
  readonly build: () => Promise<FastifyInstance>
  readonly routes: readonly RouteSpec[]
  /** A normal request and its expected status: the app is still healthy. */
  readonly health: InjectOptions & { expect: number }
}

export const ADMIN = encodeBasic('stanleyjobson', 'swordfish')

const item = { name: 'Foo', price: 35.4, tags: ['a'] }

/** Routes of each seed port, by file name. */
const seedRoutes: Record<string, readonly RouteSpec[]> = {
  basic_auth_checked: [{ method: 'GET', url: '/users/me', ok: [200], auth: 'checked', headers: { authorization: ADMIN } }],
  basic_auth_simple: [{ method: 'GET', url: '/users/me', ok: [200], auth: 'any', headers: { authorization: encodeBasic('john', 'secret') } }],
  change_status_code: [{ method: 'PUT', url: '/get-or-create-task/foo', template: '/get-or-create-task/%P%', ok: [200, 201] }],
  cookie_direct: [{ method: 'POST', url: '/cookie/', ok: [200] }],
  cookie_param: [{ method: 'POST', url: '/cookie-and-object/', ok: [200] }],
  docstring_truncation: [{ method: 'POST', url: '/items/', ok: [200], body: item, json: true }],
  exclude_from_schema: [{ method: 'GET', url: '/items/', ok: [200] }],
  headers_direct: [{ method: 'GET', url: '/headers/', ok: [200] }],
  headers_param: [{ method: 'GET', url: '/headers-and-object/', ok: [200] }],
  openapi_custom_body: [{ method: 'POST', url: '/items/', ok: [200], body: { name: 'x', price: 1 }, raw: true }],
  openapi_extensions: [{ method: 'GET', url: '/items/', ok: [200] }],
  openapi_yaml_body: [{ method: 'POST', url: '/items/', ok: [200], body: 'name: Deadpoolio\ntags:\n- x\n', contentType: 'application/x-yaml', raw: true }],
  operation_id: [{ method: 'GET', url: '/items/', ok: [200] }],
  response_jsonable: [{
    method: 'PUT', url: '/items/foo', template: '/items/%P%', ok: [200],
    body: { title: 't', timestamp: '2024-01-01T00:00:00Z' }, json: true,
  }],
  response_xml: [{ method: 'GET', url: '/legacy/', ok: [200] }],
  route_names_as_ids: [{ method: 'GET', url: '/items/', ok: [200] }],
  webhooks: [{ method: 'GET', url: '/users/', ok: [200] }],
}

/** Routes every app has: the document and the docs (served by openapi()). */
const common: readonly RouteSpec[] = [
  { method: 'GET', url: '/openapi.json', ok: [200] },
  { method: 'GET', url: '/docs', ok: [200] },
]

const itemIn = { name: 'Portal Gun', price: 42, tags: ['gadget'] }

export const showcaseRoutes: readonly RouteSpec[] = [
  { method: 'GET', url: '/items/', ok: [200] },
  { method: 'GET', url: '/items/portal-gun', template: '/items/%P%', ok: [200] },
  { method: 'POST', url: '/items/', ok: [201], body: itemIn, json: true },
  { method: 'PUT', url: '/items/plumbus', template: '/items/%P%', ok: [200, 201], body: itemIn, json: true },
  { method: 'DELETE', url: '/items/plumbus', template: '/items/%P%', ok: [204] },
  { method: 'GET', url: '/headers-and-object/', ok: [200] },
  { method: 'POST', url: '/cookie-and-object/', ok: [200] },
  { method: 'GET', url: '/legacy/', ok: [200] },
  { method: 'GET', url: '/internal/health', ok: [200] },
  { method: 'GET', url: '/admin/me', ok: [200], auth: 'checked', headers: { authorization: ADMIN } },
  // The API key is not an Authorization header: the Basic expectations do not apply, any 4xx is.
  { method: 'GET', url: '/partner/stock', ok: [200], headers: { 'x-api-key': 'partner-key-123' } },
  {
    method: 'POST', url: '/admin/orders/o-1/ship', template: '/admin/orders/%P%/ship', ok: [200],
    body: { item_ids: ['portal-gun'] }, json: true, auth: 'checked', headers: { authorization: ADMIN },
  },
]

const seedDir = fileURLToPath(new URL('../../playground/seed/', import.meta.url))

/** The seed files present now (without `.ts`), sorted. */
export function seedNames (): string[] {
  return readdirSync(seedDir).filter(f => f.endsWith('.ts')).map(f => f.slice(0, -3)).sort()
}

/** Every app: the seeds found on disk, the showcase, then the probe. Throws on a seed without a table entry. */
export async function allApps (): Promise<AppSpec[]> {
  const apps: AppSpec[] = []
  for (const name of seedNames()) {
    const routes = seedRoutes[name]
    if (routes === undefined) throw new Error(`tests/support/hostile-apps.ts has no routes for playground/seed/${name}.ts`)
    const mod = await import(pathToFileURL(`${seedDir}${name}.ts`).href) as { build: () => Promise<FastifyInstance> }
    const first = routes[0]!
    apps.push({ name, build: mod.build, routes: [...routes, ...common], health: { ...request(first), expect: first.ok[0]! } })
  }
  const showcase = await import('../../playground/app.js')
  apps.push({
    name: 'showcase',
    build: () => showcase.build(),
    routes: [...showcaseRoutes, ...common],
    health: { method: 'GET', url: '/items/portal-gun', expect: 200 },
  })
  apps.push({ name: 'probe', build: buildProbe, routes: [...probeRoutes, ...common], health: { ...request(probeRoutes[0]!), expect: 200 } })
  return apps
}

/** The valid request of a route. */
export function request (route: RouteSpec): InjectOptions {
  const headers: Record<string, string> = { ...route.headers }
  let payload: string | undefined
  if (route.body !== undefined) {
    payload = typeof route.body === 'string' ? route.body : JSON.stringify(route.body)
    headers['content-type'] = route.contentType ?? 'application/json'
  }
  return { method: route.method, url: route.url, headers, ...(payload === undefined ? {} : { payload }) }
}

/**
 * Beyond the seeds and the showcase: an app that declares every request part (cookies and
 * headers included, which no seed does), so that hostile cookies and headers are parsed and
 * validated, not just ignored.
 */
export async function buildProbe (): Promise<FastifyInstance> {
  const { default: Fastify } = await import('fastify')
  const { Type } = await import('@sinclair/typebox')
  const { basicAuth, dependency, openapi, route } = await import('../../src/index.js')
  const app = Fastify()
  await app.register(openapi())
  const maybeUser = basicAuth({ autoError: false, realm: 'probe' })
  const session = dependency({
    cookies: Type.Object({ session: Type.Optional(Type.String({ maxLength: 100 })) }),
    headers: Type.Object({ 'x-token': Type.Optional(Type.String()) }),
    deps: { user: maybeUser },
    resolve: function session_of ({ cookies, deps }) { return { session: cookies.session ?? null, user: deps.user?.username ?? null } },
  })
  await app.register(route({
    method: 'GET', url: '/probe/{id}',
    params: Type.Object({ id: Type.String({ maxLength: 64 }) }),
    query: Type.Object({ n: Type.Optional(Type.Integer({ minimum: 0 })), tag: Type.Optional(Type.Array(Type.String())) }),
    cookies: Type.Object({ a: Type.Optional(Type.String()), __proto__: Type.Optional(Type.String()) }),
    deps: { session },
    handler: function read_probe ({ params, query, cookies, deps }) {
      return { id: params.id, n: query.n ?? null, tags: query.tag ?? [], cookies: Object.keys(cookies).length, ...deps.session }
    },
  }))
  await app.register(route({
    method: 'POST', url: '/probe/',
    body: Type.Object({ name: Type.String(), price: Type.Number(), tags: Type.Array(Type.String()), meta: Type.Optional(Type.Record(Type.String(), Type.Unknown())) }),
    response: Type.Object({ name: Type.String(), keys: Type.Integer() }),
    status: 201,
    handler: function create_probe ({ body, response }) {
      response.setCookie('seen', body.name.replace(/[^\w]/g, '').slice(0, 20))
      return { name: body.name, keys: Object.keys(body.meta ?? {}).length }
    },
  }))
  return app
}

export const probeRoutes: readonly RouteSpec[] = [
  { method: 'GET', url: '/probe/p-1?n=1&tag=a&tag=b', template: '/probe/%P%', ok: [200], auth: 'optional', headers: { cookie: 'session=s; a=b', authorization: encodeBasic('u', 'p') } },
  { method: 'POST', url: '/probe/', ok: [201], body: { name: 'x', price: 1, tags: [], meta: { a: 1 } }, json: true },
]

/**
 * The typed test client: `testClient(app).request(route, input)` builds the request a route's
 * declaration describes (method, prefixed path with its parameters filled in, query, headers,
 * cookies, a JSON or raw body), sends it through Fastify's `inject` (no socket, no network)
 * and returns the response with its body parsed and typed from the declaration.
 */
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify'
import { routecraftError } from '../errors.js'
import { kOperation } from '../symbols.js'
import { registryFor } from '../compile/registry.js'
import type { Operation } from '../declare/types.js'
import type { RoutePlugin } from '../declare/types.js'
import { isUnchecked, type Unchecked } from './unchecked.js'
import type { HttpStatus, OptionalInput, QueryValue, RequestInput, ResponseOf, TestCookie, TestResponse } from './types.js'

// ---------------------------------------------------------------------------------------------
// Unchecked inputs
// ---------------------------------------------------------------------------------------------

/**
 * An input the types do not check, for requests that are wrong on purpose (a 422 test); wrap
 * it in `unchecked()`. `payload` sends exactly these bytes instead of `body` as JSON
 * (malformed JSON, say); `method` may be one the route does not answer.
 *
 * @example
 * ```ts
 * const input: UncheckedInput = { body: { price: 'free' }, headers: { 'content-type': 'text/plain' } }
 * ```
 */
export interface UncheckedInput {
  params?: Record<string, unknown>
  query?: Record<string, unknown>
  headers?: Record<string, unknown>
  cookies?: Record<string, unknown>
  body?: unknown
  payload?: string | Uint8Array
  method?: string
  expect?: number
}

// ---------------------------------------------------------------------------------------------
// The client
// ---------------------------------------------------------------------------------------------

/**
 * A request that answered another status than the one `expect`ed. The message shows the
 * status and the body; `response` holds the whole response.
 *
 * @example
 * ```ts
 * await t.rejects(client.request(readItem, { params: { item_id: 'nope' }, expect: 200 }), UnexpectedStatusError)
 * ```
 */
export class UnexpectedStatusError extends Error {
  override name = 'UnexpectedStatusError'
  constructor (readonly expected: number, readonly response: TestResponse<RoutePlugin>, where: string) {
    super(`${where}: expected status ${expected}, got ${response.status} ${response.text.slice(0, 500)}`)
  }
}

export type Rest<P, N> = OptionalInput<P> extends true ? [input?: RequestInput<P, N>] : [input: RequestInput<P, N>]

/**
 * The test client of one app.
 *
 * @example
 * ```ts
 * const client = testClient(app)
 * const res = await client.request(readItem, { params: { item_id: 'plumbus' } })
 * if (res.status === 200) t.equal(res.body.name, 'Plumbus')
 * ```
 */
export interface TestClient {
  /** Sends the request `route` declares; `expect` makes any other status throw {@link UnexpectedStatusError}. */
  request<P extends RoutePlugin, N extends HttpStatus = never>(route: P, ...input: Rest<P, N>): Promise<ResponseOf<P, N>>
  /** The same, with an input the types do not check (see {@link unchecked}). */
  request<P extends RoutePlugin>(route: P, input: Unchecked<UncheckedInput>): Promise<TestResponse<P>>
}

/**
 * A typed test client for `app`, built on `inject`: nothing listens, nothing reaches the
 * network. Routes are found by the `route()` value registered on the app, prefixes included.
 *
 * @example
 * ```ts
 * const client = testClient(app)
 * const { body } = await client.request(createItem, { body: { name: 'Plumbus', price: 9.99 }, expect: 201 })
 * t.equal(body.name, 'Plumbus')
 * ```
 */
export function testClient (app: FastifyInstance): TestClient {
  return {
    request: (route: RoutePlugin, input: UncheckedInput | Unchecked<UncheckedInput> = {}) =>
      isUnchecked(input) ? send(app, route, input.value, true) : send(app, route, input, false),
  } as TestClient
}

async function send (app: FastifyInstance, route: RoutePlugin, input: UncheckedInput, loose: boolean): Promise<TestResponse<RoutePlugin>> {
  const op = operationOf(route)
  await app.ready()
  const where = `${op.methods.join(',')} ${op.url}`
  const method = methodOf(op, input.method, loose, where)
  const url = fill(pathOf(app, op, where), input.params, where) + queryString(input.query, where)
  const options: InjectOptions = { method: method as InjectOptions['method'], url, headers: headersOf(input.headers, where) }
  if (input.cookies !== undefined) options.cookies = stringsOf(input.cookies, 'cookie', where)
  body(options, op, input)
  const res = toResponse(await app.inject(options))
  if (input.expect !== undefined && res.status !== input.expect) throw new UnexpectedStatusError(input.expect, res, `${method} ${url}`)
  return res
}

// ---------------------------------------------------------------------------------------------
// Building the request
// ---------------------------------------------------------------------------------------------

function operationOf (route: RoutePlugin): Operation {
  const op = (route as Partial<RoutePlugin> | undefined)?.[kOperation]
  if (op === undefined || op.kind !== 'route') throw routecraftError('RC_ERR_TESTING_ROUTE', 'notRoute')
  return op
}

/** The OpenAPI form of the path the route is served at on `app`, prefix included. */
function pathOf (app: FastifyInstance, op: Operation, where: string): string {
  const paths = [...new Set(registryFor(app.server).filter(entry => entry.op === op).map(entry => entry.path))]
  if (paths.length === 1) return paths[0] as string
  if (paths.length === 0) throw routecraftError('RC_ERR_TESTING_ROUTE', 'notRegistered', { where })
  throw routecraftError('RC_ERR_TESTING_ROUTE', 'registeredTwice', { where, paths: paths.join(' and ') })
}

function methodOf (op: Operation, wanted: string | undefined, loose: boolean, where: string): string {
  if (wanted === undefined) return op.methods[0] as string
  const method = String(wanted).toUpperCase()
  // Another method on purpose (a 404 test) goes through unchecked inputs only.
  if (!op.methods.includes(method) && !loose) throw routecraftError('RC_ERR_TESTING_INPUT', 'method', { where, method })
  return method
}

function scalar (value: unknown): value is string | number | boolean | bigint {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint'
}

function fill (path: string, params: Record<string, unknown> | undefined, where: string): string {
  return path.replace(/\{([^}]+)\}/g, (_m, name: string) => {
    const value = params === undefined || !Object.hasOwn(params, name) ? undefined : params[name]
    if (!scalar(value)) throw routecraftError('RC_ERR_TESTING_INPUT', 'pathParam', { where, name, got: value === undefined ? 'none' : typeof value })
    return encodeURIComponent(String(value))
  })
}

function queryString (query: Record<string, unknown> | undefined, where: string): string {
  if (query === undefined) return ''
  const search = new URLSearchParams()
  for (const [name, value] of Object.entries(query)) {
    const values = Array.isArray(value) ? value : [value]
    for (const one of values as QueryValue[]) {
      if (one === undefined) continue
      if (one !== null && !scalar(one)) throw routecraftError('RC_ERR_TESTING_INPUT', 'query', { where, name })
      search.append(name, one === null ? '' : String(one))
    }
  }
  const text = search.toString()
  return text === '' ? '' : `?${text}`
}

function stringsOf (bag: Record<string, unknown>, what: string, where: string): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [name, value] of Object.entries(bag)) {
    if (value === undefined) continue
    if (!scalar(value)) throw routecraftError('RC_ERR_TESTING_INPUT', 'scalar', { where, what, name })
    out[name] = String(value)
  }
  return out
}

function headersOf (headers: Record<string, unknown> | undefined, where: string): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {}
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (Array.isArray(value)) out[name.toLowerCase()] = value.map(String)
    else Object.assign(out, stringsOf({ [name.toLowerCase()]: value }, 'header', where))
  }
  return out
}

function body (options: InjectOptions, op: Operation, input: UncheckedInput): void {
  const headers = options.headers as Record<string, string | string[]>
  const contentType = (type: string): void => { if (headers['content-type'] === undefined) headers['content-type'] = type }
  if (input.payload !== undefined) {
    options.payload = typeof input.payload === 'string' ? input.payload : Buffer.from(input.payload)
    if (!op.rawBody) contentType('application/json')
    return
  }
  if (input.body === undefined) return
  if (op.rawBody && (typeof input.body === 'string' || input.body instanceof Uint8Array)) {
    options.payload = typeof input.body === 'string' ? input.body : Buffer.from(input.body)
    contentType('application/octet-stream')
    return
  }
  options.payload = JSON.stringify(input.body)
  contentType('application/json')
}

// ---------------------------------------------------------------------------------------------
// Reading the response
// ---------------------------------------------------------------------------------------------

const JSON_TYPE = /^application\/(?:[^;\s/]+\+)?json\s*(?:;|$)/i
const TEXT_TYPE = /^(?:text\/|application\/(?:[^;\s/]+\+)?xml\s*(?:;|$))/i

function parsedBody (res: LightMyRequestResponse): unknown {
  if (res.rawPayload.length === 0) return undefined
  const type = String(res.headers['content-type'] ?? '')
  if (JSON_TYPE.test(type)) {
    try { return JSON.parse(res.payload) } catch { return res.payload }
  }
  if (type === '' || TEXT_TYPE.test(type)) return res.payload
  return res.rawPayload
}

function cookiesOf (res: LightMyRequestResponse): Record<string, TestCookie> {
  const out: Record<string, TestCookie> = {}
  for (const raw of res.cookies as Array<TestCookie & { name: string }>) {
    const { name, ...cookie } = raw
    out[name] = cookie
  }
  return out
}

function toResponse (res: LightMyRequestResponse): TestResponse<RoutePlugin> {
  return {
    status: res.statusCode,
    headers: res.headers,
    cookies: cookiesOf(res),
    body: parsedBody(res),
    text: res.payload,
  } as TestResponse<RoutePlugin>
}

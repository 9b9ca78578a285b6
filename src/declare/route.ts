/**
 * route(): a declaration → an encapsulated Fastify plugin that carries its Operation.
 */
import { RoutecraftError } from '../errors.js'
import { kOperation } from '../symbols.js'
import { cleanDescription } from '../openapi/docstring.js'
import { handlerName } from '../openapi/operation-id.js'
import { checkDeps } from './dependency.js'
import { checkKeys, checkMethods, checkResponses, checkSchema, checkStatus, checkString } from './checks.js'
import { compileRoute } from '../compile/route.js'
import type { Operation } from './operation.js'
import type { DepsMap, OperationMetadata, RouteDeclaration, RoutePlugin, SchemaSlot } from './types.js'

const ROUTE_KEYS = new Set(['method', 'url', 'name', 'operationId', 'generateOperationId', 'summary', 'description', 'tags',
  'deprecated', 'includeInSchema', 'params', 'query', 'headers', 'cookies', 'body', 'rawBody', 'response', 'status',
  'responses', 'deps', 'openapiExtra', 'handler'])

/** `{id}` → `:id`; the path parameter names in order. */
export function normalizeUrl (url: unknown, where: string): { url: string; pathParams: string[] } {
  if (typeof url !== 'string' || !url.startsWith('/')) {
    throw new RoutecraftError('RC_ERR_ROUTE_URL', `${where}: url must be a string starting with "/", got ${JSON.stringify(url)}`)
  }
  const fastifyUrl = url.replace(/\{([^}/]+)\}/g, (_m, name: string) => `:${name}`)
  const pathParams: string[] = []
  for (const m of fastifyUrl.matchAll(/:([A-Za-z_$][\w$]*)/g)) {
    const name = m[1] as string
    if (pathParams.includes(name)) throw new RoutecraftError('RC_ERR_ROUTE_PATH_PARAM', `${where}: path parameter "${name}" appears twice`)
    pathParams.push(name)
  }
  if (/[{}]/.test(fastifyUrl)) throw new RoutecraftError('RC_ERR_ROUTE_URL', `${where}: unbalanced braces in url ${JSON.stringify(url)}`)
  return { url: fastifyUrl, pathParams }
}

/** The OpenAPI metadata of a route or webhook declaration, checked and cleaned once. */
export function checkMetadata (decl: OperationMetadata, where: string): Pick<Operation, 'operationId' | 'generateOperationId' | 'summary' | 'description' | 'tags' | 'deprecated' | 'includeInSchema' | 'openapiExtra' | 'responses'> {
  const tags = decl.tags ?? []
  if (!Array.isArray(tags) || !tags.every(t => typeof t === 'string')) throw new RoutecraftError('RC_ERR_ROUTE_OPTION', `${where}: tags must be an array of strings`)
  for (const flag of ['deprecated', 'includeInSchema'] as const) {
    if (decl[flag] !== undefined && typeof decl[flag] !== 'boolean') throw new RoutecraftError('RC_ERR_ROUTE_OPTION', `${where}: ${flag} must be a boolean`)
  }
  if (decl.generateOperationId !== undefined && typeof decl.generateOperationId !== 'function') {
    throw new RoutecraftError('RC_ERR_ROUTE_OPTION', `${where}: generateOperationId must be a function`)
  }
  const extra = decl.openapiExtra
  if (extra !== undefined && (typeof extra !== 'object' || extra === null || Array.isArray(extra))) {
    throw new RoutecraftError('RC_ERR_ROUTE_OPTION', `${where}: openapiExtra must be an object`)
  }
  const operationId = checkString(decl.operationId, 'operationId', where)
  if (operationId === '') throw new RoutecraftError('RC_ERR_ROUTE_OPTION', `${where}: operationId must not be empty`)
  return {
    operationId,
    generateOperationId: decl.generateOperationId,
    summary: checkString(decl.summary, 'summary', where),
    description: cleanDescription(checkString(decl.description, 'description', where)),
    tags: Object.freeze([...tags]),
    deprecated: decl.deprecated ?? false,
    includeInSchema: decl.includeInSchema ?? true,
    openapiExtra: extra,
    responses: checkResponses(decl.responses, where),
  }
}

/**
 * Declares a route: the request parts as TypeBox schemas (validated, and typed into the
 * handler's context), a response model that filters what is sent, OpenAPI metadata, and the
 * handler. Returns an encapsulated Fastify plugin; register it like any other, prefixes
 * included. Everything that can be checked or compiled is done here, once.
 *
 * @example
 * ```ts
 * app.register(route({
 *   method: 'GET', url: '/items/{item_id}',
 *   params: Type.Object({ item_id: Type.String() }),
 *   response: Item,
 *   handler: function read_item ({ params }) { return items[params.item_id] },
 * }))
 * ```
 */
export function route<
  P extends SchemaSlot = undefined, Q extends SchemaSlot = undefined, H extends SchemaSlot = undefined,
  C extends SchemaSlot = undefined, B extends SchemaSlot = undefined, R extends SchemaSlot = undefined,
  D extends DepsMap = Record<never, never>, Raw extends boolean | undefined = undefined
> (decl: RouteDeclaration<P, Q, H, C, B, R, D, Raw>): RoutePlugin {
  if (typeof decl !== 'object' || decl === null) throw new RoutecraftError('RC_ERR_ROUTE_NO_HANDLER', 'route() needs a declaration object')
  const where = `route ${Array.isArray(decl.method) ? (decl.method as string[]).join(',') : String(decl.method)} ${String(decl.url)}`
  checkKeys(decl, ROUTE_KEYS, where)
  if (typeof decl.handler !== 'function') throw new RoutecraftError('RC_ERR_ROUTE_NO_HANDLER', `${where}: handler must be a function`)
  const methods = checkMethods(decl.method, where)
  const { url, pathParams } = normalizeUrl(decl.url, where)
  const params = checkSchema(decl.params, 'params', where, true)
  if (params !== undefined) {
    const declared = Object.keys(params.properties as object)
    for (const name of pathParams) {
      if (!declared.includes(name)) throw new RoutecraftError('RC_ERR_ROUTE_PATH_PARAM', `${where}: path parameter "${name}" has no entry in the params schema`)
    }
    for (const name of declared) {
      if (!pathParams.includes(name)) throw new RoutecraftError('RC_ERR_ROUTE_PATH_PARAM', `${where}: params schema declares "${name}", which is not in the path`)
    }
  }
  const headers = checkSchema(decl.headers, 'headers', where, true)
  for (const name of Object.keys((headers?.properties ?? {}) as object)) {
    if (name !== name.toLowerCase()) throw new RoutecraftError('RC_ERR_ROUTE_SCHEMA', `${where}: header "${name}" must be declared in lower case ("${name.toLowerCase()}"): HTTP header names are case-insensitive and Node gives them in lower case`)
  }
  if (decl.rawBody !== undefined && typeof decl.rawBody !== 'boolean') throw new RoutecraftError('RC_ERR_ROUTE_OPTION', `${where}: rawBody must be true or false`)
  if (decl.rawBody === true && decl.body !== undefined) throw new RoutecraftError('RC_ERR_ROUTE_BODY_CONFLICT', `${where}: a rawBody route takes the body as bytes; document it with openapiExtra instead of a body schema`)
  if (decl.operationId !== undefined && methods.length > 1) {
    throw new RoutecraftError('RC_ERR_ROUTE_OPTION', `${where}: an explicit operationId would repeat for each of ${methods.join(', ')}; declare one route per method, or use generateOperationId`)
  }
  const name = checkString(decl.name, 'name', where) ?? handlerName(decl.handler)
  const operation: Operation = Object.freeze({
    kind: 'route',
    methods,
    url,
    pathParams,
    name,
    ...checkMetadata(decl, where),
    params,
    query: checkSchema(decl.query, 'query', where, true),
    headers,
    cookies: checkSchema(decl.cookies, 'cookies', where, true),
    body: checkSchema(decl.body, 'body', where),
    rawBody: decl.rawBody === true,
    response: checkSchema(decl.response, 'response', where),
    status: decl.status === undefined ? 200 : checkStatus(decl.status, where),
    deps: checkDeps(decl.deps, where),
    handler: decl.handler as (ctx: never) => unknown,
  })
  return compileRoute(operation, where)
}

export type { RoutePlugin }
export { kOperation }

/**
 * The declare step of route(): a declaration → its Operation, checked and normalized once.
 * Pure data: nothing here compiles, documents or touches Fastify.
 */
import { RoutecraftError } from '../errors.js'
import { handlerName } from './names.js'
import { normalizeUrl } from './url.js'
import { checkDeps } from './dependency.js'
import { checkMetadata } from './metadata.js'
import { checkKeys, checkMethods, checkSchema, checkStatus, checkString } from './checks.js'
import type { DepsMap, Operation, RouteDeclaration, SchemaSlot } from './types.js'

const ROUTE_KEYS = new Set(['method', 'url', 'name', 'operationId', 'generateOperationId', 'summary', 'description', 'tags',
  'deprecated', 'includeInSchema', 'params', 'query', 'headers', 'cookies', 'body', 'rawBody', 'response', 'status',
  'responses', 'deps', 'openapiExtra', 'handler'])

/** Checks a route declaration and normalizes it into its Operation; `where` names it in errors. */
export function declareRoute (decl: RouteDeclaration<SchemaSlot, SchemaSlot, SchemaSlot, SchemaSlot, SchemaSlot, SchemaSlot, DepsMap, boolean | undefined>): { operation: Operation; where: string } {
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
  return { operation, where }
}

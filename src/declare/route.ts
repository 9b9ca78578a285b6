/**
 * The declare step of route(): a declaration → its Operation, checked and normalized once.
 * Pure data: nothing here compiles, documents or touches Fastify.
 */
import { routecraftError } from '../errors.js'
import { keySet } from '../common/objects.js'
import { handlerName } from './names.js'
import { normalizeUrl } from './url.js'
import { checkDeps } from './dependency.js'
import { checkMetadata } from './metadata.js'
import { checkKeys, checkMethods, checkSchema, checkStatus, checkString, ROUTE_CODES } from './checks.js'
import type { DepsMap, Operation, RouteDeclaration, SchemaSlot } from './types.js'

type AnyRouteDeclaration = RouteDeclaration<SchemaSlot, SchemaSlot, SchemaSlot, SchemaSlot, SchemaSlot, SchemaSlot, DepsMap, boolean | undefined>

// Every option of RouteDeclaration, checked by the compiler against the type.
const ROUTE_KEYS = keySet<AnyRouteDeclaration>({
  method: true, url: true, name: true, operationId: true, generateOperationId: true, summary: true, description: true, tags: true,
  deprecated: true, includeInSchema: true, params: true, query: true, headers: true, cookies: true, body: true, rawBody: true,
  response: true, status: true, responses: true, deps: true, openapiExtra: true, handler: true,
})

/** Checks a route declaration and normalizes it into its Operation; `where` names it in errors. */
export function declareRoute (decl: AnyRouteDeclaration): { operation: Operation; where: string } {
  if (typeof decl !== 'object' || decl === null) throw routecraftError('RC_ERR_ROUTE_NO_HANDLER', 'noDeclaration')
  const where = `route ${Array.isArray(decl.method) ? (decl.method as string[]).join(',') : String(decl.method)} ${String(decl.url)}`
  checkKeys(decl, ROUTE_KEYS, where, ROUTE_CODES.option)
  if (typeof decl.handler !== 'function') throw routecraftError('RC_ERR_ROUTE_NO_HANDLER', 'handler', { where })
  const methods = checkMethods(decl.method, where)
  const { url, pathParams } = normalizeUrl(decl.url, where)
  const params = checkSchema(decl.params, 'params', where, true)
  if (params !== undefined) {
    const declared = Object.keys(params.properties as object)
    for (const name of pathParams) {
      if (!declared.includes(name)) throw routecraftError('RC_ERR_ROUTE_PATH_PARAM', 'undeclared', { where, name })
    }
    for (const name of declared) {
      if (!pathParams.includes(name)) throw routecraftError('RC_ERR_ROUTE_PATH_PARAM', 'notInPath', { where, name })
    }
  }
  const headers = checkSchema(decl.headers, 'headers', where, true)
  for (const name of Object.keys((headers?.properties ?? {}) as object)) {
    if (name !== name.toLowerCase()) throw routecraftError('RC_ERR_ROUTE_SCHEMA', 'headerCase', { where, name, lower: name.toLowerCase() })
  }
  if (decl.rawBody !== undefined && typeof decl.rawBody !== 'boolean') throw routecraftError('RC_ERR_ROUTE_OPTION', 'rawBody', { where })
  if (decl.rawBody === true && decl.body !== undefined) throw routecraftError('RC_ERR_ROUTE_BODY_CONFLICT', 'rawBody', { where })
  if (decl.operationId !== undefined && methods.length > 1) {
    throw routecraftError('RC_ERR_ROUTE_OPTION', 'operationIdMethods', { where, methods })
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

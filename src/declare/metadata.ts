/**
 * The OpenAPI metadata every declaration shares (routes and webhooks), checked into the
 * fields of its Operation.
 */
import { RoutecraftError } from '../errors.js'
import { checkResponses, checkString } from './checks.js'
import type { Operation, OperationMetadata } from './types.js'

/** The OpenAPI metadata of a route or webhook declaration, checked once (the description is kept as declared: the OpenAPI merger cleans it). */
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
    description: checkString(decl.description, 'description', where),
    tags: Object.freeze([...tags]),
    deprecated: decl.deprecated ?? false,
    includeInSchema: decl.includeInSchema ?? true,
    openapiExtra: extra,
    responses: checkResponses(decl.responses, where),
  }
}

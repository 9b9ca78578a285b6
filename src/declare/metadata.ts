/**
 * The OpenAPI metadata every declaration shares (routes and webhooks), checked into the
 * fields of its Operation.
 */
import { routecraftError } from '../errors.js'
import { checkResponses, checkString, ROUTE_CODES } from './checks.js'
import { snapshotJson } from './json.js'
import type { Operation, OperationMetadata } from './types.js'

/** The OpenAPI metadata of a route or webhook declaration, checked once (the description is kept as declared: the OpenAPI merger cleans it). */
export function checkMetadata (decl: OperationMetadata, where: string, codes = ROUTE_CODES): Pick<Operation, 'operationId' | 'generateOperationId' | 'summary' | 'description' | 'tags' | 'deprecated' | 'includeInSchema' | 'openapiExtra' | 'responses'> {
  const tags = decl.tags ?? []
  if (!Array.isArray(tags) || !tags.every(t => typeof t === 'string')) throw routecraftError(codes.option, 'tags', { where })
  for (const flag of ['deprecated', 'includeInSchema'] as const) {
    if (decl[flag] !== undefined && typeof decl[flag] !== 'boolean') throw routecraftError(codes.option, 'boolean', { where, option: flag })
  }
  if (decl.generateOperationId !== undefined && typeof decl.generateOperationId !== 'function') {
    throw routecraftError(codes.option, 'function', { where, option: 'generateOperationId' })
  }
  const extra = decl.openapiExtra
  if (extra !== undefined && (typeof extra !== 'object' || extra === null || Array.isArray(extra))) {
    throw routecraftError(codes.option, 'object', { where, option: 'openapiExtra' })
  }
  const operationId = checkString(decl.operationId, 'operationId', where, codes)
  if (operationId === '') throw routecraftError(codes.option, 'emptyOperationId', { where })
  return {
    operationId,
    generateOperationId: decl.generateOperationId,
    summary: checkString(decl.summary, 'summary', where, codes),
    description: checkString(decl.description, 'description', where, codes),
    tags: Object.freeze([...tags]),
    deprecated: decl.deprecated ?? false,
    includeInSchema: decl.includeInSchema ?? true,
    // A copy, read once: later changes to the declared object change nothing.
    openapiExtra: extra === undefined ? undefined : snapshotJson(extra, `${where}: openapiExtra`),
    responses: checkResponses(decl.responses, where, codes),
  }
}

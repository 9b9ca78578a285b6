/**
 * What the document must get right, checked without building it: operationIds (unique, and
 * what a user's function returns), webhooks declared once, and one schema per `$id`. `openapi()`
 * runs this at `ready()`, so a broken document still stops the app from starting while the
 * document itself is built on its first request. Pure: no Fastify import.
 */
import { routecraftError } from '../errors.js'
import { describeOperation, findDuplicateOperationIds, generateUniqueId, nameFromRoute, type OperationRef } from './operation-id.js'
import { SchemaComponents } from './schema.js'
import { LITERAL_KEYWORDS, schemaFacts, TYPEBOX_KIND as Kind } from '../common/schemas.js'
import type { OperationIdFunction, RegistryEntry } from '../declare/types.js'

/** The operationId strategy of a document. */
export type OperationIdStrategy = 'default' | 'name' | OperationIdFunction

/** The name an operation goes by: declared, the handler's own, or from method and path. */
export function operationName (entry: RegistryEntry, method: string): string {
  return entry.op.name ?? (entry.op.kind === 'webhook' ? entry.path : nameFromRoute(method, entry.path))
}

/** The operationId of `entry` for `method` under the document's strategy. */
export function operationIdOf (entry: RegistryEntry, method: string, strategy: OperationIdStrategy): string {
  const { op } = entry
  if (op.operationId !== undefined) return op.operationId
  const name = operationName(entry, method)
  const fn = op.generateOperationId ?? (typeof strategy === 'function' ? strategy : undefined)
  if (fn !== undefined) {
    const id = fn({ name, path: entry.path, method: method.toLowerCase(), kind: op.kind })
    if (typeof id !== 'string' || id === '') throw routecraftError('RC_ERR_OPENAPI_OPTION', 'operationId', { id, method, path: entry.path })
    return id
  }
  if (strategy === 'name') return op.methods.length > 1 ? `${name}_${method.toLowerCase()}` : name
  return generateUniqueId({ name, path: entry.path, method })
}

/** The operationIds of the documented entries, by entry and method. */
export type OperationIds = ReadonlyMap<RegistryEntry, Readonly<Record<string, string>>>

/**
 * The operationId of every documented operation (a user's function is called once for each);
 * throws on a webhook declared twice or an operationId used twice.
 */
export function checkOperationIds (entries: readonly RegistryEntry[], strategy: OperationIdStrategy): OperationIds {
  const out = new Map<RegistryEntry, Record<string, string>>()
  const ids: OperationRef[] = []
  const webhooks = new Set<string>()
  for (const entry of entries) {
    if (!entry.op.includeInSchema) continue
    for (const method of entry.op.methods) {
      if (entry.op.kind === 'webhook') {
        const key = `${method} ${entry.path}`
        if (webhooks.has(key)) throw routecraftError('RC_ERR_OPENAPI_DUPLICATE_WEBHOOK', 'twice', { key })
        webhooks.add(key)
      }
      const operationId = operationIdOf(entry, method, strategy)
      ids.push({ operationId, method, url: entry.path, kind: entry.op.kind })
      const byMethod = out.get(entry) ?? {}
      byMethod[method] = operationId
      out.set(entry, byMethod)
    }
  }
  const clash = findDuplicateOperationIds(ids)[0]
  if (clash !== undefined) {
    throw routecraftError('RC_ERR_OPENAPI_DUPLICATE_OPERATION_ID', 'clash', { operationId: clash.operationId, first: describeOperation(clash.first), second: describeOperation(clash.second) })
  }
  return out
}

/**
 * Throws when two different schemas of the documented entries use one `$id` (the document
 * would need two components of one name). Only schemas with an `$id` are converted, each
 * object once; the rest is walked.
 */
export function checkSchemaIds (entries: readonly RegistryEntry[]): void {
  const components = new SchemaComponents()
  const seen = new WeakSet<object>()
  const walk = (node: unknown): void => {
    // A schema walked when declared and found without any $id has nothing to convert.
    if (typeof node !== 'object' || node === null || seen.has(node) || schemaFacts(node)?.ids === false) return
    seen.add(node)
    if (Array.isArray(node)) { node.forEach(walk); return }
    const rec = node as Record<string, unknown>
    if (typeof rec.$id === 'string' && rec.$id !== '') { components.convert(rec); return }
    for (const key of Object.keys(rec)) if (!LITERAL_KEYWORDS.has(key)) walk(rec[key])
  }
  // TypeBox schemas placed in openapiExtra are converted too; the rest of it is copied.
  const walkExtra = (node: unknown): void => {
    if (typeof node !== 'object' || node === null) return
    if (Kind in node) { walk(node); return }
    for (const value of Object.values(node)) walkExtra(value)
  }
  for (const entry of entries) {
    const { op, inputs } = entry
    if (!op.includeInSchema) continue
    for (const schema of Object.values(inputs)) walk(schema)
    walk(op.body)
    walk(op.response)
    for (const spec of Object.values(op.responses)) {
      walk(spec.schema)
      for (const media of Object.values(spec.content ?? {})) walk((media as { schema?: unknown }).schema)
      for (const header of Object.values(spec.headers ?? {})) walk(header.schema)
    }
    walkExtra(op.openapiExtra)
  }
}

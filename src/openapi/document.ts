/**
 * The document: routecraft's operations (routes and webhooks) turned into OpenAPI 3.1 path
 * items and merged into the base document @fastify/swagger produced (which holds whatever
 * plain Fastify routes the app also has). Pure: no Fastify import; run as swagger's
 * `transformObject`, once, and cached by it.
 */
import type { TSchema } from '@sinclair/typebox'
import { STATUS_CODES } from 'node:http'
import { RoutecraftError } from '../errors.js'
import { deepMerge } from './merge.js'
import { summaryFromName } from './operation-id.js'
import { checkOperationIds, operationName, type OperationIds, type OperationIdStrategy } from './ids.js'
import { SchemaComponents } from './schema.js'
import { cleanDescription } from './docstring.js'
import type { RegistryEntry } from '../declare/types.js'
import { hasNoBody } from '../common/http.js'
import { defineOwn } from '../common/objects.js'
import { TYPEBOX_KIND as Kind } from '../common/schemas.js'

type Json = Record<string, unknown>

export { operationIdOf, operationName, type OperationIdStrategy } from './ids.js'

/** FastAPI's validation error components. */
export const validationComponents: Record<string, Json> = {
  HTTPValidationError: {
    properties: { detail: { items: { $ref: '#/components/schemas/ValidationError' }, type: 'array', title: 'Detail' } },
    type: 'object',
    title: 'HTTPValidationError',
  },
  ValidationError: {
    properties: {
      loc: { items: { anyOf: [{ type: 'string' }, { type: 'integer' }] }, type: 'array', title: 'Location' },
      msg: { type: 'string', title: 'Message' },
      type: { type: 'string', title: 'Error Type' },
      input: { title: 'Input' },
      ctx: { type: 'object', title: 'Context' },
    },
    type: 'object',
    required: ['loc', 'msg', 'type'],
    title: 'ValidationError',
  },
}

const PARTS = [['params', 'path'], ['query', 'query'], ['headers', 'header'], ['cookies', 'cookie']] as const

function parameters (entry: RegistryEntry, components: SchemaComponents): Json[] {
  const out: Json[] = []
  for (const [slot, where] of PARTS) {
    const schema = entry.inputs[slot]
    if (schema === undefined) continue
    const required = new Set((schema.required as string[] | undefined) ?? [])
    for (const [name, prop] of Object.entries((schema.properties ?? {}) as Record<string, TSchema>)) {
      const param: Json = { name, in: where, required: where === 'path' || required.has(name) }
      if (typeof prop.description === 'string') param.description = prop.description
      if (prop.deprecated === true) param.deprecated = true
      param.schema = components.convert(prop)
      out.push(param)
    }
  }
  return out
}

function mediaSchema (schema: unknown, components: SchemaComponents): Json {
  return components.convert(schema)
}

function responsesOf (entry: RegistryEntry, components: SchemaComponents): { responses: Json; needs422: boolean } {
  const { op } = entry
  const responses: Json = {}
  const main = String(op.status)
  const noBody = hasNoBody(op.status)
  responses[main] = noBody
    ? { description: 'Successful Response' }
    : { description: 'Successful Response', content: { 'application/json': { schema: op.response === undefined ? {} : mediaSchema(op.response, components) } } }
  for (const [status, spec] of Object.entries(op.responses)) {
    const doc: Json = { ...(responses[status] as Json | undefined) }
    doc.description = spec.description ?? (doc.description as string | undefined) ?? statusDescription(status)
    const content: Json = { ...(doc.content as Json | undefined) }
    if (spec.schema !== undefined) content['application/json'] = { schema: mediaSchema(spec.schema, components) }
    for (const [media, value] of Object.entries(spec.content ?? {})) {
      const item: Json = {}
      for (const [k, v] of Object.entries(value)) item[k] = k === 'schema' ? mediaSchema(v, components) : v
      content[media] = item
    }
    if (Object.keys(content).length > 0) doc.content = content
    if (spec.headers !== undefined) {
      const headers: Json = {}
      for (const [name, h] of Object.entries(spec.headers)) {
        const header: Json = {}
        if (h.description !== undefined) header.description = h.description
        if (h.required !== undefined) header.required = h.required
        header.schema = h.schema === undefined ? { type: 'string' } : mediaSchema(h.schema, components)
        headers[name] = header
      }
      doc.headers = headers
    }
    responses[status] = doc
  }
  const hasInput = Object.keys(entry.inputs).length > 0 || op.body !== undefined
  const needs422 = hasInput && !['422', '4XX', 'default'].some(s => s in responses)
  if (needs422) {
    responses['422'] = { description: 'Validation Error', content: { 'application/json': { schema: { $ref: '#/components/schemas/HTTPValidationError' } } } }
  }
  return { responses, needs422 }
}

const RANGE_DESCRIPTIONS: Record<string, string> = { '1XX': 'Information', '2XX': 'Success', '3XX': 'Redirection', '4XX': 'Client Error', '5XX': 'Server Error', default: 'Default Response' }

/** FastAPI's default description of an additional response: the status's phrase. */
function statusDescription (status: string): string {
  return RANGE_DESCRIPTIONS[status] ?? STATUS_CODES[Number(status)] ?? 'Additional Response'
}

/**
 * TypeBox schemas placed inside `openapiExtra` (the seed's YAML body) get the conversion body
 * schemas get: `$id` schemas become component references, so the document never carries a
 * raw `$id` and the schema that validates is the one documented.
 */
function convertEmbedded (value: unknown, components: SchemaComponents): unknown {
  if (Array.isArray(value)) return value.map(v => convertEmbedded(v, components))
  if (typeof value !== 'object' || value === null) return value
  if (Kind in value) return components.convert(value)
  const out: Json = {}
  for (const key of Object.keys(value)) {
    defineOwn(out, key, convertEmbedded((value as Json)[key], components))
  }
  return out
}

/** One operation object. */
export function buildOperation (entry: RegistryEntry, method: string, operationId: string, components: SchemaComponents): { operation: Json; needs422: boolean } {
  const { op } = entry
  const operation: Json = {}
  if (op.tags.length > 0) operation.tags = [...op.tags]
  operation.summary = op.summary ?? summaryFromName(operationName(entry, method))
  const description = cleanDescription(op.description)
  if (description !== undefined) operation.description = description
  operation.operationId = operationId
  if (op.deprecated) operation.deprecated = true
  const params = parameters(entry, components)
  if (params.length > 0) operation.parameters = params
  if (op.body !== undefined) {
    operation.requestBody = { content: { 'application/json': { schema: mediaSchema(op.body, components) } }, required: true }
  }
  const { responses, needs422 } = responsesOf(entry, components)
  operation.responses = responses
  if (entry.security.length > 0) operation.security = entry.security.map(s => ({ [s.schemeName]: [...s.scopes] }))
  const merged = op.openapiExtra === undefined ? operation : deepMerge(operation, convertEmbedded(op.openapiExtra, components))
  return { operation: merged, needs422 }
}

/** Options of {@link buildDocument}. */
export interface DocumentOptions {
  readonly operationIds: OperationIdStrategy
  /** The ids {@link checkOperationIds} gave for these entries (computed here otherwise). */
  readonly ids?: OperationIds
}

/**
 * Adds routecraft's operations to `base` (swagger's document) and returns the new document.
 * Throws a RoutecraftError on duplicate operationIds or webhooks (FastAPI only warns).
 */
export function buildDocument (base: Json, entries: readonly RegistryEntry[], options: DocumentOptions): Json {
  const ids = options.ids ?? checkOperationIds(entries, options.operationIds)
  const components = new SchemaComponents()
  const paths: Json = { ...(base.paths as Json | undefined) }
  const webhooks: Json = { ...(base.webhooks as Json | undefined) }
  let any422 = false
  for (const entry of entries) {
    if (!entry.op.includeInSchema) continue
    for (const target of entry.refs ?? []) components.convert(target)
    for (const method of entry.op.methods) {
      const operationId = ids.get(entry)?.[method] as string
      const { operation, needs422 } = buildOperation(entry, method, operationId, components)
      any422 ||= needs422
      const target = entry.op.kind === 'webhook' ? webhooks : paths
      const item = { ...(target[entry.path] as Json | undefined) }
      item[method.toLowerCase()] = operation
      target[entry.path] = item
    }
  }

  const baseComponents = { ...(base.components as Json | undefined) }
  const schemas: Json = { ...(baseComponents.schemas as Json | undefined), ...components.schemas }
  if (any422) Object.assign(schemas, validationComponents)
  const securitySchemes: Json = { ...(baseComponents.securitySchemes as Json | undefined) }
  for (const entry of entries) {
    if (!entry.op.includeInSchema) continue
    for (const s of entry.security) securitySchemes[s.schemeName] = { ...s.scheme }
  }
  const doc: Json = { ...base, paths }
  if (Object.keys(webhooks).length > 0) doc.webhooks = webhooks
  else delete doc.webhooks
  const outComponents: Json = { ...baseComponents }
  if (Object.keys(schemas).length > 0) outComponents.schemas = sortKeys(schemas)
  else delete outComponents.schemas
  if (Object.keys(securitySchemes).length > 0) outComponents.securitySchemes = securitySchemes
  if (Object.keys(outComponents).length > 0) doc.components = outComponents
  else delete doc.components
  return doc
}

/**
 * `base` without the operations of routecraft's routes (and their automatic HEAD), for a base
 * built by a @fastify/swagger that listed them as plain routes.
 */
export function withoutOperations (base: Json, entries: readonly RegistryEntry[]): Json {
  const paths: Json = { ...(base.paths as Json | undefined) }
  for (const entry of entries) {
    if (entry.op.kind === 'webhook' || paths[entry.path] === undefined) continue
    const item = { ...(paths[entry.path] as Json) }
    for (const method of entry.op.methods) {
      delete item[method.toLowerCase()]
      if (method === 'GET') delete item.head
    }
    if (Object.keys(item).length === 0) delete paths[entry.path]
    else paths[entry.path] = item
  }
  return { ...base, paths }
}

function sortKeys (obj: Json): Json {
  const out: Json = {}
  for (const key of Object.keys(obj).sort()) defineOwn(out, key, obj[key])
  return out
}

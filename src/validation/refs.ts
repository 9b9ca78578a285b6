/**
 * References between schemas: `Type.Ref` to a schema with an `$id` routecraft has seen in a
 * declaration or to one the app added with `app.addSchema`, and `Type.Recursive` models.
 * Ajv and fast-json-stringify get one self-contained schema: every schema a reference needs
 * is placed under `$defs` and every `$ref` becomes a local JSON pointer, so no `$id` has to
 * be resolved (both tools keep `addUsedSchema: false`, as Fastify does).
 */
import type { TSchema } from '@sinclair/typebox'
import { routecraftError } from '../errors.js'
import { defineOwn, isRecord as isObject } from '../common/objects.js'
import { LITERAL_KEYWORDS as LITERAL, schemaFacts } from '../common/schemas.js'

type Json = Record<string, unknown>

/** The codes a schema's checks raise: a route's, or a webhook's (which has no app schemas to refer to). */
export interface SchemaCodes {
  readonly schema: 'RC_ERR_ROUTE_SCHEMA' | 'RC_ERR_WEBHOOK_SCHEMA'
  readonly ref: 'RC_ERR_ROUTE_SCHEMA_REF' | 'RC_ERR_WEBHOOK_SCHEMA'
}
export const ROUTE_SCHEMA_CODES: SchemaCodes = { schema: 'RC_ERR_ROUTE_SCHEMA', ref: 'RC_ERR_ROUTE_SCHEMA_REF' }
export const WEBHOOK_SCHEMA_CODES: SchemaCodes = { schema: 'RC_ERR_WEBHOOK_SCHEMA', ref: 'RC_ERR_WEBHOOK_SCHEMA' }

/**
 * On a `$ref` that schema preparation put in place of a schema (a repeated `$id`, a reference
 * by `$id` made a local pointer): the schema it stands for, out of sight of Ajv and
 * fast-json-stringify, so that error reporting can read a union member's tags through it.
 */
export const kRefTarget = Symbol('routecraft.refTarget')

// The first schema seen with each $id, from every declaration of the process.
const seen = new Map<string, TSchema>()
// The schemas of the app a route is being compiled for (`fastify.getSchemas()`), and the
// route's name for messages; set only while a route compiles (see withSchemas).
let appSchemas: Readonly<Record<string, unknown>> | undefined
let compiling: string | undefined


function walk (node: unknown, visit: (rec: Json) => void): void {
  if (Array.isArray(node)) { for (const n of node) walk(n, visit); return }
  if (!isObject(node)) return
  visit(node)
  for (const key of Object.keys(node)) if (!LITERAL.has(key)) walk(node[key], visit)
}

/** Remembers every sub-schema with an `$id`, so that later declarations may refer to it. */
export function rememberIds (schema: unknown): void {
  walk(schema, rememberId)
}

/** Remembers one sub-schema with an `$id` (the first seen with it). */
export function rememberId (rec: Json): void {
  if (typeof rec.$id === 'string' && !seen.has(rec.$id)) seen.set(rec.$id, rec as TSchema)
}

/** The schema `id` names: in the app being compiled for, else any declaration's. */
function lookup (id: string): TSchema | undefined {
  // Own keys only: an `$id` of `__proto__` or `constructor` names no inherited member.
  const fromApp = appSchemas !== undefined && Object.hasOwn(appSchemas, id) ? appSchemas[id] : undefined
  return isObject(fromApp) ? fromApp as TSchema : seen.get(id)
}

function refTarget (ref: string): { id: string; fragment: string } {
  const hash = ref.indexOf('#')
  return hash === -1 ? { id: ref, fragment: '' } : { id: ref.slice(0, hash), fragment: ref.slice(hash + 1) }
}

/**
 * The schemas `schema` refers to by `$id` that it does not contain itself, found by id
 * (closure included), and the references that resolve nowhere.
 */
export function externalRefs (schema: unknown): { found: Map<string, TSchema>; missing: string[] } {
  const own = new Set<string>()
  const found = new Map<string, TSchema>()
  const missing: string[] = []
  // Walked when declared and found without a reference by $id.
  if (schemaFacts(schema)?.refs === false) return { found, missing }
  const queue: unknown[] = [schema]
  while (queue.length > 0) {
    const next = queue.pop()
    walk(next, rec => { if (typeof rec.$id === 'string') own.add(rec.$id) })
    walk(next, rec => {
      if (typeof rec.$ref !== 'string') return
      const { id } = refTarget(rec.$ref)
      if (id === '' || own.has(id) || found.has(id) || missing.includes(rec.$ref)) return
      const target = lookup(id)
      if (target === undefined) { missing.push(rec.$ref); return }
      found.set(id, target)
      queue.push(target)
    })
  }
  return { found, missing }
}

function refersTo (schema: unknown, id: string): boolean {
  let any = false
  walk(schema, rec => { if (typeof rec.$ref === 'string' && refTarget(rec.$ref).id === id) any = true })
  return any
}

/** Compiles under the app's shared schemas, naming `where` in reference errors. */
export function withSchemas<T> (schemas: Readonly<Record<string, unknown>> | undefined, where: string, build: () => T): T {
  const before = [appSchemas, compiling] as const
  appSchemas = schemas
  compiling = where
  try {
    return build()
  } finally {
    [appSchemas, compiling] = before
  }
}

/** Whether a compile is running with an app's schemas (its results are that app's alone). */
export function compilingForApp (): boolean {
  return appSchemas !== undefined
}

const escapePointer = (s: string): string => s.replace(/~/g, '~0').replace(/\//g, '~1')

/**
 * `schema` as one self-contained schema: its own sub-schemas with an `$id` and every schema
 * its references need under `$defs`, each `$ref` a local pointer, no `$id` left.
 */
export function bundle (schema: TSchema, codes = ROUTE_SCHEMA_CODES): TSchema {
  const { found, missing } = externalRefs(schema)
  if (missing.length > 0) {
    throw routecraftError(codes.ref, 'unresolved', { where: compiling ?? 'a schema', ref: missing[0] })
  }
  // A root that refers to itself (Type.Recursive) is placed under $defs like the others: a
  // `$ref: '#'` to the root is what fast-json-stringify cannot follow.
  const selfId = typeof schema.$id === 'string' && refersTo(schema, schema.$id) ? schema.$id : undefined
  const defs = new Map<string, unknown>()
  const place = (node: unknown): void => walk(node, rec => {
    if (typeof rec.$id !== 'string') return
    const before = defs.get(rec.$id)
    if (before === undefined) defs.set(rec.$id, rec)
    else if (before !== rec && JSON.stringify(before) !== JSON.stringify(rec)) throw routecraftError(codes.schema, 'sameId', { id: rec.$id })
  })
  place(schema)
  for (const [id, target] of found) { if (!defs.has(id)) defs.set(id, target); place(target) }
  if (selfId === undefined && typeof schema.$id === 'string') defs.delete(schema.$id)
  const pointer = (id: string): string => `#/$defs/${escapePointer(id)}`
  const rewrite = (node: unknown, top: boolean): unknown => {
    if (Array.isArray(node)) return node.map(n => rewrite(n, false))
    if (!isObject(node)) return node
    if (!top && typeof node.$id === 'string') return Object.defineProperty({ $ref: pointer(node.$id) }, kRefTarget, { value: node })
    const copy: Json = {}
    for (const key of Object.keys(node)) {
      if (key === '$id') continue
      let value = LITERAL.has(key) ? node[key] : rewrite(node[key], false)
      if (key === '$ref' && typeof value === 'string' && !value.startsWith('#')) {
        const { id, fragment } = refTarget(value)
        value = pointer(id) + (fragment.startsWith('/') ? fragment : '')
        if (fragment === '') Object.defineProperty(copy, kRefTarget, { value: defs.get(id) })
      }
      defineOwn(copy, key, value)
    }
    return copy
  }
  const out = (selfId === undefined ? rewrite(schema, true) : { $ref: pointer(selfId) }) as Json
  if (defs.size > 0) {
    const $defs: Json = isObject(out.$defs) ? { ...out.$defs } : {}
    for (const [id, def] of defs) defineOwn($defs, id, rewrite(def, true))
    out.$defs = $defs
  }
  return out as TSchema
}

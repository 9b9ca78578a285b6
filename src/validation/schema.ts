/**
 * Schemas as Ajv and fast-json-stringify take them.
 */
import type { TSchema } from '@sinclair/typebox'
import { routecraftError } from '../errors.js'
import { bundle, compilingForApp, externalRefs, kRefTarget, rememberId, ROUTE_SCHEMA_CODES, type SchemaCodes } from './refs.js'
import { defineOwn } from '../common/objects.js'


export { kRefTarget }

const COMPOSING = new Set(['allOf', 'anyOf', 'oneOf', 'not', 'if', '$ref', 'additionalProperties', 'patternProperties', 'unevaluatedProperties', 'dependentSchemas', 'propertyNames'])
const prepared = new WeakMap<object, Prepared>()

/** A schema ready for Ajv and fast-json-stringify, and the schemas its references needed. */
export interface Prepared { schema: TSchema; simple: boolean; references: TSchema[] }

const TYPES = new Set(['string', 'number', 'integer', 'boolean', 'object', 'array', 'null'])

/**
 * The mistakes of hand-written schemas (`Type.Unsafe(…)`) that Ajv would only report when
 * compiling, which now waits for a route's first request: an unknown `type`, a `required` that
 * is not a list of names. An object value is skipped: in a `properties` map, `type` and
 * `required` are property names.
 */
function checkKeywords (rec: Record<string, unknown>, code: SchemaCodes['schema']): void {
  const { type, required } = rec
  if (type !== undefined && (typeof type !== 'object' || Array.isArray(type))) {
    const list: unknown[] = Array.isArray(type) ? type : [type]
    if (list.length === 0 || !list.every(t => typeof t === 'string' && TYPES.has(t))) {
      throw routecraftError(code, 'type', { type, known: TYPES })
    }
  }
  if (required !== undefined && (typeof required !== 'object' || Array.isArray(required)) && !(Array.isArray(required) && required.every(r => typeof r === 'string'))) {
    throw routecraftError(code, 'required', { required })
  }
}

/**
 * The schema Ajv and fast-json-stringify are given: one TypeBox schema with an `$id` used
 * twice in a tree (`{ billing: Address, shipping: Address }`) becomes one definition and a
 * `$ref`, since both tools refuse an `$id` that appears twice. Two *different* schemas with
 * one `$id` are a declaration mistake, as are the mistakes {@link checkKeywords} finds and a
 * `$ref` to a schema the tree does not hold: this walk is the check a schema gets when it is
 * declared (compiling it waits for first use). The original object is returned when nothing
 * repeats, so compiled validators stay shared.
 */
export function prepareSchema (schema: TSchema, codes = ROUTE_SCHEMA_CODES): Prepared {
  const hit = prepared.get(schema)
  if (hit !== undefined) return hit
  const seen = new Map<string, string>()
  let repeats = false
  let simple = true
  let byId = false
  // One walk: the keyword checks, the $ids (remembered for later declarations, repeats
  // found), references by $id.
  const scan = (node: unknown): void => {
    if (Array.isArray(node)) { node.forEach(scan); return }
    if (typeof node !== 'object' || node === null) return
    const rec = node as Record<string, unknown>
    checkKeywords(rec, codes.schema)
    if (typeof rec.$ref === 'string' && !rec.$ref.startsWith('#')) byId = true
    if (typeof rec.$id === 'string') {
      rememberId(rec)
      const text = JSON.stringify(rec)
      const before = seen.get(rec.$id)
      if (before !== undefined) {
        if (before !== text) throw routecraftError(codes.schema, 'sameId', { id: rec.$id })
        repeats = true
        return
      }
      seen.set(rec.$id, text)
    }
    for (const key of Object.keys(rec)) {
      if (COMPOSING.has(key)) simple = false
      if (key === 'default' || key === 'examples' || key === 'const' || key === 'enum') continue
      scan(rec[key])
    }
  }
  scan(schema)
  if (byId) {
    // References by $id (Type.Ref to a schema seen or of the app, Type.Recursive): one
    // self-contained schema; a reference that resolves nowhere is RC_ERR_ROUTE_SCHEMA_REF.
    const result = { schema: bundle(schema, codes), simple: false, references: [...externalRefs(schema).found.values()] }
    // Built with one app's shared schemas: that app's alone.
    if (!compilingForApp()) prepared.set(schema, result)
    return result
  }
  const out = repeats ? refsForRepeats(schema) : schema
  if (repeats) simple = false
  const result = { schema: out, simple, references: [] }
  prepared.set(schema, result)
  return result
}

/** `schema` with each repeated `$id` kept at its first place and a `$ref` to it elsewhere. */
function refsForRepeats (schema: TSchema): TSchema {
  const placed = new Set<string>()
  const rewrite = (node: unknown, top: boolean): unknown => {
    if (Array.isArray(node)) return node.map(n => rewrite(n, false))
    if (typeof node !== 'object' || node === null) return node
    const rec = node as Record<string, unknown>
    if (!top && typeof rec.$id === 'string') {
      // The reference keeps (out of sight of Ajv and fast-json-stringify) the schema it stands
      // for, so that error reporting can read a union member's tags through it.
      if (placed.has(rec.$id)) return Object.defineProperty({ $ref: rec.$id }, kRefTarget, { value: rec })
      placed.add(rec.$id)
    }
    const copy: Record<string, unknown> = {}
    for (const key of Object.keys(rec)) {
      defineOwn(copy, key, key === 'default' || key === 'examples' || key === 'const' || key === 'enum' ? rec[key] : rewrite(rec[key], false))
    }
    return copy
  }
  if (typeof schema.$id === 'string') placed.add(schema.$id)
  return rewrite(schema, true) as TSchema
}

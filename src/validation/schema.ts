/**
 * Schemas as Ajv and fast-json-stringify take them.
 */
import type { TSchema } from '@sinclair/typebox'
import { routecraftError } from '../errors.js'
import { bundle, compilingForApp, externalRefs, kRefTarget, rememberId, ROUTE_SCHEMA_CODES, type SchemaCodes } from './refs.js'
import { defineOwn } from '../common/objects.js'
import { COMPOSING_KEYWORDS, keywordProblem, LITERAL_KEYWORDS, schemaFacts } from '../common/schemas.js'


export { kRefTarget }

const prepared = new WeakMap<object, Prepared>()

/** A schema ready for Ajv and fast-json-stringify, and the schemas its references needed. */
export interface Prepared { schema: TSchema; simple: boolean; references: TSchema[] }

/** Throws the keyword mistake of one schema node (see keywordProblem), if it has one. */
function checkKeywords (rec: Record<string, unknown>, code: SchemaCodes['schema']): void {
  const problem = keywordProblem(rec)
  if (problem !== undefined) throw routecraftError(code, problem.message, problem.values)
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
  // Walked when declared, with nothing to remember, repeat or resolve: ready as it is.
  const facts = schemaFacts(schema)
  if (facts !== undefined && !facts.ids && !facts.refs) {
    const result = { schema, simple: !facts.composing, references: [] }
    prepared.set(schema, result)
    return result
  }
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
      if (COMPOSING_KEYWORDS.has(key)) simple = false
      if (LITERAL_KEYWORDS.has(key)) continue
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
      defineOwn(copy, key, LITERAL_KEYWORDS.has(key) ? rec[key] : rewrite(rec[key], false))
    }
    return copy
  }
  if (typeof schema.$id === 'string') placed.add(schema.$id)
  return rewrite(schema, true) as TSchema
}

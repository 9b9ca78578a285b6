/**
 * Ajv's errors in pydantic's field order: Ajv reports every missing required field of an
 * object before the errors of its present fields; pydantic walks the fields in declaration
 * order. Only failing requests come here: nothing of this runs for a valid one.
 */
import type { ErrorObject } from 'ajv'
import { isRecord as isObject } from '../common/objects.js'
import { PathIndex } from './paths.js'

type Json = Record<string, unknown>


// Ajv's `schemaPath` segment for a property name (its `escapeFragment`).
const fragment = (key: string): string => encodeURIComponent(key.replace(/~/g, '~0').replace(/\//g, '~1'))

/** One object that misses a field, and the errors that {@link fieldOrder} reorders for it. */
interface FieldGroup {
  /** The object's instance path, and its schema path followed by `/properties/`. */
  readonly at: string
  readonly prefix: string
  readonly required: string
  /** Property (as a schema path segment) → its declaration index. */
  readonly ranks: ReadonlyMap<string, number>
  /** `[rank, index of the error]`. */
  readonly members: Array<readonly [number, number]>
}

// Per object schema (shared by every item of an array of them): its properties' ranks.
const ranked = new WeakMap<object, ReadonlyMap<string, number>>()
const NO_RANKS: ReadonlyMap<string, number> = new Map()

function ranksOf (schema: unknown): ReadonlyMap<string, number> {
  /* c8 ignore next -- with `verbose`, Ajv gives a required error the object schema */
  if (!isObject(schema)) return NO_RANKS
  let ranks = ranked.get(schema)
  if (ranks === undefined) {
    ranks = new Map(isObject(schema.properties) ? Object.keys(schema.properties).map((name, i) => [fragment(name), i]) : [])
    ranked.set(schema, ranks)
  }
  return ranks
}

/**
 * The errors with each object's missing-field errors moved among its fields' errors, in the
 * order the object schema declares its properties (pydantic's order). Stable otherwise.
 * Linear in the errors' paths, whatever their number: each error finds the objects it
 * belongs to among its instance path's ancestors (paths.ts).
 */
export function fieldOrder (errors: readonly ErrorObject[]): ErrorObject[] {
  // Each object (instance path and schema path) with a missing field, by instance path.
  const byAt = new Map<string, FieldGroup[]>()
  const index = new PathIndex<FieldGroup>()
  const groups: FieldGroup[] = []
  const groupOf = (e: ErrorObject): FieldGroup | undefined => byAt.get(e.instancePath)?.find(g => g.required === e.schemaPath)
  for (const e of errors) {
    if (e.keyword !== 'required' || groupOf(e) !== undefined) continue
    const group: FieldGroup = { at: e.instancePath, prefix: `${e.schemaPath.slice(0, -'/required'.length)}/properties/`, required: e.schemaPath, ranks: ranksOf(e.parentSchema), members: [] }
    groups.push(group)
    index.add(e.instancePath, group)
    const here = byAt.get(e.instancePath)
    if (here === undefined) byAt.set(e.instancePath, [group])
    else here.push(group)
  }
  if (groups.length === 0) return [...errors]
  const rank = (group: FieldGroup, segment: string): number => group.ranks.get(segment) ?? -1
  for (let i = 0; i < errors.length; i++) {
    const e = errors[i] as ErrorObject
    if (e.keyword === 'required') {
      const own = groupOf(e) as FieldGroup
      own.members.push([rank(own, fragment(String((e.params as Json).missingProperty))), i])
    }
    // The objects this error is inside of: those at a strict ancestor of its instance path.
    for (const [group] of index.along(e.instancePath, true)) {
      if (e.schemaPath.startsWith(group.prefix)) group.members.push([rank(group, e.schemaPath.slice(group.prefix.length).split('/', 1)[0] as string), i])
    }
  }
  // Outermost first; each group's errors keep their slots and are sorted by field (stably).
  // `slot[i]`: where error i stands now; `out[slot]`: the error's index.
  const slot = Array.from(errors, (_, i) => i)
  const out = slot.slice()
  groups.sort((a, b) => a.at.length - b.at.length || a.required.length - b.required.length)
  for (const { members } of groups) {
    if (members.length < 2) continue
    const slots = members.map(([, i]) => slot[i] as number).sort((a, b) => a - b)
    members.sort((a, b) => a[0] - b[0] || (slot[a[1]] as number) - (slot[b[1]] as number))
    for (let k = 0; k < members.length; k++) {
      const i = (members[k] as readonly [number, number])[1]
      out[slots[k] as number] = i
      slot[i] = slots[k] as number
    }
  }
  return out.map(i => errors[i] as ErrorObject)
}

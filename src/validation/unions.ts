/**
 * Ajv's errors put in pydantic's shape where the two differ by structure (the field order is
 * field-order.ts's):
 *
 * - Unions (`anyOf`/`oneOf`). Ajv reports each branch's errors and then "must match a schema
 *   in anyOf"; pydantic-core's union validator reports each member's errors with the member in
 *   `loc` (`["body", "Cat", "meows"]`), and nothing for the `None` of an `X | None` (a
 *   nullable, not a member). A union with a `discriminator` (pydantic's tagged union) reads
 *   the tag first: `union_tag_not_found` when it is missing, `union_tag_invalid` when no
 *   member takes it, otherwise only that member's errors, with the tag in `loc`
 *   ({@link placeUnions}).
 *
 * Only failing requests come here: nothing of this runs for a valid one.
 */
import type { ErrorObject } from 'ajv'
import { isRecord as isObject } from '../common/objects.js'
import { kRefTarget } from './refs.js'
import { PathIndex } from './paths.js'
import { orList, pyRepr, pyStr } from './python.js'

type Json = Record<string, unknown>


// ---------------------------------------------------------------------------------------------
// Unions
// ---------------------------------------------------------------------------------------------

/** The values a member accepts for the discriminator property (its `Literal`s). */
function tagsOf (member: unknown, property: string): unknown[] {
  const target = isObject(member) ? (member as { [kRefTarget]?: unknown })[kRefTarget] ?? member : member
  const schema = isObject(target) && isObject(target.properties) ? target.properties[property] : undefined
  if (!isObject(schema)) return []
  if ('const' in schema) return [schema.const]
  if (Array.isArray(schema.enum)) return schema.enum
  if (Array.isArray(schema.anyOf)) return schema.anyOf.flatMap(s => isObject(s) && 'const' in s ? [s.const] : [])
  return []
}

const SCALAR_LABELS: Record<string, string> = { string: 'str', integer: 'int', number: 'float', boolean: 'bool', null: 'none' }

/** pydantic's name for a union member in `loc`: the model's name, or the type (`int`, `list[str]`). */
export function memberLabel (member: unknown): string {
  if (!isObject(member)) return 'any'
  if (typeof member.$id === 'string' && member.$id !== '') return member.$id
  if (typeof member.title === 'string' && member.title !== '') return member.title
  if (typeof member.$ref === 'string') return member.$ref.slice(member.$ref.lastIndexOf('/') + 1)
  if ('const' in member) return `literal[${pyRepr(member.const)}]`
  if (Array.isArray(member.enum)) return `literal[${member.enum.map(pyRepr).join(',')}]`
  if (member.format === 'date-time') return 'datetime'
  if (member.format === 'date') return 'date'
  const type = member.type
  if (type === 'array') return `list[${member.items === undefined ? 'any' : memberLabel(member.items)}]`
  if (type === 'object') return `dict[str,${isObject(member.additionalProperties) ? memberLabel(member.additionalProperties) : 'any'}]`
  return typeof type === 'string' ? SCALAR_LABELS[type] ?? type : 'any'
}

/** A problem reported for a union itself, not for one of its members. */
export interface UnionProblem { type: string; msg: string; ctx?: Record<string, unknown> }

/** What a failing union reports: its own problem, or which members' errors count and their labels. */
interface UnionDecision {
  readonly own: UnionProblem | undefined
  /** Per branch: `undefined` to drop its errors, `''` to keep them without a label, or the label. */
  readonly labels: ReadonlyArray<string | undefined>
  /**
   * The branch that holds the errors a recursive schema re-enters this union for (their
   * schema paths repeat this union's own, so they do not name the branch): the member a tag
   * chose, -1 to drop them (a tag problem: pydantic checks no member), or undefined when
   * nothing tells (a plain union: they are placed by the nearer union alone).
   */
  readonly deeper?: number
}

const NOT_OBJECT: UnionProblem = { type: 'model_attributes_type', msg: 'Input should be a valid dictionary or object to extract fields from' }

function decide (union: ErrorObject, data: unknown): UnionDecision {
  /* c8 ignore next 2 -- with `verbose`, Ajv gives an anyOf/oneOf error its members and its schema */
  const members = Array.isArray(union.schema) ? union.schema as unknown[] : []
  const parent = isObject(union.parentSchema) ? union.parentSchema : {}
  const discriminator = isObject(parent.discriminator) && typeof parent.discriminator.propertyName === 'string' ? parent.discriminator.propertyName : undefined
  if (discriminator !== undefined) {
    const drop = members.map(() => undefined)
    const quoted = pyRepr(discriminator)
    if (!isObject(data)) return { own: NOT_OBJECT, labels: drop, deeper: -1 }
    if (!Object.hasOwn(data, discriminator)) {
      return { own: { type: 'union_tag_not_found', msg: `Unable to extract tag using discriminator ${quoted}`, ctx: { discriminator: quoted } }, labels: drop, deeper: -1 }
    }
    const tag = data[discriminator]
    const chosen = members.findIndex(m => tagsOf(m, discriminator).some(t => t === tag))
    if (chosen === -1) {
      const expected = members.flatMap(m => tagsOf(m, discriminator)).map(pyRepr).join(', ')
      return {
        own: { type: 'union_tag_invalid', msg: `Input tag '${pyStr(tag)}' found using ${quoted} does not match any of the expected tags: ${expected}`, ctx: { discriminator: quoted, tag: pyStr(tag), expected_tags: expected } },
        labels: drop,
        deeper: -1,
      }
    }
    return { own: undefined, labels: members.map((_, i) => i === chosen ? pyStr(tag) : undefined), deeper: chosen }
  }
  // Literal['a', 'b'] (a union of constants) is one literal check in pydantic: one error.
  if (members.length > 1 && members.every(m => isObject(m) && 'const' in m)) {
    const expected = members.map(m => pyRepr((m as Json).const))
    const text = orList(expected)
    return { own: { type: 'literal_error', msg: `Input should be ${text}`, ctx: { expected: text } }, labels: members.map(() => undefined) }
  }
  // `X | None` is pydantic's nullable: X's errors without a label, nothing for None.
  const isNull = (m: unknown): boolean => isObject(m) && m.type === 'null'
  const others = members.filter(m => !isNull(m)).length
  return { own: undefined, labels: members.map(m => isNull(m) ? undefined : others === 1 ? '' : memberLabel(m)) }
}

/** One Ajv error placed in pydantic's shape: dropped, or kept with labels to insert into its `loc`. */
export interface Placed {
  readonly error: ErrorObject
  /** `[depth in the instance path, label]`, outermost first. */
  readonly labels: ReadonlyArray<readonly [number, string]>
  /** Set for a union's own error that pydantic reports (tag problems). */
  readonly problem?: UnionProblem
}


/**
 * Errors with the unions resolved: errors inside a union member carry that member's label,
 * errors pydantic would not report are left out, and a union's own error stays only when it
 * is a tag problem. `dataAt` gives the value at an instance path (as it was sent).
 */
export function placeUnions (errors: readonly ErrorObject[], dataAt: (e: ErrorObject) => unknown): Placed[] {
  const unions = errors.filter(e => (e.keyword === 'anyOf' || e.keyword === 'oneOf') && (e.params as Json).passingSchemas == null)
  if (unions.length === 0) return errors.map(error => ({ error, labels: [] }))
  const decisions = new Map<ErrorObject, UnionDecision>(unions.map(u => [u, decide(u, dataAt(u))]))
  const order = new Map<ErrorObject, number>(errors.map((e, i) => [e, i]))
  // A union can only hold errors at its instance path or below it: each error looks up the
  // unions at its path and its ancestors (never every union: an array of failing unions
  // would make that quadratic).
  const index = new PathIndex<ErrorObject>()
  for (const u of unions) index.add(u.instancePath, u)
  const out: Placed[] = []
  for (const error of errors) {
    // The unions around the error, innermost first. A recursive schema re-enters a union at a
    // deeper instance path with the same schema path: only the nearest of those places the
    // error by its schema path; the outer ones use their `deeper` branch.
    const enclosing: Array<readonly [ErrorObject, number, number]> = []
    const placedBy = new Set<string>()
    if (decisions.has(error)) placedBy.add(error.schemaPath)
    const around = index.along(error.instancePath, false)
    // Innermost first: at one path, the union written inside the other (the longer schema path).
    around.sort(([a, da], [b, db]) => db - da || b.schemaPath.length - a.schemaPath.length)
    for (const [u, at] of around) {
      if (u === error) continue
      const decision = decisions.get(u) as UnionDecision
      const branch = placedBy.has(u.schemaPath) ? decision.deeper : branchOf(u, error, order)
      if (branch === undefined || branch === -1) {
        if (branch === -1 && placedBy.has(u.schemaPath)) enclosing.push([u, -1, at])
        continue
      }
      placedBy.add(u.schemaPath)
      enclosing.push([u, branch, at])
    }
    const labels: Array<readonly [number, string]> = []
    let keep = true
    for (let k = enclosing.length - 1; k >= 0; k--) {
      const [u, branch, at] = enclosing[k] as readonly [ErrorObject, number, number]
      const label = branch === -1 ? undefined : (decisions.get(u) as UnionDecision).labels[branch]
      if (label === undefined) { keep = false; break }
      if (label !== '') labels.push([at, label])
    }
    if (!keep) continue
    const own = decisions.get(error)
    if (own === undefined) out.push({ error, labels })
    else if (own.own !== undefined) out.push({ error, labels, problem: own.own })
  }
  return out
}

/**
 * The branch of union `u` that reported `e`, or -1. Inside a member written inline, Ajv's
 * schema path goes through the union's (`…/anyOf/1/…`); inside a member that is a `$ref` (a
 * model used twice in one schema), the path starts at the referenced schema (`Dog/required`),
 * so the member is found by its reference, among the errors at or under the union's
 * instance path (the only ones asked about) that Ajv reported before the union's own.
 */
function branchOf (u: ErrorObject, e: ErrorObject, order: ReadonlyMap<ErrorObject, number>): number {
  if (e.schemaPath.startsWith(`${u.schemaPath}/`)) return Number(e.schemaPath.slice(u.schemaPath.length + 1).split('/', 1)[0])
  if ((order.get(e) as number) > (order.get(u) as number)) return -1
  /* c8 ignore next -- with `verbose`, Ajv gives an anyOf/oneOf error its members */
  const members = Array.isArray(u.schema) ? u.schema as unknown[] : []
  // `Dog` (a repeated $id made a reference) or `#/$defs/Dog` (a reference by $id).
  return members.findIndex(m => isObject(m) && typeof m.$ref === 'string' && e.schemaPath.startsWith(`${m.$ref}/`))
}

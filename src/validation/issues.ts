/**
 * Ajv errors → FastAPI's `{ type, loc, msg, input }`.
 */
import type { ErrorObject } from 'ajv'
import { bounded, echoBudget, ISSUE_LIMITS, tooManyIssues } from './limits.js'
import { placeUnions } from './unions.js'
import { fieldOrder } from './field-order.js'
import { Unparsed } from './scalars.js'
import { orList, pyRepr } from './python.js'

/**
 * One validation problem, in FastAPI's shape (`loc` relative to the value).
 *
 * @example
 * ```ts
 * const issue: ValidationIssue = { type: 'missing', loc: ['username'], msg: 'Field required', input: {} }
 * ```
 */
export interface ValidationIssue { type: string; loc: Array<string | number>; msg: string; input: unknown; ctx?: Record<string, unknown> }

/**
 * The result of validating a value: the cleaned value, or the issues found.
 *
 * @example
 * ```ts
 * const r: ValidationResult<number> = Number.isFinite(x) ? { ok: true, value: x } : { ok: false, errors: [] }
 * ```
 */
export type ValidationResult<T> = { ok: true; value: T } | { ok: false; errors: ValidationIssue[] }


const typeNames: Record<string, [string, string]> = {
  string: ['string_type', 'Input should be a valid string'],
  number: ['float_type', 'Input should be a valid number'],
  integer: ['int_type', 'Input should be a valid integer'],
  boolean: ['bool_type', 'Input should be a valid boolean'],
  array: ['list_type', 'Input should be a valid list'],
  object: ['model_attributes_type', 'Input should be a valid dictionary or object to extract fields from'],
  null: ['none_required', 'Input should be None'],
}

function pointerToLoc (pointer: string): Array<string | number> {
  if (pointer === '') return []
  return pointer.slice(1).split('/').map(seg => {
    const s = seg.replace(/~1/g, '/').replace(/~0/g, '~')
    return /^(0|[1-9]\d*)$/.test(s) ? Number(s) : s
  })
}

const PARAMETER_PARTS = new Set<unknown>(['path', 'query', 'header', 'cookie'])

const PARSING: Record<string, [string, string]> = {
  integer: ['int_parsing', 'Input should be a valid integer, unable to parse string as an integer'],
  number: ['float_parsing', 'Input should be a valid number, unable to parse string as a number'],
  boolean: ['bool_parsing', 'Input should be a valid boolean, unable to interpret input'],
  integer_size: ['int_parsing_size', 'Unable to parse input string as an integer, exceeded maximum size'],
}

/** The value at a JSON pointer of `root`, own properties only. */
function at (root: unknown, path: ReadonlyArray<string | number>): unknown {
  let node = root
  for (const seg of path) {
    if (typeof node !== 'object' || node === null || !Object.hasOwn(node, seg)) return undefined
    node = (node as Record<string | number, unknown>)[seg]
  }
  return node
}

const plural = (n: unknown, word: string): string => `${String(n)} ${word}${n === 1 ? '' : 's'}`

/**
 * The keywords whose issue is the value as sent and a type and message read off the error's
 * params; `issue()` below shapes the others (their loc or input differ).
 */
const MESSAGES = new Map<string, (p: Record<string, unknown>) => readonly [string, string]>([
  ['minLength', p => ['string_too_short', `String should have at least ${plural(p.limit, 'character')}`]],
  ['maxLength', p => ['string_too_long', `String should have at most ${plural(p.limit, 'character')}`]],
  ['minimum', p => ['greater_than_equal', `Input should be greater than or equal to ${String(p.limit)}`]],
  ['exclusiveMinimum', p => ['greater_than', `Input should be greater than ${String(p.limit)}`]],
  ['maximum', p => ['less_than_equal', `Input should be less than or equal to ${String(p.limit)}`]],
  ['exclusiveMaximum', p => ['less_than', `Input should be less than ${String(p.limit)}`]],
  ['multipleOf', p => ['multiple_of', `Input should be a multiple of ${String(p.multipleOf)}`]],
  ['pattern', p => ['string_pattern_mismatch', `String should match pattern '${String(p.pattern)}'`]],
  ['minItems', p => ['too_short', `List should have at least ${plural(p.limit, 'item')} after validation`]],
  ['maxItems', p => ['too_long', `List should have at most ${plural(p.limit, 'item')} after validation`]],
  ['enum', p => {
    return ['enum', `Input should be ${orList((p.allowedValues as unknown[]).map(pyRepr))}`]
  }],
  ['format', p => {
    if (p.format === 'date-time') return ['datetime_from_date_parsing', 'Input should be a valid datetime']
    if (p.format === 'date') return ['date_from_datetime_parsing', 'Input should be a valid date']
    return ['value_error', `Input should be a valid ${String(p.format)}`]
  }],
])

/** A `type` error: pydantic's parsing error for a parameter sent as a string, else its type error. */
function typeIssue (e: ErrorObject, loc: Array<string | number>, prefix: Array<string | number>): ValidationIssue {
  // A parameter pydantic could not parse (scalars.ts): its error, the string as sent.
  if (e.data instanceof Unparsed) {
    const [type, msg] = PARSING[e.data.kind] as [string, string]
    return { type, loc, msg, input: e.data.input }
  }
  const p = e.params as Record<string, unknown>
  const t = Array.isArray(p.type) ? String(p.type[0]) : String(p.type)
  // A parameter arrives as a string: Pydantic says it could not parse it.
  const parsing = typeof e.data === 'string' && PARAMETER_PARTS.has(prefix[0]) ? PARSING[t] : undefined
  const [type, msg] = parsing ?? typeNames[t] ?? ['type_error', `Input should be of type ${t}`]
  return { type, loc, msg, input: e.data }
}

function issue (e: ErrorObject, prefix: Array<string | number>, original: { value: unknown } | undefined): ValidationIssue {
  const path = pointerToLoc(e.instancePath)
  const loc = [...prefix, ...path]
  // Pydantic reports the input as it was sent; Ajv's data has defaults and removals applied.
  if (original !== undefined) e = { ...e, data: at(original.value, path) }
  const p = e.params as Record<string, unknown>
  const message = MESSAGES.get(e.keyword)
  if (message !== undefined) {
    const [type, msg] = message(p)
    return { type, loc, msg, input: e.data }
  }
  switch (e.keyword) {
    case RECURSION_KEYWORD:
      return { type: 'recursion_loop', loc, msg: 'Recursion error - cyclic reference detected', input: e.data }
    case 'required':
      // FastAPI reports a missing parameter with input null, a missing body field with the
      // object it is missing from.
      return { type: 'missing', loc: [...loc, String(p.missingProperty)], msg: 'Field required', input: PARAMETER_PARTS.has(prefix[0]) && e.instancePath === '' ? null : e.data ?? null }
    case 'type':
      return typeIssue(e, loc, prefix)
    case 'const':
      return { type: 'literal_error', loc, msg: `Input should be ${pyRepr(p.allowedValue)}`, input: e.data, ctx: { expected: pyRepr(p.allowedValue) } }
    case 'additionalProperties':
      return { type: 'extra_forbidden', loc: [...loc, String(p.additionalProperty)], msg: 'Extra inputs are not permitted', input: (e.data as Record<string, unknown>)[String(p.additionalProperty)] }
    default:
      return { type: 'value_error', loc, msg: `Value error, ${e.message ?? 'invalid'}`, input: e.data }
  }
}

/**
 * The keyword of the one error a value too deeply nested for the validator's stack is
 * reported with (validate.ts): pydantic-core's `recursion_loop`, which its recursion guard
 * raises in the same case.
 */
export const RECURSION_KEYWORD = 'routecraftRecursion'

/**
 * `loc` with the union members' labels in place: each `[depth, label]` (outermost first) goes
 * before the loc's entry `depth` steps after the prefix. One pass: a loc deep inside nested
 * unions has as many labels as levels.
 */
function labelled (loc: Array<string | number>, prefix: number, labels: ReadonlyArray<readonly [number, string]>): Array<string | number> {
  const out = loc.slice(0, prefix)
  let k = 0
  for (let j = prefix; j <= loc.length; j++) {
    for (; k < labels.length && (labels[k] as readonly [number, string])[0] === j - prefix; k++) out.push((labels[k] as readonly [number, string])[1])
    if (j < loc.length) out.push(loc[j] as string | number)
  }
  return out
}

/**
 * Ajv's errors in FastAPI's shape and order: fields in declaration order, union members'
 * errors labelled with the member (see unions.ts).
 */
export function toIssues (errors: readonly ErrorObject[] | null | undefined, prefix: Array<string | number>, original?: { value: unknown }): ValidationIssue[] {
  if (errors == null) return []
  const dataAt = (e: ErrorObject): unknown => original === undefined ? e.data : at(original.value, pointerToLoc(e.instancePath))
  const placed = placeUnions(fieldOrder(errors.filter(e => e.keyword !== 'if')), dataAt)
  const out: ValidationIssue[] = []
  // Bounded (src/validation/limits.ts): at most ISSUE_LIMITS.issues listed, inputs echoed
  // within a depth and a byte budget. Ordinary answers are untouched.
  const budget = echoBudget()
  let omitted = 0
  for (const { error, labels, problem } of placed) {
    if (out.length >= ISSUE_LIMITS.issues) { omitted++; continue }
    const one: ValidationIssue = problem === undefined
      ? issue(error, prefix, original)
      : { type: problem.type, loc: [...prefix, ...pointerToLoc(error.instancePath)], msg: problem.msg, input: dataAt(error), ...(problem.ctx === undefined ? {} : { ctx: problem.ctx }) }
    if (labels.length > 0) one.loc = labelled(one.loc, prefix.length, labels)
    out.push(bounded(one, budget))
  }
  if (omitted > 0) out.push(tooManyIssues(omitted))
  return out
}

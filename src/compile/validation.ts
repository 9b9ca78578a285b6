/**
 * Validation with FastAPI's error shape.
 *
 * One Ajv instance for request parameters (path, query, headers, cookies: strings coerced to
 * the declared types, a single value to an array as FastAPI does for list parameters) and one
 * for bodies (no coercion at all: FastAPI/Pydantic does not turn a scalar into a list). Both
 * keep `addUsedSchema: false`, as Fastify does, so two apps in one process may each use their
 * own schema with `$id: 'Item'`. Validators are compiled once per schema object (Ajv caches
 * by identity) when a route is declared, never per request.
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv'
import addFormatsModule from 'ajv-formats'
import type { TSchema, Static } from '@sinclair/typebox'
import type { ValidationIssue, ValidationResult } from '../webhooks/codec.js'

export type { ValidationIssue, ValidationResult }

// ajv-formats is CommonJS with a default export; under NodeNext its default is the module.
const addFormats = addFormatsModule as unknown as (ajv: Ajv, formats?: string[]) => Ajv

// ---------------------------------------------------------------------------------------------
// Formats
// ---------------------------------------------------------------------------------------------

// FastAPI accepts `2023-01-01T12:00:00` (no zone); RFC 3339's strict date-time does not. The
// lenient format accepts a date, `T`/`t`/space, a time with optional fraction, optional zone.
const DATE_TIME = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])[Tt ]([01]\d|2[0-3]):[0-5]\d(:([0-5]\d|60)(\.\d+)?)?([Zz]|[+-]([01]\d|2[0-3]):?[0-5]\d)?$/

function isDateTime (s: string): boolean {
  if (!DATE_TIME.test(s)) return false
  const year = Number(s.slice(0, 4))
  const month = Number(s.slice(5, 7))
  const day = Number(s.slice(8, 10))
  // Days in the month (Date's day 0 of the next month); a plain regex lets 2023-02-30 through.
  return day <= new Date(Date.UTC(year, month, 0)).getUTCDate()
}

function makeAjv (coerce: boolean): Ajv {
  const ajv = new Ajv({
    coerceTypes: coerce ? 'array' : false,
    useDefaults: true,
    removeAdditional: true,
    allErrors: true,
    verbose: true,
    strict: false,
    addUsedSchema: false,
    // TypeBox adds [Kind] symbols only; its string keywords are all standard.
  })
  addFormats(ajv)
  ajv.addFormat('date-time', { type: 'string', validate: isDateTime })
  return ajv
}

const paramAjv = makeAjv(true)
const bodyAjv = makeAjv(false)

/** Where a value came from; the first element of an error's `loc`. */
export type Part = 'path' | 'query' | 'header' | 'cookie' | 'body'

/** Compiles `schema` for one request part, once. */
export function compileValidator (schema: TSchema, part: Part): ValidateFunction {
  return (part === 'body' ? bodyAjv : paramAjv).compile(schema)
}

// ---------------------------------------------------------------------------------------------
// Ajv errors → FastAPI's `{ type, loc, msg, input }`
// ---------------------------------------------------------------------------------------------

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

function fmt (v: unknown): string {
  return typeof v === 'string' ? `'${v}'` : JSON.stringify(v)
}

const PARAMETER_PARTS = new Set<unknown>(['path', 'query', 'header', 'cookie'])

function issue (e: ErrorObject, prefix: Array<string | number>): ValidationIssue {
  const loc = [...prefix, ...pointerToLoc(e.instancePath)]
  const p = e.params as Record<string, unknown>
  switch (e.keyword) {
    case 'required':
      // FastAPI reports a missing parameter with input null, a missing body field with the
      // object it is missing from.
      return { type: 'missing', loc: [...loc, String(p.missingProperty)], msg: 'Field required', input: PARAMETER_PARTS.has(prefix[0]) && e.instancePath === '' ? null : e.data ?? null }
    case 'type': {
      const t = Array.isArray(p.type) ? String(p.type[0]) : String(p.type)
      const [type, msg] = typeNames[t] ?? ['type_error', `Input should be of type ${t}`]
      return { type, loc, msg, input: e.data }
    }
    case 'minLength':
      return { type: 'string_too_short', loc, msg: `String should have at least ${String(p.limit)} character${p.limit === 1 ? '' : 's'}`, input: e.data }
    case 'maxLength':
      return { type: 'string_too_long', loc, msg: `String should have at most ${String(p.limit)} character${p.limit === 1 ? '' : 's'}`, input: e.data }
    case 'minimum':
      return { type: 'greater_than_equal', loc, msg: `Input should be greater than or equal to ${String(p.limit)}`, input: e.data }
    case 'exclusiveMinimum':
      return { type: 'greater_than', loc, msg: `Input should be greater than ${String(p.limit)}`, input: e.data }
    case 'maximum':
      return { type: 'less_than_equal', loc, msg: `Input should be less than or equal to ${String(p.limit)}`, input: e.data }
    case 'exclusiveMaximum':
      return { type: 'less_than', loc, msg: `Input should be less than ${String(p.limit)}`, input: e.data }
    case 'multipleOf':
      return { type: 'multiple_of', loc, msg: `Input should be a multiple of ${String(p.multipleOf)}`, input: e.data }
    case 'pattern':
      return { type: 'string_pattern_mismatch', loc, msg: `String should match pattern '${String(p.pattern)}'`, input: e.data }
    case 'minItems':
      return { type: 'too_short', loc, msg: `List should have at least ${String(p.limit)} item${p.limit === 1 ? '' : 's'} after validation`, input: e.data }
    case 'maxItems':
      return { type: 'too_long', loc, msg: `List should have at most ${String(p.limit)} item${p.limit === 1 ? '' : 's'} after validation`, input: e.data }
    case 'enum': {
      const allowed = (p.allowedValues as unknown[]).map(fmt)
      return { type: 'enum', loc, msg: `Input should be ${allowed.length > 1 ? `${allowed.slice(0, -1).join(', ')} or ${String(allowed.at(-1))}` : String(allowed[0])}`, input: e.data }
    }
    case 'const':
      return { type: 'literal_error', loc, msg: `Input should be ${fmt(p.allowedValue)}`, input: e.data }
    case 'additionalProperties':
      return { type: 'extra_forbidden', loc: [...loc, String(p.additionalProperty)], msg: 'Extra inputs are not permitted', input: (e.data as Record<string, unknown>)[String(p.additionalProperty)] }
    case 'format':
      if (p.format === 'date-time') return { type: 'datetime_from_date_parsing', loc, msg: 'Input should be a valid datetime', input: e.data }
      if (p.format === 'date') return { type: 'date_from_datetime_parsing', loc, msg: 'Input should be a valid date', input: e.data }
      return { type: 'value_error', loc, msg: `Input should be a valid ${String(p.format)}`, input: e.data }
    default:
      return { type: 'value_error', loc, msg: `Value error, ${e.message ?? 'invalid'}`, input: e.data }
  }
}

/**
 * Ajv's errors in FastAPI's shape. Errors from inside the branches of an `anyOf`/`oneOf` are
 * dropped in favour of the one error for the union, so that one bad value gives one entry.
 */
export function toIssues (errors: readonly ErrorObject[] | null | undefined, prefix: Array<string | number>): ValidationIssue[] {
  if (errors == null) return []
  const unions = errors.filter(e => e.keyword === 'anyOf' || e.keyword === 'oneOf').map(e => e.schemaPath)
  const out: ValidationIssue[] = []
  for (const e of errors) {
    if (e.keyword === 'if') continue
    if (unions.some(u => e.schemaPath !== u && e.schemaPath.startsWith(u + '/'))) continue
    out.push(issue(e, prefix))
  }
  return out
}

// ---------------------------------------------------------------------------------------------
// validate(): the public helper for bodies routecraft does not parse (YAML, say)
// ---------------------------------------------------------------------------------------------

/**
 * Validates `value` against a TypeBox schema the way a route validates a JSON body: no
 * coercion, defaults applied, undeclared fields removed, errors in FastAPI's shape with `loc`
 * relative to the value (`["tags", 3]`, `[]` for the value itself). The value is copied
 * first, so the caller's object is never changed.
 *
 * @example
 * ```ts
 * const result = validate(Item, YAML.parse(text))
 * if (!result.ok) throw new HttpError(422, result.errors)
 * return result.value // Static<typeof Item>
 * ```
 */
export function validate<S extends TSchema> (schema: S, value: unknown): ValidationResult<Static<S>> {
  const check = bodyAjv.compile(schema)
  const copy = value === undefined ? undefined : structuredCloneSafe(value)
  if (check(copy)) return { ok: true, value: copy as Static<S> }
  return { ok: false, errors: toIssues(check.errors, []) }
}

function structuredCloneSafe (value: unknown): unknown {
  try {
    return structuredClone(value)
  } catch {
    // Functions or class instances with private state: validate the value itself.
    return value
  }
}

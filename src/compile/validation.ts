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
import { Value } from '@sinclair/typebox/value'
import { RoutecraftError } from '../errors.js'
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

function makeAjv (coerce: boolean, removeAdditional: true | 'all'): Ajv {
  const ajv = new Ajv({
    coerceTypes: coerce ? 'array' : false,
    useDefaults: true,
    removeAdditional,
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

const paramAjv = makeAjv(true, true)
// Bodies: FastAPI (Pydantic) ignores fields a model does not declare, so the handler never
// sees them. For a plain tree of objects Ajv's `removeAdditional: 'all'` does that inside the
// compiled validator; where the tree composes schemas (allOf, anyOf, $ref, …) 'all' would
// remove the properties of the other branches, so validation keeps them and TypeBox's
// Value.Clean, which understands composition, removes the undeclared ones afterwards.
const bodyAjv = makeAjv(false, 'all')
const composedBodyAjv = makeAjv(false, true)

/** Where a value came from; the first element of an error's `loc`. */
export type Part = 'path' | 'query' | 'header' | 'cookie' | 'body'

// ---------------------------------------------------------------------------------------------
// Schemas as Ajv and fast-json-stringify take them
// ---------------------------------------------------------------------------------------------

const COMPOSING = new Set(['allOf', 'anyOf', 'oneOf', 'not', 'if', '$ref', 'additionalProperties', 'patternProperties', 'unevaluatedProperties', 'dependentSchemas', 'propertyNames'])
const prepared = new WeakMap<object, { schema: TSchema; simple: boolean }>()

/**
 * The schema Ajv and fast-json-stringify are given: one TypeBox schema with an `$id` used
 * twice in a tree (`{ billing: Address, shipping: Address }`) becomes one definition and a
 * `$ref`, since both tools refuse an `$id` that appears twice. Two *different* schemas with
 * one `$id` are a declaration mistake. The original object is returned when nothing repeats,
 * so compiled validators stay shared.
 */
export function prepareSchema (schema: TSchema): { schema: TSchema; simple: boolean } {
  const hit = prepared.get(schema)
  if (hit !== undefined) return hit
  const seen = new Map<string, string>()
  let repeats = false
  let simple = true
  const scan = (node: unknown): void => {
    if (Array.isArray(node)) { node.forEach(scan); return }
    if (typeof node !== 'object' || node === null) return
    const rec = node as Record<string, unknown>
    if (typeof rec.$id === 'string') {
      const text = JSON.stringify(rec)
      const before = seen.get(rec.$id)
      if (before !== undefined) {
        if (before !== text) throw new RoutecraftError('RC_ERR_ROUTE_SCHEMA', `two different schemas use $id "${rec.$id}" in one schema; give each its own $id or share one schema object`)
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
  let out = schema
  if (repeats) {
    simple = false
    const placed = new Set<string>()
    const rewrite = (node: unknown, top: boolean): unknown => {
      if (Array.isArray(node)) return node.map(n => rewrite(n, false))
      if (typeof node !== 'object' || node === null) return node
      const rec = node as Record<string, unknown>
      if (!top && typeof rec.$id === 'string') {
        if (placed.has(rec.$id)) return { $ref: rec.$id }
        placed.add(rec.$id)
      }
      const copy: Record<string, unknown> = {}
      for (const key of Object.keys(rec)) {
        Object.defineProperty(copy, key, { value: key === 'default' || key === 'examples' || key === 'const' || key === 'enum' ? rec[key] : rewrite(rec[key], false), enumerable: true, writable: true, configurable: true })
      }
      return copy
    }
    if (typeof schema.$id === 'string') placed.add(schema.$id)
    out = rewrite(schema, true) as TSchema
  }
  const result = { schema: out, simple }
  prepared.set(schema, result)
  return result
}

/** Compiles `schema` for one request parameter part, once. */
export function compileValidator (schema: TSchema, part: Exclude<Part, 'body'>): ValidateFunction {
  return paramAjv.compile(prepareSchema(schema).schema)
}

/** A compiled body check: the value with undeclared fields removed, or Ajv's errors. */
export type BodyCheck = (data: unknown) => { ok: true; value: unknown } | { ok: false; errors: ErrorObject[] }

/** Compiles `schema` for bodies (and payloads), once. */
export function compileBodyValidator (schema: TSchema): BodyCheck {
  const { schema: ready, simple } = prepareSchema(schema)
  if (simple) {
    const check = bodyAjv.compile(ready)
    /* c8 ignore next -- Ajv always sets `errors` when a check fails; `?? []` only satisfies the type */
    return data => check(data) ? { ok: true, value: data } : { ok: false, errors: check.errors ?? [] }
  }
  const check = composedBodyAjv.compile(ready)
  return data => {
    /* c8 ignore next -- Ajv always sets `errors` when a check fails; `?? []` only satisfies the type */
    if (!check(data)) return { ok: false, errors: check.errors ?? [] }
    try {
      return { ok: true, value: Value.Clean(schema, data) }
    } catch {
      /* c8 ignore next 2 -- Value.Clean only throws on references TypeBox cannot resolve */
      return { ok: true, value: data }
    }
  }
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

const PARSING: Record<string, [string, string]> = {
  integer: ['int_parsing', 'Input should be a valid integer, unable to parse string as an integer'],
  number: ['float_parsing', 'Input should be a valid number, unable to parse string as a number'],
  boolean: ['bool_parsing', 'Input should be a valid boolean, unable to interpret input'],
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

function issue (e: ErrorObject, prefix: Array<string | number>, original: { value: unknown } | undefined): ValidationIssue {
  const path = pointerToLoc(e.instancePath)
  const loc = [...prefix, ...path]
  // Pydantic reports the input as it was sent; Ajv's data has defaults and removals applied.
  if (original !== undefined) e = { ...e, data: at(original.value, path) }
  const p = e.params as Record<string, unknown>
  switch (e.keyword) {
    case 'required':
      // FastAPI reports a missing parameter with input null, a missing body field with the
      // object it is missing from.
      return { type: 'missing', loc: [...loc, String(p.missingProperty)], msg: 'Field required', input: PARAMETER_PARTS.has(prefix[0]) && e.instancePath === '' ? null : e.data ?? null }
    case 'type': {
      const t = Array.isArray(p.type) ? String(p.type[0]) : String(p.type)
      // A parameter arrives as a string: Pydantic says it could not parse it.
      const parsing = typeof e.data === 'string' && PARAMETER_PARTS.has(prefix[0]) ? PARSING[t] : undefined
      const [type, msg] = parsing ?? typeNames[t] ?? ['type_error', `Input should be of type ${t}`]
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
export function toIssues (errors: readonly ErrorObject[] | null | undefined, prefix: Array<string | number>, original?: { value: unknown }): ValidationIssue[] {
  if (errors == null) return []
  const unions = errors.filter(e => e.keyword === 'anyOf' || e.keyword === 'oneOf').map(e => e.schemaPath)
  const out: ValidationIssue[] = []
  for (const e of errors) {
    if (e.keyword === 'if') continue
    if (unions.some(u => e.schemaPath !== u && e.schemaPath.startsWith(u + '/'))) continue
    out.push(issue(e, prefix, original))
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
  const copy = value === undefined ? undefined : structuredCloneSafe(value)
  const result = compileBodyValidator(schema)(copy)
  return result.ok ? { ok: true, value: result.value as Static<S> } : { ok: false, errors: toIssues(result.errors, [], copy === value ? undefined : { value }) }
}

function structuredCloneSafe (value: unknown): unknown {
  try {
    return structuredClone(value)
  } catch {
    // Functions or class instances with private state: validate the value itself.
    return value
  }
}
